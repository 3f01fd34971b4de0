"""TlsError: a TLS session's failure, carrying the errno Zephyr's TLS sockets return."""

from __future__ import annotations

from levante.abi import ERRNO


class TlsError(Exception):
    """A session refused or failed; `errno` is what the socket call returns (negated)."""

    def __init__(self, errno_name: str, reason: str) -> None:
        super().__init__(f"{errno_name}: {reason}")
        self.errno_name = errno_name
        self.errno = ERRNO[errno_name]
        self.reason = reason
