"""Socket options every transport answers the same way."""

from __future__ import annotations

IPPROTO_IPV6 = 41
IPV6_V6ONLY = 26


def is_ipv6_only_option(level: int, name: int) -> bool:
    """IPV6_V6ONLY: Zephyr without NET_IPV4_MAPPING_TO_IPV6 accepts setting it (its
    sockets are IPv6-only anyway) and refuses reading it (ENOPROTOOPT); so does Levante."""
    return level == IPPROTO_IPV6 and name == IPV6_V6ONLY
