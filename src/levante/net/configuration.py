"""The interface's settings from the build's configuration (Zephyr's net_config names)."""

from __future__ import annotations

from levante.config import Config
from levante.net.stack.reassembly import FragmentLimits
from levante.net.stack.settings import InterfaceSettings, Ipv4Settings, SettingsError

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
    return InterfaceSettings(mac=mac or mac_for(ipv4), ipv4=ipv4, ttl=ttl, arp_table_size=table,
                             fragments=fragments)


def _text(config: Config, name: str) -> str:
    return config.get_str(name) if name in config else ""
