"""The kernel's `NetworkService` over one interface's stack: which protocols a socket
may be opened with, and the simulated instant the stack is told.

Datagram sockets are UDP endpoints of the stack's port table, stream sockets
connections and listeners of its TCP layer (EPROTONOSUPPORT when the interface has no
TCP, NET_TCP=n); AF_INET6 sockets exist when the interface has IPv6 (else
EAFNOSUPPORT) and are IPv6-only, as Zephyr's are without NET_IPV4_MAPPING_TO_IPV6.
With secure sockets built (`SecureProvision`), IPPROTO_TLS_1_2 stream
sockets and IPPROTO_DTLS_1_2 datagram sockets are a `SecureSocket` over a TCP or UDP
transport, at most CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS of them at once; their DTLS
deadlines join the interface's (`next_deadline`, `advance`).
"""

from __future__ import annotations

from collections.abc import Callable

from levante.abi import ERRNO
from levante.abi.tls import IPPROTO_DTLS_1_2, IPPROTO_TLS_1_2
from levante.codecs.addresses import ipv6_to_text
from levante.kernel.objects.socket_transport import (
    AF_INET,
    AF_INET6,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
    TransportSocket,
)
from levante.net.sockets.addresses import address_bytes
from levante.net.sockets.secure import (
    SecureContexts,
    SecureProvision,
    SecureSocket,
    dtls_mtu,
)
from levante.net.sockets.tcp import TcpSocket
from levante.net.sockets.udp import UdpSocket
from levante.net.stack import NetworkStack

IPV4_HEADER = 20
IPV6_HEADER = 40
UDP_HEADER = 8
MAX_UDP_PAYLOAD = 0xFFFF - IPV4_HEADER - UDP_HEADER  # RFC 768's length field bounds it


class StackNetwork:
    """Sockets' access to one `NetworkStack`; `clock` gives the simulated instant in
    microseconds (the interface's conversion of the kernel's cycles)."""

    def __init__(self, stack: NetworkStack, clock: Callable[[], int],
                 secure: SecureProvision | None = None) -> None:
        self.stack = stack
        self.clock = clock
        self.secure = secure
        self.contexts = SecureContexts(0)
        if secure is not None:
            self.contexts = SecureContexts(secure.max_contexts,
                                           heap_size=secure.library.heap_size,
                                           session_charge=secure.library.session_charge)

    def open(self, family: int, kind: int, protocol: int) -> TransportSocket | int:
        if family == AF_INET6:
            if self.stack.ipv6 is None:
                return -ERRNO["EAFNOSUPPORT"]
            is_local = self.is_local_ipv6
        elif family == AF_INET:
            is_local = self.is_local
        else:
            return -ERRNO["EAFNOSUPPORT"]
        largest = self.max_datagram_ipv6() if family == AF_INET6 else self.max_datagram()
        if kind == SOCK_DGRAM:
            if protocol == IPPROTO_DTLS_1_2 and self.secure is not None and self.secure.dtls:
                return self._open_secure(
                    UdpSocket(self.stack, self.clock, largest, family, is_local),
                    datagram=True, mtu=dtls_mtu(largest, self.one_frame(family)))
            if protocol not in (0, IPPROTO_UDP):
                return -ERRNO["EPROTONOSUPPORT"]
            return UdpSocket(self.stack, self.clock, largest, family, is_local)
        if kind == SOCK_STREAM:
            if protocol == IPPROTO_TLS_1_2 and self.secure is not None \
                    and self.stack.tcp is not None:
                return self._open_secure(
                    TcpSocket(self.stack.tcp, self.clock, family, is_local),
                    datagram=False, mtu=dtls_mtu(largest, self.one_frame(family)))
            if protocol not in (0, IPPROTO_TCP) or self.stack.tcp is None:
                return -ERRNO["EPROTONOSUPPORT"]
            return TcpSocket(self.stack.tcp, self.clock, family, is_local)
        return -ERRNO["EPROTOTYPE"]

    def is_local(self, address: bytes) -> bool:
        """Whether `address` is one of the interface's own (what bind may name)."""
        settings = self.stack.settings.ipv4
        return settings is not None and address_bytes(settings.address) == address

    def _open_secure(self, inner: TransportSocket, datagram: bool,
                     mtu: int) -> TransportSocket | int:
        assert self.secure is not None
        if self.contexts.full:
            inner.close()
            return -ERRNO["ENOMEM"]  # Zephyr's tls_alloc finds no free context
        return SecureSocket(inner, datagram, self.secure, self.clock, mtu, self.contexts)

    def next_deadline(self) -> int | None:
        """The earliest instant (µs) a secure socket's session must be told the time."""
        deadlines = [sock.deadline for sock in self.contexts.open
                     if sock.deadline is not None]
        return min(deadlines) if deadlines else None

    def advance(self, now: int) -> None:
        for sock in list(self.contexts.open):
            deadline = sock.deadline
            if deadline is not None and deadline <= now:
                sock.on_timer(now)

    def is_local_ipv6(self, address: bytes) -> bool:
        return self.stack.ipv6 is not None and \
            self.stack.ipv6.addresses.is_ours(ipv6_to_text(address))

    def max_datagram_ipv6(self) -> int:
        """RFC 8200 §5: without fragmenting, one link MTU less the headers."""
        if self.stack.settings.fragments is not None:
            return MAX_UDP_PAYLOAD
        return self.stack.settings.mtu - IPV6_HEADER - UDP_HEADER

    def one_frame(self, family: int) -> int:
        """The UDP payload one link frame carries for `family` (no IP fragments)."""
        header = IPV6_HEADER if family == AF_INET6 else IPV4_HEADER
        return self.stack.settings.mtu - header - UDP_HEADER

    def max_datagram(self) -> int:
        """A datagram must fit one frame unless the stack fragments (RFC 791 §3.2)."""
        if self.stack.settings.fragments is not None:
            return MAX_UDP_PAYLOAD
        return self.stack.settings.mtu - IPV4_HEADER - UDP_HEADER
