"""The interface's settings from the build's configuration (Zephyr's net_config names)."""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs.addresses import canonical_ipv6
from levante.config import Config
from levante.net.stack.dns_resolver import DnsServer
from levante.net.stack.ipv6_settings import Ipv6Settings
from levante.net.stack.reassembly import FragmentLimits
from levante.net.stack.send_budget import SendBudget
from levante.net.stack.settings import (
    InterfaceSettings,
    Ipv4Settings,
    SettingsError,
    TcpSettings,
)

# The interface's MAC is in RFC 7042 §2.1.2's documentation block (00-00-5E-00-53-00..FF),
# as 192.0.2.0/24 is for addresses: its last octet is the last octet of the static IPv4
# address (01 without one), so that devices with different addresses on one virtual
# switch have different MACs.
DEFAULT_MAC = "00:00:5e:00:53:01"


def mac_for(ipv4: Ipv4Settings | None) -> str:
    if ipv4 is None:
        return DEFAULT_MAC
    return f"00:00:5e:00:53:{ipv4.address_value & 0xFF:02x}"


def interface_settings(config: Config, mac: str | None = None) -> InterfaceSettings:
    """The interface as the build configures it (its MAC from `mac_for` unless given);
    raises `SettingsError` naming the symbol whose value cannot work."""
    ipv4 = None
    if config.is_enabled("NET_IPV4") and "NET_ARP" in config and \
            not config.is_enabled("NET_ARP"):
        raise SettingsError("CONFIG_NET_ARP=n: IPv4 on the Ethernet interface needs ARP")
    if config.is_enabled("NET_IPV4") and config.is_enabled("NET_CONFIG_SETTINGS"):
        address = _text(config, "NET_CONFIG_MY_IPV4_ADDR")
        if address:
            netmask = _text(config, "NET_CONFIG_MY_IPV4_NETMASK") or "255.255.255.255"
            gateway = _text(config, "NET_CONFIG_MY_IPV4_GW") or None
            try:
                ipv4 = Ipv4Settings(address, netmask, gateway)
            except SettingsError as error:
                raise SettingsError(
                    "CONFIG_NET_CONFIG_MY_IPV4_ADDR/_NETMASK/_GW: " + error.message
                ) from None
    ttl = config.get_int("NET_INITIAL_TTL") if "NET_INITIAL_TTL" in config else 64
    table = config.get_int("NET_ARP_TABLE_SIZE") if "NET_ARP_TABLE_SIZE" in config else 2
    fragments = None
    if config.is_enabled("NET_IPV4_FRAGMENT"):
        fragments = FragmentLimits(
            max_datagrams=config.get_int("NET_IPV4_FRAGMENT_MAX_COUNT"),
            max_fragments=config.get_int("NET_IPV4_FRAGMENT_MAX_PKT"),
            timeout_us=config.get_int("NET_IPV4_FRAGMENT_TIMEOUT") * 1_000_000)
    return InterfaceSettings(mac=mac or mac_for(ipv4), ipv4=ipv4, ttl=ttl,
                             arp_table_size=table,
                             fragments=fragments, tcp=tcp_settings(config),
                             ipv6=_ipv6_settings(config), send_budget=_send_budget(config))


def _send_budget(config: Config) -> SendBudget:
    """CONFIG_NET_PKT_TX_COUNT, NET_BUF_TX_COUNT and NET_BUF_DATA_SIZE (Zephyr's defaults
    where the configuration has none of them)."""
    if "NET_PKT_TX_COUNT" not in config:
        return SendBudget()
    return SendBudget(packets=config.get_int("NET_PKT_TX_COUNT"),
                      buffers=config.get_int("NET_BUF_TX_COUNT"),
                      buffer_size=config.get_int("NET_BUF_DATA_SIZE"))


# An Ethernet header in front of the interface's MTU: the largest frame the link hands in.
ETHERNET_HEADER = 14


