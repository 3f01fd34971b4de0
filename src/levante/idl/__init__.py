"""Levante's interface language: `.idl` files → descriptors, message checker, C stubs."""
