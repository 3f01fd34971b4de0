"""The kernel's services: protocol cores (sans-IO) that act on the device for peers."""
