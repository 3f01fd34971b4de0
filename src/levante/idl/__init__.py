"""Levante's interface language: `.idl` files → descriptors, the kernel's message checker, C stubs."""
