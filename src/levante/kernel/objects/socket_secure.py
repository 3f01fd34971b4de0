"""What the kernel asks of a TLS or DTLS socket's transport: its SOL_TLS options.

A secure socket's transport is a `TransportSocket` that also takes SOL_TLS options; the
kernel copies the option's value in from the caller (bytes, or the names of an ALPN
list) and hands it over, and returns what the transport answers.  A transport without
them (a plain UDP or TCP socket) answers SOL_TLS with -ENOPROTOOPT, as Zephyr does.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

SOL_TLS = 282
TLS_HOSTNAME = 2
TLS_ALPN_LIST = 7
# What one SOL_TLS value may be, copied in: a DNS name with its NUL, or a list of ints.
TLS_OPTION_MAX_SIZE = 256
# TLS_ALPN_LIST entries a caller may pass, and each name's longest (RFC 7301 §3.1).
TLS_ALPN_MAX_ENTRIES = 8
TLS_ALPN_NAME_MAX = 255


@runtime_checkable
class SecureTransport(Protocol):
    def set_tls_option(self, name: int, value: bytes | tuple[bytes, ...] | None) -> int:
        """setsockopt(SOL_TLS, name): the value's bytes (None for a NULL optval; the
        names for TLS_ALPN_LIST); 0 or -errno."""
        ...

    def get_tls_option(self, name: int, limit: int) -> bytes | int:
        """getsockopt(SOL_TLS, name) with `limit` bytes of room: the value or -errno."""
        ...
