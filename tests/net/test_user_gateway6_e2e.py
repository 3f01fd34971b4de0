"""The user-mode gateway over IPv6 end to end, through `levante run --net user` (no root):
a device (tests/net/apps/gw6_client) reaches host TCP and UDP echo servers on ::1 through
its configured IPv6 peer, or with no static address through the address SLAAC gives it
from the gateway's advertisement; and `--forward tcp:` from ::1 (and from 127.0.0.1)
reaches samples/net/tcp_echo's IPv6 listener; the shell's `net ping` to the gateway's
IPv6 addresses."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SAMPLES, TARGET_TESTS, Builder

CLIENT = Path(__file__).parent / "apps" / "gw6_client"
ECHO = SAMPLES / "net" / "tcp_echo"
SHELL = TARGET_TESTS / "net_shell"
# The ports gw6_client's servers listen on (fixed in the application).
UDP_PORT, TCP_PORT = 5104, 5105
SLAAC_ADDRESS = "fd00::200:5eff:fe00:5301"  # fd00::/64 and the device's MAC's EUI-64


class HostEchoes:
    """TCP and UDP echo servers on [::1]:5105 and [::1]:5104 (UDP answers in capitals)."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.tcp = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            self.tcp.bind(("::1", TCP_PORT))
            self.udp.bind(("::1", UDP_PORT))
        except OSError:
            self.close()
            raise
        self.tcp.listen(4)
        # A socket another thread waits in stays bound until the wait ends: the UDP
        # server looks at `stopping` between short waits, and is joined on close.
        self.udp.settimeout(0.2)
        self.clients: list[tuple[str, int]] = []
        self.threads = [threading.Thread(target=target, daemon=True)
                        for target in (self._serve_tcp, self._serve_udp)]
        for thread in self.threads:
            thread.start()

    def _serve_tcp(self) -> None:
        while True:
            try:
                client, address = self.tcp.accept()
            except OSError:
                return
            self.clients.append(address[:2])
            with client:
                client.settimeout(30)
                try:
                    while data := client.recv(1024):
                        client.sendall(data)
                except OSError:
                    pass

    def _serve_udp(self) -> None:
        while not self.stopping.is_set():
            try:
                data, address = self.udp.recvfrom(1024)
                self.udp.sendto(data.upper(), address)
            except TimeoutError:
                continue
            except OSError:
                return

    def close(self) -> None:
        self.stopping.set()
        try:
            self.tcp.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        for thread in self.threads:
            thread.join(timeout=10)
        self.tcp.close()
        self.udp.close()


@pytest.fixture
def echoes() -> Iterator[HostEchoes]:
    servers = HostEchoes()
    yield servers
    servers.close()


@pytest.mark.parametrize(("board", "extra", "peer", "local"), [
    ("lv_m4", (), "2001:db8::2", "2001:db8::1"),
    ("lv_m33", (), "2001:db8::2", "2001:db8::1"),
    ("lv_m4", ("overlay-slaac.conf",), "fd00::2", SLAAC_ADDRESS),
    ("lv_m33", ("overlay-slaac.conf",), "fd00::2", SLAAC_ADDRESS),
])
def test_the_device_reaches_host_servers_on_ipv6_loopback(
        builder: Builder, echoes: HostEchoes, board: str, extra: tuple[str, ...],
        peer: str, local: str) -> None:
    # The client is done within about 1 s of simulated time; its longest path (SLAAC,
    # then five UDP attempts 1 s apart) within 8 s. The run lasts its whole bound in
    # wall-clock time (the gateway's UDP relay stays open for late answers).
    result = builder.run(CLIENT, "--net", "user", board=board, extra=extra,
                         max_time="10s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert f"tcp6: connected from {local}" in lines, result.output
    assert "tcp6: echo intact" in lines
    assert f'udp6: "SIX" from {peer} port {UDP_PORT}' in lines
    assert "gw6_client: done" in lines
    # The host saw the gateway's connection from its own IPv6 loopback.
    assert [address for address, _ in echoes.clients] == ["::1"]


def echo_through(host: str, port: int, device: subprocess.Popen[str]) -> bytes:
    """Connect to the forward (again, until the device listens) and echo one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    while device.poll() is None:
        with socket.socket(family, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            try:
                client.connect((host, port))
                client.sendall(b"forwarded\n")
                answer = client.recv(100)
            except OSError:
                answer = b""
            if answer:
                client.shutdown(socket.SHUT_WR)
                return answer
        time.sleep(0.25)
    return b""


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET6) as probe:
        probe.bind(("::1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(("host", "extra", "seen_from"), [
    ("::1", (), "2001:db8::2"),                            # IPv6 client: IPv6 device
    ("127.0.0.1", (), "192.0.2.2"),                        # IPv4 client: IPv4 device
    ("127.0.0.1", ("overlay-ipv6-only.conf",), "2001:db8::2"),  # no IPv4 on the device
])
def test_forward_from_the_host_reaches_the_device_echo_over_its_family(
        builder: Builder, host: str, extra: tuple[str, ...], seen_from: str) -> None:
    build_dir = builder.build(ECHO, "lv_m4", extra)
    port = free_tcp_port()
    device = subprocess.Popen([sys.executable, "-m", "levante.cli", "run", str(build_dir),
                               "--net", "user", "--forward", f"tcp:{port}:4242",
                               "--max-time", "8s"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        answer = echo_through(host, port, device)
        output, errors = device.communicate(timeout=120)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert answer == b"forwarded\n", errors
    assert device.returncode == 0, errors
    assert f"tcp_echo: connection from {seen_from} port" in output, output


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_net_ping_to_the_gateways_ipv6_addresses(builder: Builder, board: str) -> None:
    commands = ("net ping -c 2 2001:db8::2\nnet ping -c 1 fe80::5eff:fe00:53fe\n"
                "net ping -c 1 2001:db8::99\nnet ping 2001:db8::zz\n")
    result = builder.run(SHELL, "--net", "user", board=board, extra=("ipv6.conf",),
                         stdin=commands, max_time="10s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    for sequence in (1, 2):
        assert any(line.startswith(f"64 bytes from 2001:db8::2: icmp_seq={sequence} ttl=64 ")
                   for line in lines), result.output
    assert any(line.startswith("64 bytes from fe80::5eff:fe00:53fe: icmp_seq=1 ttl=64 ")
               for line in lines), result.output
    assert lines.count("2 packets transmitted, 2 received") == 1
    assert "1 packets transmitted, 1 received" in lines
    # Nobody else is on the link; a malformed address is one line.
    assert "1 packets transmitted, 0 received" in lines
    assert "net ping: 2001:db8::zz is not an IPv4 or IPv6 address" in lines
