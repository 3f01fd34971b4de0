"""TCP's Kconfig (Zephyr's names) reaches the stack: defaults, tunables, and TCP absent
without CONFIG_NET_TCP; the board keys ISNs from its entropy."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.board.network import network_stack
from levante.config import ConfigError, configure, load_board
from levante.crypto.entropy import SeededEntropy
from levante.net.configuration import interface_settings
from levante.net.stack.settings import TcpSettings

BASE = """CONFIG_NETWORKING=y
CONFIG_NET_IPV4=y
CONFIG_NET_CONFIG_SETTINGS=y
CONFIG_NET_CONFIG_MY_IPV4_ADDR="192.0.2.1"
"""


def settings_for(tmp_path: Path, prj: str) -> TcpSettings | None:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "prj.conf").write_text(BASE + prj)
    config = configure(app, load_board("lv_m4"), tmp_path / "build", [])
    return interface_settings(config).tcp


def test_without_net_tcp_there_is_no_tcp(tmp_path: Path) -> None:
    assert settings_for(tmp_path, "") is None


def test_zephyrs_defaults(tmp_path: Path) -> None:
    assert settings_for(tmp_path, "CONFIG_NET_TCP=y\n") == TcpSettings(
        time_wait_us=1_500_000, initial_rto_us=200_000, retry_count=9, send_buffer=0,
        receive_window=0, reject_with_rst=True, fast_retransmit=True,
        congestion_avoidance=True)


def test_every_tunable_is_honoured(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, """CONFIG_NET_TCP=y
CONFIG_NET_TCP_TIME_WAIT_DELAY=0
CONFIG_NET_TCP_INIT_RETRANSMISSION_TIMEOUT=1000
CONFIG_NET_TCP_RETRY_COUNT=3
CONFIG_NET_TCP_MAX_SEND_WINDOW_SIZE=4096
CONFIG_NET_TCP_MAX_RECV_WINDOW_SIZE=65535
CONFIG_NET_TCP_REJECT_CONN_WITH_RST=n
CONFIG_NET_TCP_FAST_RETRANSMIT=n
CONFIG_NET_TCP_CONGESTION_AVOIDANCE=n
""")
    assert settings == TcpSettings(
        time_wait_us=0, initial_rto_us=1_000_000, retry_count=3, send_buffer=4096,
        receive_window=65535, reject_with_rst=False, fast_retransmit=False,
        congestion_avoidance=False)


def test_a_tunable_out_of_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NET_TCP_RETRY_COUNT"):
        settings_for(tmp_path, "CONFIG_NET_TCP=y\nCONFIG_NET_TCP_RETRY_COUNT=40\n")


def test_a_tcp_option_levante_lacks_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CONFIG_NET_TCP_KEEPALIVE: this part of "
                                          "networking"):
        settings_for(tmp_path, "CONFIG_NET_TCP=y\nCONFIG_NET_TCP_KEEPALIVE=y\n")


def test_the_board_keys_isns_from_its_entropy(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text(BASE + "CONFIG_NET_TCP=y\n")
    settings = interface_settings(configure(app, load_board("lv_m4"), tmp_path / "b", []))

    def first_isn(seed: bytes) -> int:
        stack = network_stack(settings, SeededEntropy(seed))
        assert stack.tcp is not None
        return stack.tcp.isn.initial_sequence("192.0.2.1", 1, "192.0.2.2", 2, 0)

    assert first_isn(b"one") == first_isn(b"one") != first_isn(b"two")
