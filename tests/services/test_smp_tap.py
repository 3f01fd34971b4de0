"""smpmgr in a network namespace updates a device on a real TAP link (its default UDP
port 1337), on both boards. Needs root: the namespace, the TAP device and the addresses
(192.0.2.0/24 only) are made and removed by the test."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from smpmgr_support import Smpmgr

from conftest import Builder
from net.tap_namespace import needs_root, tap_namespace

APP = Path(__file__).resolve().parent / "smp_app"
TAP = "lvsmp0"
DEVICE_IP = "192.0.2.1"
HOST_IP = "192.0.2.2"


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    with tap_namespace("lvsmp", request.node.nodeid, TAP, (f"{HOST_IP}/24",)) as name:
        yield name


@needs_root()
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_smpmgr_updates_a_device_over_tap(builder: Builder, board: str, namespace: str,
                                          tmp_path: Path) -> None:
    build = builder.build(APP, board)
    update = builder.build(APP, board, extra=("v2.conf",))
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build), "--net", f"tap:{TAP}", "--flash-dir", str(tmp_path / "flash"),
         "--known-build", str(update)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        smpmgr = Smpmgr(("--ip", DEVICE_IP), ("ip", "netns", "exec", namespace))
        smpmgr.update_and_revert_then_confirm(update / "levante.signed.bin", "1.0.0",
                                              "2.0.0")
    finally:
        device.send_signal(signal.SIGINT)
        try:
            device.wait(timeout=60)
        except subprocess.TimeoutExpired:
            device.kill()
            device.wait()


@needs_root()
def test_smp_over_ipv6_only(builder: Builder, request: pytest.FixtureRequest,
                            tmp_path: Path) -> None:
    build = builder.build(APP, extra=("ipv6.conf",))
    trace = tmp_path / "trace.jsonl"
    with tap_namespace("lvsmp", request.node.nodeid + "v6", TAP,
                       (f"{HOST_IP}/24", "2001:db8::2/64")) as name:
        device = subprocess.Popen(
            ["ip", "netns", "exec", name, sys.executable, "-m", "levante.cli", "run",
             str(build), "--net", f"tap:{TAP}", "--flash-dir", str(tmp_path / "flash"),
             "--trace", str(trace)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            over_ipv6 = Smpmgr(("--ip", "2001:db8::1"), ("ip", "netns", "exec", name))
            assert over_ipv6.running_version() == ("1.0.0", True)
            over_ipv4 = Smpmgr(("--ip", DEVICE_IP), ("ip", "netns", "exec", name))
            with pytest.raises(AssertionError):
                over_ipv4("os", "echo", "not served")
        finally:
            device.send_signal(signal.SIGINT)
            device.wait(timeout=60)
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    served = {event["peer"].split("]")[0] for event in events
              if event["event"] == "service_message"}
    refused = [event for event in events if event["event"] == "smp_refused"]
    assert served == {"[2001:db8::2"}
    assert refused and all(event["reason"] == "SMP over IPv4 is not enabled"
                           and event["peer"].startswith(f"{HOST_IP}:") for event in refused)
