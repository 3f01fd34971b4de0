"""A network namespace with a TAP device and Debian's dnsmasq serving DHCP and DNS on
192.0.2.0/24, for end-to-end tests of the device's DHCPv4 client and DNS resolver (root).
The namespace and the server go away whatever happens."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tap_namespace import needs_root, tap_namespace

TAP = "lvdhcp0"
SERVER_IP = "192.0.2.2"
POOL = ("192.0.2.50", "192.0.2.60")
LEASE_SECONDS = 120  # dnsmasq's shortest lease
NAMES = {"device.test": "192.0.2.77", "broker.test": "192.0.2.78", "dual.test": "192.0.2.79"}
NAMES6 = {"dual.test": "2001:db8::79", "v6.test": "2001:db8::78"}  # AAAA records
# Queries for this name go to an upstream nobody answers for: dnsmasq stays silent.
SILENT_NAME, SILENT_UPSTREAM = "silent.test", "192.0.2.9"

needs_dnsmasq = needs_root("dnsmasq")


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


@contextmanager
def dnsmasq_link(tag: str, folder: Path) -> Iterator[DnsmasqLink]:
    """A namespace with TAP device TAP at SERVER_IP, and dnsmasq serving it."""
    leases = folder / "dnsmasq.leases"
    addresses = [f"--address=/{host}/{address}"
                 for names in (NAMES, NAMES6) for host, address in names.items()]
    with tap_namespace("lvdhcp", tag, TAP, (f"{SERVER_IP}/24",), loopback=True) as name:
        server = subprocess.Popen(
            ["ip", "netns", "exec", name, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
             f"--interface={TAP}", "--bind-interfaces", "--no-resolv", "--no-hosts",
             # Names under .test are local: unknown ones get NXDOMAIN; answers live 60 s.
             "--local=/test/", "--local-ttl=60",
             # Option 42 (NTP servers): Zephyr's dhcpv4_client sample asks for it.
             f"--dhcp-option=42,{SERVER_IP}",
             f"--dhcp-range={POOL[0]},{POOL[1]},255.255.255.0,{LEASE_SECONDS}",
             f"--dhcp-leasefile={leases}", *addresses,
             f"--server=/{SILENT_NAME}/{SILENT_UPSTREAM}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            yield DnsmasqLink(name, leases)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
