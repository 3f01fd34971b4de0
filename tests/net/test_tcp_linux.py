"""TCP against Linux over a real TAP device: the stack (run directly on the TAP device
by tcp_tap_harness.py) and Linux's own TCP (socat and Python sockets in a network
namespace) exchange data both ways, close gracefully from either side, and reset.
Needs root; uses only 192.0.2.0/24 and deletes the namespace whatever happens."""

from __future__ import annotations

import hashlib
import json
import os
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

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TAP = "lvtcp0"
DEVICE_IP = "192.0.2.1"
HOST_IP = "192.0.2.2"
PING_TARGET = SAMPLES / "net" / "ping_target"

needs_root = needs_root_with()
pytestmark = needs_root


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A namespace with an up TAP device, the host's side at HOST_IP."""
    with tap_namespace("lvtcp", request.node.nodeid, TAP, (f"{HOST_IP}/24",)) as name:
        yield name


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


class Started:
    """A Python script running in the namespace, past its {"ready": true} line."""

    def __init__(self, namespace: str, script: str, *arguments: str) -> None:
        self.process = subprocess.Popen(
            ["ip", "netns", "exec", namespace, sys.executable, str(HERE / script),
             *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=_environment())
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        assert json.loads(first or "{}").get("ready"), self.process.stderr.read() \
            if self.process.stderr else first

    def result(self) -> dict[str, object]:
        # Not communicate(): what came with the ready line may sit in stdout's buffer
        # already, where communicate() would not look.
        assert self.process.stdout is not None and self.process.stderr is not None
        try:
            self.process.wait(timeout=90)
            output, errors = self.process.stdout.read(), self.process.stderr.read()
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        lines = output.strip().splitlines()
        assert lines, f"exit status {self.process.returncode}: {errors}"
        result: dict[str, object] = json.loads(lines[-1])
        return result


def linux(namespace: str, *arguments: str) -> dict[str, object]:
    completed = subprocess.run(
        ["ip", "netns", "exec", namespace, sys.executable, str(HERE / "tcp_linux_peer.py"),
         *arguments], capture_output=True, text=True, timeout=90, env=_environment())
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_socat_talks_to_the_device_and_both_sides_close(namespace: str) -> None:
    device = Started(namespace, "tcp_tap_harness.py", TAP, "echo", "7")
    data = random.Random(1).randbytes(300_000)
    # -t: socat waits for the echo after its input ended (half close), then ends.
    socat = subprocess.run(["ip", "netns", "exec", namespace, "socat", "-t", "30", "-",
                            f"TCP:{DEVICE_IP}:7"], input=data, capture_output=True,
                           timeout=90)
    result = device.result()
    assert socat.returncode == 0, socat.stderr
    assert socat.stdout == data
    # The device closed after Linux's FIN: CLOSE-WAIT, LAST-ACK, CLOSED.
    assert result["done"] and result["echoed"] == len(data)
    assert result["state"] == "CLOSED" and result["error"] is None


def test_linux_sends_and_the_device_answers_then_closes(namespace: str) -> None:
    device = Started(namespace, "tcp_tap_harness.py", TAP, "sink", "8080")
    answer = linux(namespace, "connect", DEVICE_IP, "8080", "1000000")
    result = device.result()
    assert result["received"] == 1_000_000 and result["sha256"] == answer["sent_sha256"]
    assert bytes.fromhex(str(answer["answer"])).decode() == answer["sent_sha256"]
    assert result["state"] == "CLOSED"


def test_the_device_connects_to_linux_and_closes_first(namespace: str) -> None:
    server = Started(namespace, "tcp_linux_peer.py", "listen", "9000")
    device = Started(namespace, "tcp_tap_harness.py", TAP, "send", HOST_IP, "9000",
                     "1000000")
    result = device.result()
    linux_side = server.result()
    expected = hashlib.sha256(random.Random(1_000_000).randbytes(1_000_000)).hexdigest()
    assert linux_side == {"peer": DEVICE_IP, "received": 1_000_000, "sha256": expected}
    assert result["answer"] == expected and result["error"] is None
    # The device sent its FIN first, then read Linux's: it ends in TIME-WAIT.
    assert result["state"] == "TIME-WAIT"


def test_resets_both_ways(namespace: str) -> None:
    # Linux to a port no one listens on: refused by the device's RST.
    device = Started(namespace, "tcp_tap_harness.py", TAP, "abort", "7")
    assert linux(namespace, "refused", DEVICE_IP, "9") == {"refused": True}
    # The device aborts a connection: Linux sees it reset.
    assert linux(namespace, "reset", DEVICE_IP, "7") == {"reset": True}
    result = device.result()
    assert result["before_abort"] == 8 and result["state"] == "CLOSED"
    counters = result["counters"]
    assert isinstance(counters, dict) and counters["tcp.drop.closed-port"] == 1
    # The device to a closed Linux port: ECONNREFUSED.
    refused = Started(namespace, "tcp_tap_harness.py", TAP, "send", HOST_IP, "9", "10")
    assert refused.result()["error"] == "ECONNREFUSED"


def test_bulk_transfer_to_linux_reports_its_rate(namespace: str) -> None:
    """The figure for docs/network.md: stack → Linux over the TAP device."""
    server = Started(namespace, "tcp_linux_peer.py", "sink", "9001")
    size = 20_000_000
    device = Started(namespace, "tcp_tap_harness.py", TAP, "send", HOST_IP, "9001",
                     str(size))
    result = device.result()
    assert server.result() == {"received": size}
    rate = result["bytes_per_second"]
    assert isinstance(rate, float) and rate > 0
    counters = result["counters"]
    assert isinstance(counters, dict)
    print(f"\nTCP stack → Linux over TAP: {rate / 1e6:.1f} MB/s "
          f"({size} bytes in {result['seconds']:.2f} s, "
          f"{counters.get('tcp.retransmitted', 0)} retransmissions)")


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_device_with_tcp_refuses_linux_with_a_reset(builder: Builder, board: str,
                                                      namespace: str,
                                                      tmp_path: Path) -> None:
    """The whole board path: samples/net/ping_target with CONFIG_NET_TCP, run by
    `levante run --net tap:`, answers Linux's SYN to a closed port with a RST."""
    build_dir = builder.build(PING_TARGET, board, ("overlay-tcp.conf",))
    trace = tmp_path / "trace.jsonl"
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--trace", str(trace)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_environment())
    try:
        # Wait until the device answers (it boots first), then knock on port 80.
        ping = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-c", "1", "-w",
                               "60", DEVICE_IP], capture_output=True, text=True,
                              timeout=90, check=False)
        refused = linux(namespace, "refused", DEVICE_IP, "80")
        device.send_signal(signal.SIGINT)
        _, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert ping.returncode == 0, ping.stdout + errors
    assert refused == {"refused": True}
    [stats] = [json.loads(line) for line in trace.read_text().splitlines()
               if '"net_stats"' in line]
    assert stats["counters"]["tcp.drop.closed-port"] >= 1
    assert stats["counters"]["tcp.reset_sent"] >= 1
