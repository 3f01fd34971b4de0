"""A stream socket's transport: a TCP `Listener` or `Connection` of the stack's TcpLayer.

The rules are Zephyr's sockets over its TCP (and POSIX's where Zephyr follows them):
bind reserves a port the socket listens or connects from; listen turns the socket into
a listener whose accepted connections become new sockets; connect starts the handshake
and answers EINPROGRESS (the kernel waits, or O_NONBLOCK returns it and poll's POLLOUT
and SO_ERROR tell the end).  An error the connection met (ECONNREFUSED, ECONNRESET,
ETIMEDOUT) is reported once, by the next call or SO_ERROR; after that reads see the end
of input and writes EPIPE.  SO_KEEPALIVE is refused (ENOPROTOOPT), as Zephyr without
NET_TCP_KEEPALIVE does.
"""

from __future__ import annotations

from collections.abc import Callable

from levante.abi import ERRNO
from levante.codecs.addresses import ipv4_to_text, ipv6_to_text, is_ipv6_text
from levante.kernel.objects.socket_transport import (
    AF_INET6,
    IPPROTO_TCP,
    Readiness,
    Received,
    SocketAddress,
)
from levante.net.sockets.addresses import address_bytes
from levante.net.sockets.options import is_ipv6_only_option
from levante.net.stack.tcp import Connection, Listener, TcpEvent, TcpLayer, TcpState
from levante.net.stack.tcp_connection import TcpUsageError

TCP_NODELAY = 1
SHUT_RD, SHUT_WR, SHUT_RDWR = 0, 1, 2
# States in which the handshake is still under way: sends wait, reads find nothing.
_OPENING = (TcpState.SYN_SENT, TcpState.SYN_RECEIVED)


def _errno(name: str) -> int:
    return -ERRNO[name]


