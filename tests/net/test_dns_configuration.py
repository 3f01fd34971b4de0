"""The resolver's Kconfig (Zephyr's names) reaches its settings: defaults, tunables,
IPv6 servers, a bad server named in one line, LLMNR refused and mDNS accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config import ConfigError, configure, load_board
from levante.net.configuration import DnsSettings, dns_settings
from levante.net.stack.dns_resolver import DnsServer
from levante.net.stack.settings import SettingsError

BASE = """CONFIG_NETWORKING=y
CONFIG_NET_IPV4=y
CONFIG_NET_UDP=y
CONFIG_DNS_RESOLVER=y
"""


def settings_for(tmp_path: Path, prj: str) -> DnsSettings | None:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "prj.conf").write_text(BASE + prj)
    return dns_settings(configure(app, load_board("lv_m4"), tmp_path / "build", []))


def test_zephyrs_defaults(tmp_path: Path) -> None:
    assert settings_for(tmp_path, "") == DnsSettings(
        (), max_queries=1, cache_entries=0, max_servers=1, additional_queries=1,
        max_addresses=2)


def test_every_tunable_is_honoured(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, """CONFIG_DNS_SERVER_IP_ADDRESSES=y
CONFIG_DNS_SERVER1="[2001:db8::2]:15353"
CONFIG_DNS_SERVER2="192.0.2.2:15353"
CONFIG_DNS_RESOLVER_MAX_SERVERS=2
CONFIG_DNS_RESOLVER_ADDITIONAL_QUERIES=0
CONFIG_DNS_RESOLVER_AI_MAX_ENTRIES=4
CONFIG_NET_SOCKETS_DNS_TIMEOUT=5000
CONFIG_MDNS_RESOLVER=y
CONFIG_LLMNR_RESOLVER=n
CONFIG_DNS_RESOLVER_ADDITIONAL_BUF_CTR=5
""")
    assert settings == DnsSettings(
        (DnsServer("2001:db8::2", 15353), DnsServer("192.0.2.2", 15353)), max_queries=1,
        cache_entries=0, max_servers=2, additional_queries=0, max_addresses=4)


def test_a_bad_server_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"CONFIG_DNS_SERVER1: bad IPv6 address"):
        settings_for(tmp_path, 'CONFIG_DNS_SERVER_IP_ADDRESSES=y\n'
                               'CONFIG_DNS_SERVER1="[2001:db8::zz]:53"\n')


def test_llmnr_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LLMNR"):
        settings_for(tmp_path, "CONFIG_LLMNR_RESOLVER=y\n")
