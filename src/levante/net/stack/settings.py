"""An interface's settings: its MAC, its IPv4 address, netmask and gateway, its IPv6
settings, and limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from levante.codecs.addresses import ipv4_from_text, ipv4_to_text, mac_from_text
from levante.codecs.errors import CodecError
from levante.net.stack.reassembly import FragmentLimits
from levante.net.stack.send_budget import SendBudget

if TYPE_CHECKING:
    from levante.net.stack.ipv6_settings import Ipv6Settings

ETHERNET_MTU = 1500  # RFC 894: the largest IPv4 datagram an Ethernet frame carries
BROADCAST = "255.255.255.255"


class SettingsError(CodecError):
    """An address, netmask or gateway that cannot configure an interface."""

    protocol = "net"


def address_value(text: str) -> int:
    """Dotted decimal → a 32-bit integer; raises `SettingsError`."""
    return int.from_bytes(ipv4_from_text(text, SettingsError), "big")


def address_text(value: int) -> str:
    return ipv4_to_text(value.to_bytes(4, "big"))


@dataclass(frozen=True)
class Ipv4Settings:
    """The interface's one IPv4 address, its netmask and (optionally) its gateway."""

    address: str
    netmask: str = "255.255.255.0"
    gateway: str | None = None

    def __post_init__(self) -> None:
        address = address_value(self.address)
        mask = address_value(self.netmask)
        # A netmask is a run of ones then zeros (RFC 950 allowed others; RFC 1519 does not).
        if mask != 0 and (~mask & 0xFFFF_FFFF) & ((~mask & 0xFFFF_FFFF) + 1):
            raise SettingsError(f"netmask {self.netmask} is not a prefix of ones")
        host = address & ~mask & 0xFFFF_FFFF
        # RFC 1122 §3.2.1.3: an address is never 0 or all ones in its host part, never
        # 0/8, 127/8, multicast or reserved.
        if address >> 24 in (0, 127) or address >> 28 >= 0xE:
            raise SettingsError(f"{self.address} cannot be an interface's address")
        if mask != 0xFFFF_FFFF and host in (0, ~mask & 0xFFFF_FFFF):
            raise SettingsError(f"{self.address} is the network or broadcast address of "
                                f"its subnet ({self.netmask})")
        if self.gateway is not None:
            gateway = address_value(self.gateway)
            if gateway == address or not self.is_on_link(self.gateway):
                raise SettingsError(f"gateway {self.gateway} is not another host of "
                                    f"{self.address}/{self.netmask}")

    @property
    def address_value(self) -> int:
        return address_value(self.address)

    @property
    def mask_value(self) -> int:
        return address_value(self.netmask)

    @property
    def subnet_broadcast(self) -> str:
        return address_text(self.address_value | (~self.mask_value & 0xFFFF_FFFF))

    def is_on_link(self, destination: str) -> bool:
        """Whether `destination` is on the interface's subnet (reached without a router)."""
        mask = self.mask_value
        return address_value(destination) & mask == self.address_value & mask

    def is_broadcast(self, destination: str) -> bool:
        """The limited broadcast, or this subnet's directed broadcast (RFC 1122 §3.2.1.3)."""
        return destination == BROADCAST or (self.mask_value != 0xFFFF_FFFF
                                            and destination == self.subnet_broadcast)

    def next_hop(self, destination: str) -> str | None:
        """Where a datagram to `destination` goes on the link: itself when on the subnet,
        else the gateway; None when there is no route."""
        if self.is_broadcast(destination) or self.is_on_link(destination):
            return destination
        return self.gateway


@dataclass(frozen=True)
class TcpSettings:
    """TCP's tunables (CONFIG_NET_TCP_*), in the units the engine uses."""

    time_wait_us: int = 1_500_000  # NET_TCP_TIME_WAIT_DELAY: 2·MSL; 0 skips TIME-WAIT
    initial_rto_us: int = 200_000  # NET_TCP_INIT_RETRANSMISSION_TIMEOUT, also the floor
    retry_count: int = 9  # NET_TCP_RETRY_COUNT: retransmissions before ETIMEDOUT
    send_buffer: int = 0  # NET_TCP_MAX_SEND_WINDOW_SIZE (0: the stack chooses)
    receive_window: int = 0  # NET_TCP_MAX_RECV_WINDOW_SIZE (0: the stack chooses)
    reject_with_rst: bool = True  # NET_TCP_REJECT_CONN_WITH_RST
    fast_retransmit: bool = True  # NET_TCP_FAST_RETRANSMIT
    congestion_avoidance: bool = True  # NET_TCP_CONGESTION_AVOIDANCE

    def __post_init__(self) -> None:
        if self.time_wait_us < 0:
            raise SettingsError("the TIME-WAIT delay cannot be negative")
        if not 100_000 <= self.initial_rto_us <= 60_000_000:
            raise SettingsError("the initial retransmission timeout must be 100..60000 ms")
        if not 0 <= self.retry_count <= 31:
            raise SettingsError(f"TCP retry count {self.retry_count} outside 0..31")
        for name, value in (("send window", self.send_buffer),
                            ("receive window", self.receive_window)):
            if not 0 <= value <= 0xFFFF:
                raise SettingsError(f"TCP {name} {value} outside 0..65535")


@dataclass(frozen=True)
class InterfaceSettings:
    """One Ethernet interface: its MAC, its IPv4 settings (None until it has an address),
    its IPv6 settings (None: no IPv6) and the limits the stack keeps to."""

    mac: str
    ipv4: Ipv4Settings | None = None
    mtu: int = ETHERNET_MTU
    ttl: int = 64  # CONFIG_NET_INITIAL_TTL
    arp_table_size: int = 2  # CONFIG_NET_ARP_TABLE_SIZE
    # CONFIG_NET_IPV4_FRAGMENT: reassembly and fragmentation; None drops fragments.
    fragments: FragmentLimits | None = None
    tcp: TcpSettings | None = None  # CONFIG_NET_TCP; None: no TCP (segments dropped)
    ipv6: Ipv6Settings | None = None
    # CONFIG_NET_PKT_TX_COUNT, NET_BUF_TX_COUNT, NET_BUF_DATA_SIZE: what may wait for
    # address resolution.
    send_budget: SendBudget = SendBudget()

    def __post_init__(self) -> None:
        raw = mac_from_text(self.mac, SettingsError)
        if raw[0] & 1:
            raise SettingsError(f"MAC {self.mac} is a group address, not an interface's")
        if not 68 <= self.mtu <= ETHERNET_MTU:  # RFC 791: every host takes 68 octets
            raise SettingsError(f"MTU {self.mtu} outside 68..{ETHERNET_MTU}")
        if not 1 <= self.ttl <= 255:
            raise SettingsError(f"TTL {self.ttl} outside 1..255")
        if self.arp_table_size < 1:
            raise SettingsError("the ARP table needs at least one entry")
