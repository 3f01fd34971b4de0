"""What the kernel needs from the board's network interface: a port the interface
attaches, so the network calls of supervisor code (the shell's `net` commands) stay pure.

The board's `NetworkInterface` implements it over the network stack; kernel tests can
implement it over anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PingReply:
    """An echo reply that answered the device's request."""

    source: str
    destination: str
    ttl: int
    data_length: int
    round_trip_us: int  # simulated microseconds from the request to the reply


class NetworkPort(Protocol):
    """The interface as supervisor code reaches it."""

    def shell_command(self, arguments: list[str]) -> str:
        """The text a `net` shell command prints (`arguments` follow `net`); a bad
        command is a one-line message, never an exception."""
        ...

    def ping(self, destination: str, sequence: int, data_length: int) -> str | None:
        """Send an echo request now; None when it went, else the errno name of why not
        (EINVAL: not an address; ENETUNREACH: no address or no route)."""
        ...

    def ping_reply(self, sequence: int) -> PingReply | None:
        """The reply to request `sequence`, once it arrived."""
        ...
