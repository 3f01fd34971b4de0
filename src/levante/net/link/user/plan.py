"""Which addresses the user-mode gateway owns, from the build's configuration.

Two cases, as with QEMU's user networking:
- the build gives the device no static address (it will ask DHCP): the private subnet
  10.0.2.0/24, the gateway (and the host's loopback) at 10.0.2.2, the DNS server at
  10.0.2.3, leases from 10.0.2.15 on;
- the build configures a static address (Zephyr's samples: 192.0.2.1 with peer
  192.0.2.2): the gateway takes the configured peer and gateway addresses on that subnet
  (or, when neither is set, the subnet's first host address that is not the device's),
  each reaching the host's loopback, the first of them serving DNS; no DHCP pool.
"""

from __future__ import annotations

from dataclasses import dataclass

from levante.net.stack.settings import Ipv4Settings, address_text, address_value

DEFAULT_NETWORK = "10.0.2.0"
DEFAULT_NETMASK = "255.255.255.0"
DEFAULT_GATEWAY = "10.0.2.2"
DEFAULT_DNS = "10.0.2.3"
POOL_START = "10.0.2.15"
POOL_SIZE = 16
# The gateway's MAC: locally administered (IEEE 802 "U/L" bit set), so no device MAC
# (from RFC 7042's documentation block) can be the same.
GATEWAY_MAC = "02:00:5e:00:53:fe"
HOST_LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class GatewayPlan:
    netmask: str
    router: str                    # the gateway address DHCP gives as router
    dns: str                       # where the DNS server answers
    host_aliases: tuple[str, ...]  # addresses that stand for the host's loopback
    pool: tuple[str, ...]          # DHCP leases (empty: the device is configured)
    device_static: str | None      # the device's configured address

    @property
    def owned(self) -> frozenset[str]:
        """Every address the gateway answers ARP and ping for."""
        return frozenset((self.router, self.dns, *self.host_aliases))

    @property
    def network_value(self) -> int:
        return address_value(self.router) & address_value(self.netmask)

    def is_on_subnet(self, address: str) -> bool:
        return address_value(address) & address_value(self.netmask) == self.network_value

    @property
    def broadcast(self) -> str:
        return address_text(self.network_value | (~address_value(self.netmask) & 0xFFFF_FFFF))


def default_plan() -> GatewayPlan:
    start = address_value(POOL_START)
    return GatewayPlan(netmask=DEFAULT_NETMASK, router=DEFAULT_GATEWAY, dns=DEFAULT_DNS,
                       host_aliases=(DEFAULT_GATEWAY,),
                       pool=tuple(address_text(start + n) for n in range(POOL_SIZE)),
                       device_static=None)


def static_plan(device: Ipv4Settings, peer: str | None) -> GatewayPlan:
    """The gateway on the subnet of a statically configured device."""
    aliases: list[str] = []
    for candidate in (peer, device.gateway):
        if candidate and candidate != device.address and device.is_on_link(candidate) \
                and candidate not in aliases:
            aliases.append(candidate)
    if not aliases:
        mask = address_value(device.netmask)
        first = (device.address_value & mask) + 1
        aliases.append(address_text(first if first != device.address_value else first + 1))
    return GatewayPlan(netmask=device.netmask, router=device.gateway or aliases[0],
                       dns=aliases[0], host_aliases=tuple(aliases), pool=(),
                       device_static=device.address)
