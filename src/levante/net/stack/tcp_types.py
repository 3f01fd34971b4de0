"""TCP's shared vocabulary: the states, the events the socket layer is told, its usage
errors, and what a connection needs from the layer holding it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Protocol

from levante.codecs.tcp import TcpSegment
from levante.net.stack.settings import TcpSettings
from levante.net.stack.stats import NetStats

if TYPE_CHECKING:
    from levante.net.stack.tcp_connection import Connection


class TcpState(Enum):
    """RFC 9293 §3.3.2 (LISTEN is a Listener's state, not a connection's)."""

    SYN_SENT = "SYN-SENT"
    SYN_RECEIVED = "SYN-RECEIVED"
    ESTABLISHED = "ESTABLISHED"
    FIN_WAIT_1 = "FIN-WAIT-1"
    FIN_WAIT_2 = "FIN-WAIT-2"
    CLOSE_WAIT = "CLOSE-WAIT"
    CLOSING = "CLOSING"
    LAST_ACK = "LAST-ACK"
    TIME_WAIT = "TIME-WAIT"
    CLOSED = "CLOSED"


SYNCHRONIZED = frozenset({TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2,
                          TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK,
                          TcpState.TIME_WAIT})


class TcpEvent(StrEnum):
    """What the socket layer is told through `on_event`, to wake its waiters."""

    CONNECTED = "connected"  # an active open reached ESTABLISHED
    READABLE = "readable"  # data, or the peer's FIN, to read
    WRITABLE = "writable"  # room in the send buffer again
    ERROR = "error"  # `error` is set (followed by CLOSED)
    CLOSED = "closed"  # the connection reached CLOSED
    ACCEPTABLE = "acceptable"  # (a Listener's) a connection waits in the accept queue


class TcpUsageError(Exception):
    """A call the connection cannot take now; `errno` is Zephyr's name for it."""

    def __init__(self, errno: str, message: str) -> None:
        super().__init__(message)
        self.errno = errno


class ConnectionOwner(Protocol):
    """The listener a passive connection belongs to until it is accepted."""

    def established(self, connection: Connection) -> None: ...


@dataclass
class TcpContext:
    """What a connection needs from the layer that holds it."""

    settings: TcpSettings
    stats: NetStats
    local_ip: str
    mss: int  # ours: the MTU less the IPv4 and TCP headers
    send_capacity: int
    receive_capacity: int
    emit: Callable[[str, TcpSegment, int], None]  # (remote address, segment, now)
    released: Callable[[Connection], None]  # the connection reached CLOSED
    may_challenge: Callable[[int], bool]  # RFC 5961 §7's rate limit, shared
