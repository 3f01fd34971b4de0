"""Every hostile sequence against a running device over a real TAP device: samples/
net/udp_echo (overlay-hostile.conf) runs on while tests/net/inject_hostile.py puts them
on the link, keeps every bounded table of its stack within its limit (the trace's
`net_stats` tables), then answers Linux's `ping`, `ping -6` and a UDP datagram; the
recorded session replays to the same output and trace. Needs root (CI runs as root):
the namespace (prefix `lvhr`) and the TAP device are the test's own, deleted whatever
happens; addresses only from 192.0.2.0/24 and 2001:db8::/32."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace

from conftest import SAMPLES, Builder, levante

APP = SAMPLES / "net" / "udp_echo"
OVERLAY = ("overlay-hostile.conf",)
TAP = "lvhrtap0"
DEVICE_IP, HOST_IP = "192.0.2.1", "192.0.2.2"
DEVICE_GLOBAL, HOST_GLOBAL = "2001:db8::1", "2001:db8::2"

needs_root = needs_root_with("socat")
BOUND = "45s"  # of simulated time, for the live run and its replay


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A namespace with an up TAP device, the host's side at HOST_IP and HOST_GLOBAL."""
    with tap_namespace("lvhr", request.node.nodeid, TAP,
                       (f"{HOST_IP}/24", f"{HOST_GLOBAL}/64")) as name:
        yield name


def in_namespace(namespace: str, *command: str, timeout: int = 120,
                 text_input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", "netns", "exec", namespace, *command], capture_output=True,
                          text=True, timeout=timeout, check=False, input=text_input)


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_hostile_sequences_on_the_link_leave_the_device_up_bounded_and_answering(
        builder: Builder, board: str, namespace: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board, OVERLAY)
    recording, traces = tmp_path / "hostile.lvrec", [tmp_path / "live.jsonl",
                                                      tmp_path / "replay.jsonl"]
    # A bound on simulated time ends the live run by itself, so that the replay (which
    # has no Ctrl-C to wait for) ends at the same instant. Idle time follows the host's
    # clock, so the live run lasts the whole bound in wall-clock time: every check below
    # is over by about 5 s of simulated time on an idle machine (8 s of wall-clock time),
    # and the bound leaves several times that for a slow boot and injection on a loaded
    # one (`running` below says when it was not enough).
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--net-record", str(recording), "--trace",
         str(traces[0]), "--max-time", BOUND],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = in_namespace(namespace, "ping", "-c", "1", "-w", "30", DEVICE_IP)
        # The global address answers once its Duplicate Address Detection is over: a
        # hostile frame claiming it while it is still tentative would (rightly, RFC 4862
        # §5.4.5) take it away, which is not what this test is about.
        first6 = in_namespace(namespace, "ping", "-6", "-c", "1", "-w", "30", DEVICE_GLOBAL)
        injected = in_namespace(namespace, sys.executable,
                                str(Path(__file__).with_name("inject_hostile.py")), TAP)
        ping4 = in_namespace(namespace, "ping", "-c", "2", "-i", "0.5", "-w", "10", DEVICE_IP)
        ping6 = in_namespace(namespace, "ping", "-6", "-c", "2", "-i", "0.5", "-w", "10",
                             DEVICE_GLOBAL)
        echo = in_namespace(namespace, "socat", "-T", "3", "-", f"UDP:{DEVICE_IP}:4242",
                            text_input="still there\n")
        running = device.poll() is None  # after the last hostile frame and every check
        live, errors = device.communicate(timeout=180)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert first.returncode == 0, first.stdout + errors
    assert first6.returncode == 0, first6.stdout + errors
    assert injected.returncode == 0, injected.stderr
    assert len(injected.stdout.splitlines()) == 11  # every sequence went out
    assert running, errors  # the bound of simulated time was not reached before
    assert ping4.returncode == 0 and " 2 received" in ping4.stdout, ping4.stdout + errors
    assert ping6.returncode == 0 and " 2 received" in ping6.stdout, ping6.stdout + errors
    assert echo.stdout == "still there\n", echo.stderr + errors
    assert device.returncode == 0, errors  # ran to its bound of simulated time
    [stats] = [json.loads(line) for line in traces[0].read_text().splitlines()
               if '"net_stats"' in line]
    tables = stats["tables"]
    assert all(use["peak"] <= use["limit"] for use in tables.values()), tables
    for name in ("arp.entries", "ipv4.reassembly", "ipv6.neighbors", "ipv6.reassembly"):
        assert tables[name]["peak"] == tables[name]["limit"], name  # the floods got there
    counters = stats["counters"]
    assert counters["ipv4.drop.martian-address"] >= 8
    assert counters["ipv4.drop.reassembly-full"] >= 60
    assert counters["tcp.drop.closed-port"] >= 300
    # The recorded session, replayed with no link: the same run.
    replayed = levante("run", str(build_dir), "--net-replay", str(recording), "--trace",
                       str(traces[1]), "--max-time", BOUND)
    assert replayed.returncode == 0, replayed.stderr
    assert "not delivered" not in replayed.stderr
    assert replayed.stdout == live
    assert traces[0].read_bytes() == traces[1].read_bytes()
