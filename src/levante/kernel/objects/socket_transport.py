"""What the kernel's sockets need of a network: the transport protocol a board provides.

The kernel imports no network code.  A board's network interface hands the kernel a
`NetworkService` when it attaches; each socket then holds a `TransportSocket` from it
and asks it everything protocol-specific.  Connection calls (listen, accept, connect,
shutdown) go through it too, so a stream transport (TCP) fits behind the same kernel
calls; a transport that lacks one answers -EOPNOTSUPP, a service that lacks a protocol
answers -EPROTONOSUPPORT.  Results are numbers as the system calls return them: a
count or 0, or -errno.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

AF_INET = 1
AF_INET6 = 2
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3
IPPROTO_TCP = 6
IPPROTO_UDP = 17


@dataclass(frozen=True)
class SocketAddress:
    """An IPv4 or IPv6 address and port as the kernel hands them on: `address` is the
    4 or 16 bytes of the address in network order, `port` the port number."""

    family: int
    address: bytes
    port: int

    @property
    def is_unspecified(self) -> bool:
        return not any(self.address)


@dataclass(frozen=True)
class Readiness:
    """What a socket could do now without waiting (zsock_poll's events)."""

    readable: bool = False  # data, a pending connection, or the end of input
    writable: bool = False
    error: bool = False  # SO_ERROR is set
    hung_up: bool = False  # the peer closed (a stream)


@dataclass(frozen=True)
class Received:
    """One datagram (or a stream's bytes) taken: the bytes that fit, the datagram's
    whole length (more was cut off when larger), and who sent them."""

    data: bytes
    full_length: int
    source: SocketAddress | None

    @property
    def truncated(self) -> bool:
        return self.full_length > len(self.data)


class TransportSocket(Protocol):
    """One socket's endpoint in the network."""

    def set_listener(self, listener: Callable[[], None] | None) -> None:
        """Call `listener` whenever the readiness may have changed (data arrived, a
        connection came or ended): the kernel serves its waiters then."""

    def readiness(self) -> Readiness: ...

    def bind(self, address: SocketAddress, reuse: bool) -> int: ...

    def connect(self, address: SocketAddress) -> int:
        """0 (connected, or a datagram socket's default peer set), -EINPROGRESS (a
        stream's handshake started: readiness says when it ended), or -errno."""
        ...

    def listen(self, backlog: int) -> int: ...

    def accept(self) -> TransportSocket | int:
        """A pending connection's socket, -EAGAIN while none waits, or -errno."""
        ...

    def send(self, data: bytes, destination: SocketAddress | None) -> int:
        """Bytes taken, -EAGAIN when there is no room yet, or -errno (no destination
        and no peer: -EDESTADDRREQ; a datagram too large: -EMSGSIZE)."""
        ...

    def receive(self, limit: int, peek: bool) -> Received | int | None:
        """Up to `limit` bytes (one datagram), None while nothing is there, or -errno
        (a stream's ENOTCONN, or the error that ended its connection)."""
        ...

    def shutdown(self, how: int) -> int: ...

    def set_option(self, level: int, name: int, value: int) -> int:
        """A protocol's option (IPPROTO_TCP's TCP_NODELAY, SO_RCVBUF): 0 or -errno
        (-ENOPROTOOPT for one the protocol does not have)."""
        ...

    def get_option(self, level: int, name: int) -> int:
        """Its value (not negative), or -errno."""
        ...

    def take_error(self) -> int:
        """SO_ERROR: the pending error (positive errno, 0 for none), cleared."""
        ...

    def local_address(self) -> SocketAddress | None: ...

    def peer_address(self) -> SocketAddress | None: ...

    def close(self) -> None: ...


class NetworkService(Protocol):
    """The board's network, as the kernel's sockets use it."""

    def open(self, family: int, kind: int, protocol: int) -> TransportSocket | int:
        """A new endpoint, or -errno (-EAFNOSUPPORT, -EPROTONOSUPPORT, -EPROTOTYPE,
        -ENOMEM)."""
        ...

    def max_datagram(self) -> int:
        """The largest payload one datagram may carry (-EMSGSIZE beyond it)."""
        ...
