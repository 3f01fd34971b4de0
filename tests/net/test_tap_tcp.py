"""Stream sockets end to end over a real TAP device, against Linux's own TCP/IP.

samples/net/tcp_echo serves `socat` and `nc` over IPv4 and IPv6 (a 200 kB echo comes
back intact); tests/net/apps/tcp_client, as a client, meets a refused port, sends and
receives 1 MB intact, is reset by its peer, sees its peer close first, makes small
request/response round trips, and exchanges a datagram over IPv6 with a Linux UDP6
echo (tests/net/tap_tcp_servers.py).  Needs root; the namespace and TAP device are the
test's own (prefix `lvst`), only 192.0.2.0/24 and 2001:db8::/32 are used, and the
namespace is deleted whatever happens."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace

from conftest import SAMPLES, Builder

ECHO = SAMPLES / "net" / "tcp_echo"
CLIENT = Path(__file__).parent / "apps" / "tcp_client"
SERVERS = Path(__file__).parent / "tap_tcp_servers.py"
TAP = "lvsttap0"

needs_root = needs_root_with("socat", "nc")


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A network namespace holding an up TAP device with the host's side at 192.0.2.2
    and 2001:db8::2."""
    with tap_namespace("lvst", request.node.nodeid, TAP,
                       ("192.0.2.2/24", "2001:db8::2/64")) as name:
        yield name


def device(namespace: str, build_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def interrupt(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C the device; again if the first one landed inside one of the emulator's
    callbacks, where Python reports the KeyboardInterrupt and drops it."""
    for _ in range(3):
        process.send_signal(signal.SIGINT)
        try:
            return process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            continue
    process.kill()
    return process.communicate(timeout=30)


def through(namespace: str, command: list[str], data: bytes) -> bytes:
    result = subprocess.run(["ip", "netns", "exec", namespace, *command], input=data,
                            capture_output=True, timeout=60, check=False)
    return result.stdout


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_linux_clients_reach_the_tcp_echo_over_ipv4_and_ipv6(builder: Builder, board: str,
                                                              namespace: str) -> None:
    running = device(namespace, builder.build(ECHO, board))
    try:
        # The first connections may meet a device still booting: ask until one answers.
        first = b""
        for attempt in range(20):
            first = through(namespace, ["timeout", "5", "socat", "-T", "3", "-",
                                        "TCP:192.0.2.1:4242"], f"hello {attempt}\n".encode())
            if first:
                break
        over_six = through(namespace, ["timeout", "5", "socat", "-T", "3", "-",
                                       "TCP6:[2001:db8::1]:4242"], b"over six\n")
        with_nc = through(namespace, ["timeout", "5", "nc", "-N", "192.0.2.1", "4242"],
                          b"netcat\n")
        bulk = random.Random(1).randbytes(200_000)
        echoed = through(namespace, ["timeout", "30", "socat", "-T", "5", "-",
                                     "TCP6:[2001:db8::1]:4242,shut-down"], bulk)
        output, errors = interrupt(running)
    finally:
        stop(running)
    assert first.startswith(b"hello "), output + errors
    assert over_six == b"over six\n" and with_nc == b"netcat\n"
    assert echoed == bulk
    assert "tcp_echo: echoing TCP port 4242" in output
    assert "connection from 2001:db8::2 port" in output
    assert "connection from 192.0.2.2 port" in output
    assert running.returncode == 130, errors


@needs_root
@pytest.mark.parametrize("board", ["lv_m4"])
def test_the_device_as_a_client_of_linux_servers(builder: Builder, board: str,
                                                 namespace: str) -> None:
    build_dir = builder.build(CLIENT, board)
    servers = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, str(SERVERS), "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    running: subprocess.Popen[str] | None = None
    lines: list[str] = []
    try:
        assert servers.stdout is not None
        assert servers.stdout.readline().strip() == "servers: ready"
        running = device(namespace, build_dir)
        assert running.stdout is not None
        for line in running.stdout:
            lines.append(line)
            if line.startswith("tcp_client: done"):
                break
        interrupt(running)
        heard, _ = servers.communicate(timeout=60)
    finally:
        stop(servers, *([running] if running is not None else []))
    output = "".join(lines)
    assert "refused: ECONNREFUSED" in output
    assert "transfer: sent 1048576 received 1048576 intact" in output
    assert "reset: ECONNRESET" in output
    assert 'peer-closes: got 8 bytes "goodbye", then 0' in output
    assert "round-trips: 200 of 200" in output
    assert "udp6: 4 bytes from 2001:db8::2 family inet6" in output
    assert "transfer: host received 1048576 intact" in heard
    assert "udp6: host heard b'six\\n' from 2001:db8::1" in heard
    # The figures (docs/performance.md) are printed, not judged.
    print(*(line for line in heard.splitlines() if "MB/s" in line or "per second" in line),
          sep="\n")
