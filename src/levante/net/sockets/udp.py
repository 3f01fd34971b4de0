"""A UDP socket's transport: one endpoint of the stack's port table.

IPv4 and IPv6 share the port table; an AF_INET6 socket hears only IPv6 datagrams and an
AF_INET one only IPv4 (the other family's are dropped and counted): Zephyr's sockets are
IPv6-only unless NET_IPV4_MAPPING_TO_IPV6, which Levante does not have.

POSIX's datagram rules: an unbound socket is bound to an ephemeral port when it first
sends or connects; connect sets the default destination and from then on only the
peer's datagrams are received (others are dropped and counted); SO_RCVBUF bounds the
bytes waiting (besides the port table's own bound on datagrams).  SHUT_RD makes reads
return the end of input; SHUT_WR and SHUT_RDWR are not supported on datagram sockets
(ENOTSUP), as in Zephyr.
"""

from __future__ import annotations

from collections.abc import Callable

from levante.abi import ERRNO
from levante.codecs.addresses import ipv4_to_text, ipv6_to_text, is_ipv6_text
from levante.kernel.objects.socket_transport import (
    AF_INET6,
    Readiness,
    Received,
    SocketAddress,
)
from levante.net.sockets.addresses import address_bytes
from levante.net.sockets.options import is_ipv6_only_option
from levante.net.stack import NetworkStack
from levante.net.stack.udp import RECEIVE_QUEUE_LENGTH, PortInUse, UdpEndpoint

SOL_SOCKET = 1
SO_RCVBUF = 8
SHUT_RD = 0
DEFAULT_RECEIVE_BUFFER = RECEIVE_QUEUE_LENGTH * 1472  # eight full-frame datagrams


