"""Debugging a running system with GDB: the remote serial protocol and its server."""
