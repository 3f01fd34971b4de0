"""A network namespace with a TAP device and Debian's dnsmasq serving DHCP and DNS on
192.0.2.0/24, for end-to-end tests of the device's DHCPv4 client and DNS resolver (root).
The namespace and the server go away whatever happens."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

TAP = "lvdhcp0"
SERVER_IP = "192.0.2.2"
POOL = ("192.0.2.50", "192.0.2.60")
LEASE_SECONDS = 120  # dnsmasq's shortest lease
NAMES = {"device.test": "192.0.2.77", "broker.test": "192.0.2.78"}

needs_dnsmasq = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/dev/net/tun").exists() or shutil.which("dnsmasq") is None,
    reason="needs root, /dev/net/tun and dnsmasq (package dnsmasq-base)")


@dataclass(frozen=True)
class DnsmasqLink:
    namespace: str
    leases: Path

    def run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ip", "netns", "exec", self.namespace, *command],
                              capture_output=True, text=True, timeout=timeout, check=False)

    def leased(self) -> list[tuple[str, str]]:
        """(MAC, address) of every lease dnsmasq granted."""
        if not self.leases.exists():
            return []
        return [(fields[1], fields[2]) for fields in
                (line.split() for line in self.leases.read_text().splitlines()) if fields]


def _ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True, timeout=30)


@contextmanager
def dnsmasq_link(tag: str, folder: Path) -> Iterator[DnsmasqLink]:
    """The namespace `lvdhcp<pid><tag>` with TAP device TAP at SERVER_IP and dnsmasq."""
    name = f"lvdhcp{os.getpid() % 100000}{tag}"
    leases = folder / "dnsmasq.leases"
    _ip("netns", "add", name)
    server = None
    try:
        for command in (("ip", "tuntap", "add", "dev", TAP, "mode", "tap"),
                        ("ip", "addr", "add", f"{SERVER_IP}/24", "dev", TAP),
                        ("ip", "link", "set", TAP, "up"), ("ip", "link", "set", "lo", "up")):
            _ip("netns", "exec", name, *command)
        addresses = [f"--address=/{host}/{address}" for host, address in NAMES.items()]
        server = subprocess.Popen(
            ["ip", "netns", "exec", name, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
             f"--interface={TAP}", "--bind-interfaces", "--no-resolv", "--no-hosts",
             # Names under .test are local: unknown ones get NXDOMAIN; answers live 60 s.
             "--local=/test/", "--local-ttl=60",
             # Option 42 (NTP servers): Zephyr's dhcpv4_client sample asks for it.
             f"--dhcp-option=42,{SERVER_IP}",
             f"--dhcp-range={POOL[0]},{POOL[1]},255.255.255.0,{LEASE_SECONDS}",
             f"--dhcp-leasefile={leases}", *addresses],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        yield DnsmasqLink(name, leases)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=30,
                       check=False)
