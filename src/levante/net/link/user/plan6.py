"""Which IPv6 addresses the user-mode gateway owns, and the prefix it advertises.

The gateway always has a link-local address (from its MAC, RFC 4291 Appendix A) and is
the link's router: its Router Advertisements (RFC 4861 §6.2) make it the device's
default router. Two cases, as on the IPv4 side (`plan.py`):
- the build gives the device no static IPv6 address: the gateway advertises the
  unique-local prefix fd00::/64 (RFC 4193) for SLAAC (RFC 4862 §5.5.3), on link and
  autonomous; it is fd00::2 there (the host's loopback, as 10.0.2.2 is) and serves DNS
  at fd00::3;
- the build configures one (Zephyr's samples: 2001:db8::1 with peer 2001:db8::2): the
  gateway takes the configured peer on that /64 (or, without one, the prefix's first
  address that is not the device's), standing for the host's loopback and serving DNS;
  it advertises the prefix on link but not autonomous, so the device keeps its one
  configured global address and forms no second.
"""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs.addresses import ipv6_to_text
from levante.net.link.user.plan import GATEWAY_MAC
from levante.net.stack.ipv6_settings import (
    address_bytes,
    is_link_local,
    is_unicast_usable,
    link_local_address,
    same_prefix,
)

DEFAULT_PREFIX = "fd00::"
DEFAULT_GATEWAY6 = "fd00::2"
DEFAULT_DNS6 = "fd00::3"
PREFIX_LENGTH = 64
HOST_LOOPBACK6 = "::1"


@dataclass(frozen=True)
class Gateway6Plan:
    link_local: str                # the gateway's fe80:: address, its router address
    prefix: str                    # the /64 it advertises
    autonomous: bool               # whether the device forms an address in it (SLAAC)
    dns: str                       # where the DNS server answers over IPv6
    host_aliases: tuple[str, ...]  # addresses that stand for the host's loopback (::1)
    device_static: str | None      # the device's configured address

    @property
    def owned(self) -> frozenset[str]:
        """Every address the gateway answers Neighbor Solicitations and ping for."""
        return frozenset((self.link_local, self.dns, *self.host_aliases))

    def is_on_link(self, address: str) -> bool:
        return is_link_local(address) or same_prefix(address, self.prefix, PREFIX_LENGTH)


def default_plan6() -> Gateway6Plan:
    link_local = link_local_address(GATEWAY_MAC)
    return Gateway6Plan(link_local=link_local, prefix=DEFAULT_PREFIX, autonomous=True,
                        dns=DEFAULT_DNS6, host_aliases=(DEFAULT_GATEWAY6, link_local),
                        device_static=None)


def static_plan6(device: str, peer: str | None) -> Gateway6Plan:
    """The gateway on the /64 of a device configured with `device` (and `peer`)."""
    prefix = ipv6_to_text(address_bytes(device)[:8] + bytes(8))
    if peer and peer != device and is_unicast_usable(peer) and \
            same_prefix(peer, device, PREFIX_LENGTH):
        alias = peer
    else:
        first = address_bytes(prefix)[:15] + b"\x01"
        alias = ipv6_to_text(first if ipv6_to_text(first) != device
                             else first[:15] + b"\x02")
    link_local = link_local_address(GATEWAY_MAC)
    return Gateway6Plan(link_local=link_local, prefix=prefix, autonomous=False, dns=alias,
                        host_aliases=(alias, link_local), device_static=device)
