"""The kernel's `NetworkService` over one interface's stack: which protocols a socket
may be opened with, and the simulated instant the stack is told.

Datagram sockets of AF_INET are UDP endpoints of the stack's port table, stream sockets
connections and listeners of its TCP layer (EPROTONOSUPPORT when the interface has no
TCP, NET_TCP=n).
"""

from __future__ import annotations

from collections.abc import Callable

from levante.abi import ERRNO
from levante.kernel.objects.socket_transport import (
    AF_INET,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
    TransportSocket,
)
from levante.net.sockets.addresses import address_bytes
from levante.net.sockets.tcp import TcpSocket
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
            if protocol not in (0, IPPROTO_TCP) or self.stack.tcp is None:
                return -ERRNO["EPROTONOSUPPORT"]
            return TcpSocket(self.stack.tcp, self.clock, family, self.is_local)
        return -ERRNO["EPROTOTYPE"]

    def is_local(self, address: bytes) -> bool:
        """Whether `address` is one of the interface's own (what bind may name)."""
        settings = self.stack.settings.ipv4
        return settings is not None and address_bytes(settings.address) == address

    def max_datagram(self) -> int:
        """A datagram must fit one frame unless the stack fragments (RFC 791 §3.2)."""
        if self.stack.settings.fragments is not None:
            return MAX_UDP_PAYLOAD
        return self.stack.settings.mtu - IPV4_HEADER - UDP_HEADER
