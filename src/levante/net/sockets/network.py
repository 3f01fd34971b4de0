"""The kernel's `NetworkService` over one interface's stack: which protocols a socket
may be opened with, and the simulated instant the stack is told.

Datagram sockets of AF_INET are UDP endpoints of the stack's port table.  Stream sockets
are refused with EPROTONOSUPPORT until the stack has a TCP engine to hand them to, and
AF_INET6 with EAFNOSUPPORT until it has IPv6; the kernel's calls need no change then.
"""

from __future__ import annotations

from collections.abc import Callable

from levante.abi import ERRNO
from levante.kernel.objects.socket_transport import (
    AF_INET,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
    TransportSocket,
)
from levante.net.sockets.udp import UdpSocket
from levante.net.stack import NetworkStack

IPV4_HEADER = 20
UDP_HEADER = 8
MAX_UDP_PAYLOAD = 0xFFFF - IPV4_HEADER - UDP_HEADER  # RFC 768's length field bounds it


class StackNetwork:
    """Sockets' access to one `NetworkStack`; `clock` gives the simulated instant in
    microseconds (the interface's conversion of the kernel's cycles)."""

    def __init__(self, stack: NetworkStack, clock: Callable[[], int]) -> None:
        self.stack = stack
        self.clock = clock

    def open(self, family: int, kind: int, protocol: int) -> TransportSocket | int:
        if family != AF_INET:
            return -ERRNO["EAFNOSUPPORT"]
        if kind == SOCK_DGRAM:
            if protocol not in (0, IPPROTO_UDP):
                return -ERRNO["EPROTONOSUPPORT"]
            return UdpSocket(self.stack, self.clock, self.max_datagram())
        if kind == SOCK_STREAM:
            return -ERRNO["EPROTONOSUPPORT"]  # no TCP engine yet
        return -ERRNO["EPROTOTYPE"]

    def max_datagram(self) -> int:
        """A datagram must fit one frame unless the stack fragments (RFC 791 §3.2)."""
        if self.stack.settings.fragments is not None:
            return MAX_UDP_PAYLOAD
        return self.stack.settings.mtu - IPV4_HEADER - UDP_HEADER
