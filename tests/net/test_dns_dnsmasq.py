"""End to end against a real DNS server: the shell's `net dns` on tests/target/net_dhcp
(dns.conf) asks dnsmasq over a TAP device; answers, NXDOMAIN, the cache and the
concurrency bound (root)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dnsmasq_peer import NAMES, TAP, dnsmasq_link, needs_dnsmasq

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "net_dhcp"
# The pings give the device simulated (and real) time for the answers to come.
COMMANDS = ("net dns device.test\nnet ping -c 2 192.0.2.2\nnet dns nothing.test\n"
            "net dns broker.test AAAA\nnet ping -c 2 192.0.2.2\nnet dns device.test\n"
            "net conn\n")


@needs_dnsmasq
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_net_dns_asks_dnsmasq(builder: Builder, board: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board, ("dns.conf",))
    with dnsmasq_link(f"dns{board.replace('_', '')}", tmp_path) as link:
        run = subprocess.run(
            ["ip", "netns", "exec", link.namespace, sys.executable, "-m", "levante.cli",
             "run", str(build_dir), "--net", f"tap:{TAP}", "--max-time", "8s"],
            input=COMMANDS, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    shell = run.stdout[run.stdout.index("uart:~$ "):]
    sequence = [line for line in shell.splitlines() if "dns" in line or "Query" in line]
    assert sequence == [
        "uart:~$ net dns device.test", "Query for 'device.test' sent.",
        f"dns: device.test -> {NAMES['device.test']}",
        "uart:~$ net dns nothing.test", "Query for 'nothing.test' sent.",
        # One query at a time (CONFIG_DNS_NUM_CONCUR_QUERIES=1).
        "uart:~$ net dns broker.test AAAA", "dns: broker.test: EAI_MEMORY",
        "dns: nothing.test: EAI_NONAME",  # dnsmasq's NXDOMAIN for a local name
        # From the cache (dnsmasq's answers live 60 s): no query goes out.
        "uart:~$ net dns device.test", f"dns: device.test -> {NAMES['device.test']}",
    ]
    # Every query's port was given back; the DHCP client's stays.
    assert "UDP    *:68 " in shell and shell.count("UDP ") == 1
