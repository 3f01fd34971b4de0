"""What a thread resolving a name waits with (getaddrinfo's call, dns_calls.py)."""

from __future__ import annotations

from dataclasses import dataclass

from levante.kernel.usermem import UserBuffer


@dataclass(eq=False)
class NameRequest:
    """Where the addresses go (checked again when written), and how many fit."""

    destination: UserBuffer
    count: int
