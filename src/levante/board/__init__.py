"""Assembling a running system: the board, its flash and boot stage, the CPU and the kernel."""