class UdpSocket:
    """A `TransportSocket` for SOCK_DGRAM of one family; `is_local` answers whether an
    address is the interface's own (bind's EADDRNOTAVAIL)."""

    def __init__(self, stack: NetworkStack, clock: Callable[[], int], max_datagram: int,
                 family: int, is_local: Callable[[bytes], bool]) -> None:
        self.stack = stack
        self.clock = clock
        self.max_datagram = max_datagram
        self.family = family
        self.is_local = is_local
        self.endpoint: UdpEndpoint | None = None
        # INADDR_ANY / in6addr_any unless bound to our address
        self.bound_address = bytes(16 if family == AF_INET6 else 4)
        self.peer: SocketAddress | None = None
        self.read_shut = False
        self.receive_buffer = DEFAULT_RECEIVE_BUFFER
        self._listener: Callable[[], None] | None = None

    # ---- events ---------------------------------------------------------------------

    def set_listener(self, listener: Callable[[], None] | None) -> None:
        self._listener = listener

    def _received(self, endpoint: UdpEndpoint) -> None:
        """The stack queued a datagram for us (the newest is last)."""
        newest = endpoint.received[-1]
        if is_ipv6_text(newest.source) != (self.family == AF_INET6):
            endpoint.received.pop()
            self.stack.stats.drop("udp", "other-family")
            return
        if self.peer is not None and (
                address_bytes(newest.source) != self.peer.address
                or newest.source_port != self.peer.port):
            endpoint.received.pop()
            self.stack.stats.drop("udp", "not-from-peer")
            return
        if self.read_shut or sum(len(item.payload) for item in endpoint.received) \
                > self.receive_buffer:
            endpoint.received.pop()
            self.stack.stats.drop("udp", "receive-buffer-full")
            return
        if self._listener is not None:
            self._listener()

    def readiness(self) -> Readiness:
        readable = self.read_shut or (self.endpoint is not None
                                      and bool(self.endpoint.received))
        return Readiness(readable=readable, writable=True)

    # ---- addresses ------------------------------------------------------------------

    def bind(self, address: SocketAddress, reuse: bool) -> int:
        if self.endpoint is not None:
            return -ERRNO["EINVAL"]  # bound already
        if not address.is_unspecified and not self.is_local(address.address):
            return -ERRNO["EADDRNOTAVAIL"]
        # One endpoint per port and family: SO_REUSEADDR cannot share one.
        try:
            self._open_endpoint(address.port)
        except PortInUse:
            return -ERRNO["EADDRINUSE"]
        except ValueError:
            return -ERRNO["EADDRINUSE"]  # no ephemeral port is free
        self.bound_address = address.address
        return 0

    def _open_endpoint(self, port: int) -> UdpEndpoint:
        endpoint = self.stack.udp.bind(port, 6 if self.family == AF_INET6 else 4)
        endpoint.on_receive = self._received
        self.endpoint = endpoint
        return endpoint

    def _ensure_bound(self) -> UdpEndpoint | int:
        if self.endpoint is not None:
            return self.endpoint
        try:
            return self._open_endpoint(0)
        except ValueError:
            return -ERRNO["EADDRINUSE"]

    def connect(self, address: SocketAddress) -> int:
        if address.port == 0 or address.is_unspecified:
            return -ERRNO["EINVAL"]
        bound = self._ensure_bound()
        if isinstance(bound, int):
            return bound
        self.peer = address
        return 0

    def local_address(self) -> SocketAddress | None:
        if self.endpoint is None:
            return None
        return SocketAddress(self.family, self.bound_address, self.endpoint.port)

    def peer_address(self) -> SocketAddress | None:
        return self.peer

    # ---- data -----------------------------------------------------------------------

    def send(self, data: bytes, destination: SocketAddress | None) -> int:
        target = destination or self.peer
        if target is None:
            return -ERRNO["EDESTADDRREQ"]
        if len(data) > self.max_datagram:
            return -ERRNO["EMSGSIZE"]
        if target.port == 0:
            return -ERRNO["EINVAL"]
        bound = self._ensure_bound()
        if isinstance(bound, int):
            return bound
        text = ipv6_to_text(target.address) if self.family == AF_INET6 \
            else ipv4_to_text(target.address)
        if not self.stack.udp.send(bound, text, target.port, data, self.clock()):
            return -ERRNO["ENETUNREACH"]  # no address, no route (counted by the stack)
        return len(data)

    def receive(self, limit: int, peek: bool) -> Received | None:
        if self.read_shut or self.endpoint is None or not self.endpoint.received:
            return None
        datagram = self.endpoint.received[0] if peek else self.endpoint.received.popleft()
        source = SocketAddress(self.family, address_bytes(datagram.source),
                               datagram.source_port)
        return Received(datagram.payload[:limit], len(datagram.payload), source)

    # ---- the rest -------------------------------------------------------------------

    def listen(self, backlog: int) -> int:
        return -ERRNO["EOPNOTSUPP"]

    def accept(self) -> UdpSocket | int:
        return -ERRNO["EOPNOTSUPP"]

    def shutdown(self, how: int) -> int:
        if how != SHUT_RD:
            return -ERRNO["ENOTSUP"]
        self.read_shut = True
        if self.endpoint is not None:
            self.endpoint.received.clear()
        if self._listener is not None:
            self._listener()
        return 0

    def set_option(self, level: int, name: int, value: int) -> int:
        if is_ipv6_only_option(level, name):
            return 0
        if level == SOL_SOCKET and name == SO_RCVBUF:
            if value <= 0:
                return -ERRNO["EINVAL"]
            self.receive_buffer = value
            return 0
        return -ERRNO["ENOPROTOOPT"]

    def get_option(self, level: int, name: int) -> int:
        if level == SOL_SOCKET and name == SO_RCVBUF:
            return self.receive_buffer
        return -ERRNO["ENOPROTOOPT"]

    def take_error(self) -> int:
        return 0  # nothing reports an error to a UDP socket later than its call

    def close(self) -> None:
        if self.endpoint is not None:
            self.stack.udp.unbind(self.endpoint)
            self.endpoint.on_receive = None
            self.endpoint = None
