"""Kernel objects: one module per kind, each holding the state the kernel keeps."""