def receive_ring(config: Config, mtu: int) -> int:
    """Frames the interface takes from the link at once: CONFIG_NET_PKT_RX_COUNT of them,
    and no more full-size frames than CONFIG_NET_BUF_RX_COUNT buffers of
    CONFIG_NET_BUF_DATA_SIZE octets hold (the ring is sized before its frames are seen);
    raises `SettingsError` when those buffers cannot hold one frame."""
    packets = config.get_int("NET_PKT_RX_COUNT")
    buffers = config.get_int("NET_BUF_RX_COUNT")
    size = config.get_int("NET_BUF_DATA_SIZE")
    per_frame = -(-(ETHERNET_HEADER + mtu) // size)
    if buffers < per_frame:
        raise SettingsError(
            f"CONFIG_NET_BUF_RX_COUNT={buffers} buffers of CONFIG_NET_BUF_DATA_SIZE={size} "
            f"octets cannot hold one {ETHERNET_HEADER + mtu}-octet frame "
            f"(it takes {per_frame})")
    return min(packets, buffers // per_frame)


def tcp_settings(config: Config) -> TcpSettings | None:
    """TCP's tunables from CONFIG_NET_TCP_*, or None without CONFIG_NET_TCP."""
    if not config.is_enabled("NET_TCP"):
        return None
    return TcpSettings(
        time_wait_us=config.get_int("NET_TCP_TIME_WAIT_DELAY") * 1000,
        initial_rto_us=config.get_int("NET_TCP_INIT_RETRANSMISSION_TIMEOUT") * 1000,
        retry_count=config.get_int("NET_TCP_RETRY_COUNT"),
        send_buffer=config.get_int("NET_TCP_MAX_SEND_WINDOW_SIZE"),
        receive_window=config.get_int("NET_TCP_MAX_RECV_WINDOW_SIZE"),
        reject_with_rst=config.is_enabled("NET_TCP_REJECT_CONN_WITH_RST"),
        fast_retransmit=config.is_enabled("NET_TCP_FAST_RETRANSMIT"),
        congestion_avoidance=config.is_enabled("NET_TCP_CONGESTION_AVOIDANCE"))


def _ipv6_settings(config: Config) -> Ipv6Settings | None:
    """IPv6 as CONFIG_NET_IPV6 and its companions configure it; None without it."""
    if not config.is_enabled("NET_IPV6"):
        return None
    static = None
    if config.is_enabled("NET_CONFIG_SETTINGS"):
        static = _text(config, "NET_CONFIG_MY_IPV6_ADDR") or None
    try:
        if static is not None:
            static = canonical_ipv6(static, SettingsError)
        return Ipv6Settings(
            static_address=static,
            hop_limit=config.get_int("NET_INITIAL_HOP_LIMIT"),
            neighbor_discovery=config.is_enabled("NET_IPV6_ND"),
            duplicate_address_detection=config.is_enabled("NET_IPV6_DAD"),
            multicast_listener_discovery=config.is_enabled("NET_IPV6_MLD"),
            max_neighbors=config.get_int("NET_IPV6_MAX_NEIGHBORS"),
            unicast_address_count=config.get_int("NET_IF_UNICAST_IPV6_ADDR_COUNT"),
            multicast_address_count=config.get_int("NET_IF_MCAST_IPV6_ADDR_COUNT"),
            prefix_count=config.get_int("NET_IF_IPV6_PREFIX_COUNT"),
            max_routers=config.get_int("NET_MAX_ROUTERS"),
            fragments=FragmentLimits(
                max_datagrams=config.get_int("NET_IPV6_FRAGMENT_MAX_COUNT"),
                max_fragments=config.get_int("NET_IPV6_FRAGMENT_MAX_PKT"),
                timeout_us=config.get_int("NET_IPV6_FRAGMENT_TIMEOUT") * 1_000_000)
            if config.is_enabled("NET_IPV6_FRAGMENT") else None)
    except SettingsError as error:
        raise SettingsError("CONFIG_NET_CONFIG_MY_IPV6_ADDR: " + error.message) from None


@dataclass(frozen=True)
class Dhcpv4Settings:
    """CONFIG_NET_DHCPV4: the client's initial delay, and whether the interface starts
    it at boot."""

    initial_delay_max_s: int
    start_at_boot: bool


def dhcpv4_settings(config: Config) -> Dhcpv4Settings | None:
    """The DHCPv4 client of a build with CONFIG_NET_DHCPV4, or None. Zephyr's
    net_config (NET_CONFIG_SETTINGS) starts it at boot whatever static address it also
    set: that address is only overridable, and a lease replaces it."""
    if not config.is_enabled("NET_DHCPV4"):
        return None
    return Dhcpv4Settings(config.get_int("NET_DHCPV4_INITIAL_DELAY_MAX"),
                          config.is_enabled("NET_CONFIG_SETTINGS"))


@dataclass(frozen=True)
class DnsSettings:
    """CONFIG_DNS_RESOLVER: the configured servers and the resolver's bounds."""

    servers: tuple[DnsServer, ...]
    max_queries: int
    cache_entries: int  # 0: no cache
    max_servers: int = 5  # CONFIG_DNS_RESOLVER_MAX_SERVERS
    additional_queries: int = 1  # CONFIG_DNS_RESOLVER_ADDITIONAL_QUERIES
    max_addresses: int = 2  # CONFIG_DNS_RESOLVER_AI_MAX_ENTRIES, per family


def dns_settings(config: Config) -> DnsSettings | None:
    """The resolver of a build with CONFIG_DNS_RESOLVER, or None; raises
    `SettingsError` naming a CONFIG_DNS_SERVERn that is no server address."""
    if not config.is_enabled("DNS_RESOLVER"):
        return None
    servers = []
    if config.is_enabled("DNS_SERVER_IP_ADDRESSES"):
        for index in range(1, 6):
            text = _text(config, f"DNS_SERVER{index}")
            if not text:
                continue
            try:
                servers.append(DnsServer.parse(text))
            except SettingsError as error:
                raise SettingsError(f"CONFIG_DNS_SERVER{index}: {error.message}") from None
    cache = (config.get_int("DNS_RESOLVER_CACHE_MAX_ENTRIES")
             if config.is_enabled("DNS_RESOLVER_CACHE") else 0)
    return DnsSettings(tuple(servers), config.get_int("DNS_NUM_CONCUR_QUERIES"), cache,
                       max_servers=config.get_int("DNS_RESOLVER_MAX_SERVERS"),
                       additional_queries=config.get_int("DNS_RESOLVER_ADDITIONAL_QUERIES"),
                       max_addresses=config.get_int("DNS_RESOLVER_AI_MAX_ENTRIES"))


def _text(config: Config, name: str) -> str:
    return config.get_str(name) if name in config else ""
