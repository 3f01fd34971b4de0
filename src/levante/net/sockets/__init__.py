"""The kernel's sockets over the network stack: the `NetworkService` a board's interface
hands the kernel (`StackNetwork`), and one transport per protocol (UDP so far)."""

from levante.net.sockets.network import StackNetwork

__all__ = ["StackNetwork"]
