"""Links that carry the stack's frames to the outside (host side: files and devices)."""
