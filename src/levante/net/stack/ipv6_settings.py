"""An interface's IPv6 settings (Zephyr's Kconfig names) and the addresses derived from
its MAC: the link-local address (RFC 4291 §2.5.1, Appendix A; RFC 4862 §5.3), the
solicited-node groups (RFC 4291 §2.7.1) and their Ethernet group MACs (RFC 2464 §7)."""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs.addresses import ipv6_from_text, ipv6_to_text, mac_from_text
from levante.net.stack.reassembly import FragmentLimits
from levante.net.stack.settings import SettingsError

ALL_NODES = "ff02::1"
ALL_ROUTERS = "ff02::2"
UNSPECIFIED = "::"
LOOPBACK = "::1"
LINK_LOCAL_PREFIX = bytes.fromhex("fe80000000000000")


def address_bytes(text: str) -> bytes:
    return ipv6_from_text(text, SettingsError)


def interface_identifier(mac: str) -> bytes:
    """RFC 4291 Appendix A: the modified EUI-64 of a 48-bit MAC (ff:fe in the middle,
    the universal/local bit inverted)."""
    raw = mac_from_text(mac, SettingsError)
    return bytes((raw[0] ^ 0x02,)) + raw[1:3] + b"\xff\xfe" + raw[3:6]


def link_local_address(mac: str) -> str:
    return ipv6_to_text(LINK_LOCAL_PREFIX + interface_identifier(mac))


def address_in_prefix(prefix: str, identifier: bytes) -> str:
    """A /64 prefix's first 64 bits and an interface identifier (RFC 4862 §5.5.3 d)."""
    return ipv6_to_text(address_bytes(prefix)[:8] + identifier)


def solicited_node_group(address: str) -> str:
    """RFC 4291 §2.7.1: ff02::1:ff00:0/104 and the address's low 24 bits."""
    return ipv6_to_text(bytes.fromhex("ff0200000000000000000001ff") + address_bytes(address)[13:])


def multicast_mac(group: str) -> str:
    """RFC 2464 §7: 33:33 and the group's low 32 bits."""
    low = address_bytes(group)[12:]
    return "33:33:" + low.hex(":")


def is_multicast(address: str) -> bool:
    return address_bytes(address)[0] == 0xFF


def is_link_local(address: str) -> bool:
    raw = address_bytes(address)
    return raw[0] == 0xFE and raw[1] & 0xC0 == 0x80


def is_link_scope_multicast(address: str) -> bool:
    raw = address_bytes(address)
    return raw[0] == 0xFF and raw[1] & 0x0F <= 2


def same_prefix(first: str, second: str, length: int) -> bool:
    value_first = int.from_bytes(address_bytes(first), "big")
    value_second = int.from_bytes(address_bytes(second), "big")
    return value_first >> (128 - length) == value_second >> (128 - length)


def is_unicast_usable(address: str) -> bool:
    """Whether `address` can name one interface: not unspecified, loopback, multicast,
    or IPv4-mapped (RFC 4291 §2.5.5.2: never on the wire)."""
    raw = address_bytes(address)
    return not (raw == bytes(16) or address == LOOPBACK or raw[0] == 0xFF
                or raw[:12] == bytes(10) + b"\xff\xff")


@dataclass(frozen=True)
class Ipv6Settings:
    """IPv6 on the interface: an optional static address (with its on-link prefix) and
    the switches and bounds of CONFIG_NET_IPV6_*."""

    static_address: str | None = None  # CONFIG_NET_CONFIG_MY_IPV6_ADDR
    prefix_length: int = 64
    hop_limit: int = 64  # CONFIG_NET_INITIAL_HOP_LIMIT
    neighbor_discovery: bool = True  # CONFIG_NET_IPV6_ND
    duplicate_address_detection: bool = True  # CONFIG_NET_IPV6_DAD
    multicast_listener_discovery: bool = True  # CONFIG_NET_IPV6_MLD
    max_neighbors: int = 8  # CONFIG_NET_IPV6_MAX_NEIGHBORS
    unicast_address_count: int = 2  # CONFIG_NET_IF_UNICAST_IPV6_ADDR_COUNT
    multicast_address_count: int = 3  # CONFIG_NET_IF_MCAST_IPV6_ADDR_COUNT
    prefix_count: int = 2  # CONFIG_NET_IF_IPV6_PREFIX_COUNT
    max_routers: int = 2  # CONFIG_NET_MAX_ROUTERS
    # CONFIG_NET_IPV6_FRAGMENT: reassembly and fragmentation; None drops fragments.
    fragments: FragmentLimits | None = None

    def __post_init__(self) -> None:
        if self.static_address is not None:
            if not is_unicast_usable(self.static_address) or \
                    is_link_local(self.static_address):
                raise SettingsError(f"{self.static_address} cannot be an interface's "
                                    "global address")
        if not 1 <= self.hop_limit <= 255:
            raise SettingsError(f"hop limit {self.hop_limit} outside 1..255")
        if not 1 <= self.prefix_length <= 128:
            raise SettingsError(f"prefix length {self.prefix_length} outside 1..128")
        for name, value in (("neighbours", self.max_neighbors),
                            ("unicast addresses", self.unicast_address_count),
                            ("multicast addresses", self.multicast_address_count),
                            ("prefixes", self.prefix_count), ("routers", self.max_routers)):
            if value < 1:
                raise SettingsError(f"at least one of the {name} is needed")
