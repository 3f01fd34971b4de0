"""Firmware images: reading the ELF files `levante build` produces."""
