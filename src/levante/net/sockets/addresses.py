"""The stack names addresses by text, the kernel's sockets by their bytes: the bridge."""

from __future__ import annotations

from levante.codecs.addresses import ipv4_from_text, ipv6_from_text, is_ipv6_text
from levante.codecs.errors import CodecError


def address_bytes(text: str) -> bytes:
    """The 4 or 16 bytes of an IPv4 or IPv6 address the stack gives as text (its own
    addresses, always well formed)."""
    if is_ipv6_text(text):
        return ipv6_from_text(text, CodecError)
    return ipv4_from_text(text, CodecError)