class TcpSocket:
    """A `TransportSocket` for SOCK_STREAM of one family over a TcpLayer; `local`
    answers whether an address is the interface's own (bind's EADDRNOTAVAIL)."""

    def __init__(self, layer: TcpLayer, clock: Callable[[], int], family: int,
                 is_local: Callable[[bytes], bool],
                 connection: Connection | None = None) -> None:
        self.layer = layer
        self.clock = clock
        self.family = family
        self.is_local = is_local
        self.bound: SocketAddress | None = None
        self.listener: Listener | None = None
        self.connection: Connection | None = None
        self.error_reported = False
        self.read_shut = False
        self.no_delay = False
        self._listener: Callable[[], None] | None = None
        if connection is not None:
            self._adopt(connection)

    # ---- events ---------------------------------------------------------------------

    def set_listener(self, listener: Callable[[], None] | None) -> None:
        self._listener = listener

    def _changed(self, _source: object, _event: TcpEvent) -> None:
        if self._listener is not None:
            self._listener()

    def _adopt(self, connection: Connection) -> None:
        self.connection = connection
        connection.no_delay = self.no_delay
        connection.on_event = self._changed

    # ---- state ----------------------------------------------------------------------

    def _pending_error(self) -> str | None:
        """The connection's error while it has not been reported yet."""
        connection = self.connection
        if connection is None or connection.error is None or self.error_reported:
            return None
        return connection.error

    def _report_error(self) -> int:
        error = self._pending_error()
        if error is None:
            return 0
        self.error_reported = True
        return ERRNO[error]

    def readiness(self) -> Readiness:
        if self.listener is not None:
            return Readiness(readable=self.listener.readable)
        connection = self.connection
        if connection is None:
            return Readiness()
        pending = self._pending_error() is not None
        closed = connection.state is TcpState.CLOSED
        opening = connection.state in _OPENING
        return Readiness(
            readable=not opening and (connection.readable or self.read_shut) and not pending,
            writable=not opening and connection.writable,
            error=pending,
            hung_up=closed or (connection.at_eof and connection.fin_queued))

    # ---- addresses ------------------------------------------------------------------

    def _text(self, address: bytes) -> str:
        return ipv6_to_text(address) if self.family == AF_INET6 else ipv4_to_text(address)

    def _listeners(self) -> dict[int, Listener]:
        """The listener table of this socket's family (IPv4 and IPv6 have one each)."""
        return self.layer.listeners6 if self.family == AF_INET6 else self.layer.listeners

    def _port_in_use(self, port: int) -> bool:
        return port in self._listeners() or any(
            key[0] == port and is_ipv6_text(key[1]) == (self.family == AF_INET6)
            for key in self.layer.connections)

    def bind(self, address: SocketAddress, reuse: bool) -> int:
        if self.bound is not None or self.connection is not None:
            return _errno("EINVAL")
        if not address.is_unspecified and not self.is_local(address.address):
            return _errno("EADDRNOTAVAIL")
        port = address.port
        if port == 0:
            try:
                port = self.layer.free_port()
            except TcpUsageError as refused:
                return _errno(refused.errno)
        # SO_REUSEADDR lets a port whose old connections linger (TIME-WAIT) be bound
        # again; a listener on it is a conflict either way.
        elif port in self._listeners() or (not reuse and self._port_in_use(port)):
            return _errno("EADDRINUSE")
        self.bound = SocketAddress(self.family, address.address, port)
        return 0

    def local_address(self) -> SocketAddress | None:
        if self.connection is not None:
            return SocketAddress(self.family, address_bytes(self.connection.local_ip),
                                 self.connection.local_port)
        return self.bound

    def peer_address(self) -> SocketAddress | None:
        connection = self.connection
        if connection is None or connection.state in _OPENING or (
                connection.state is TcpState.CLOSED and connection.error is not None):
            return None
        return SocketAddress(self.family, address_bytes(connection.remote_ip),
                             connection.remote_port)

    # ---- connections ----------------------------------------------------------------

    def listen(self, backlog: int) -> int:
        if self.connection is not None:
            return _errno("EISCONN")
        if self.listener is not None:
            self.listener.backlog = max(1, min(backlog, self.listener.backlog))
            return 0
        port = self.bound.port if self.bound is not None else 0
        try:
            listener = self.layer.listen(port, backlog, ipv6=self.family == AF_INET6)
        except TcpUsageError as refused:
            return _errno(refused.errno)
        listener.on_event = self._changed
        self.listener = listener
        self.bound = SocketAddress(self.family, self.bound.address if self.bound
                                   else bytes(16 if self.family == AF_INET6 else 4),
                                   listener.port)
        return 0

    def accept(self) -> TcpSocket | int:
        if self.listener is None:
            return _errno("EINVAL")
        connection = self.listener.accept()
        if connection is None:
            return _errno("EAGAIN")
        return TcpSocket(self.layer, self.clock, self.family, self.is_local, connection)

    def connect(self, address: SocketAddress) -> int:
        if self.listener is not None:
            return _errno("EISCONN")
        connection = self.connection
        if connection is not None:
            if connection.state in _OPENING:
                return _errno("EALREADY")
            if connection.state is not TcpState.CLOSED:
                return _errno("EISCONN")
            if self._pending_error() is not None:
                return -self._report_error()
            return _errno("EISCONN")  # a socket connects once (Zephyr's rule too)
        if address.port == 0 or address.is_unspecified:
            return _errno("EINVAL")
        local_port = self.bound.port if self.bound is not None else 0
        try:
            connection = self.layer.connect(local_port, self._text(address.address),
                                            address.port, self.clock())
        except TcpUsageError as refused:
            return _errno(refused.errno)
        self._adopt(connection)
        return _errno("EINPROGRESS")

    # ---- data -----------------------------------------------------------------------

    def send(self, data: bytes, destination: SocketAddress | None) -> int:
        connection = self.connection
        if connection is None:
            return _errno("ENOTCONN")
        if connection.state in _OPENING:
            return _errno("EAGAIN")  # the handshake first; writable says when
        if self._pending_error() is not None:
            return -self._report_error()
        if not data:
            return 0
        try:
            taken = connection.send(data, self.clock())
        except TcpUsageError:
            return _errno("EPIPE")  # shut down for writing, or closed
        return taken if taken else _errno("EAGAIN")

    def receive(self, limit: int, peek: bool) -> Received | int | None:
        connection = self.connection
        if connection is None:
            return _errno("ENOTCONN")
        if self._pending_error() is not None:
            return -self._report_error()
        source = self.peer_address()
        if self.read_shut:
            return Received(b"", 0, source)
        if connection.received:
            data = bytes(connection.received[:limit]) if peek \
                else connection.receive(limit, self.clock())
            return Received(data, len(data), source)
        if connection.peer_closed or connection.state is TcpState.CLOSED:
            return Received(b"", 0, source)  # the end of input
        return None

    def shutdown(self, how: int) -> int:
        connection = self.connection
        if connection is None or connection.state in _OPENING:
            return _errno("ENOTCONN")
        if how in (SHUT_RD, SHUT_RDWR):
            self.read_shut = True
        if how in (SHUT_WR, SHUT_RDWR) and connection.state is not TcpState.CLOSED:
            connection.shutdown_write(self.clock())
        self._changed(self, TcpEvent.READABLE)
        return 0

    # ---- options and the end ------------------------------------------------------------

    def set_option(self, level: int, name: int, value: int) -> int:
        if is_ipv6_only_option(level, name):
            return 0
        if level == IPPROTO_TCP and name == TCP_NODELAY:
            self.no_delay = value != 0
            if self.connection is not None:
                self.connection.no_delay = self.no_delay
                if self.no_delay and self.connection.is_connected:
                    self.connection.push(self.clock())  # what Nagle held goes now
            return 0
        return _errno("ENOPROTOOPT")

    def get_option(self, level: int, name: int) -> int:
        if level == IPPROTO_TCP and name == TCP_NODELAY:
            return int(self.no_delay)
        return _errno("ENOPROTOOPT")

    def take_error(self) -> int:
        return self._report_error()

    def close(self) -> None:
        now = self.clock()
        if self.listener is not None:
            self.listener.on_event = None
            self.listener.close(now)
            self.listener = None
        if self.connection is not None:
            self.connection.on_event = None
            self.connection.close(now)
