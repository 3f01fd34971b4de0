"""The interface's settings from the build's configuration (Zephyr's net_config names)."""

from __future__ import annotations

from dataclasses import dataclass

from levante.config import Config
from levante.net.stack.dns_resolver import DnsServer
from levante.net.stack.reassembly import FragmentLimits
from levante.net.stack.settings import InterfaceSettings, Ipv4Settings, SettingsError

# The interface's MAC: the first of RFC 7042 §2.1.2's documentation block
# (00-00-5E-00-53-00..FF), as 192.0.2.0/24 is for addresses.
DEFAULT_MAC = "00:00:5e:00:53:01"


def interface_settings(config: Config, mac: str = DEFAULT_MAC) -> InterfaceSettings:
    """The interface as the build configures it; raises `SettingsError` naming the
    symbol whose value cannot work."""
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
    return InterfaceSettings(mac=mac, ipv4=ipv4, ttl=ttl, arp_table_size=table,
                             fragments=fragments)


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


def dns_settings(config: Config) -> DnsSettings | None:
    """The resolver of a build with CONFIG_DNS_RESOLVER, or None; raises
    `SettingsError` naming a CONFIG_DNS_SERVERn that is no IPv4 server."""
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
    return DnsSettings(tuple(servers), config.get_int("DNS_NUM_CONCUR_QUERIES"), cache)


def _text(config: Config, name: str) -> str:
    return config.get_str(name) if name in config else ""
