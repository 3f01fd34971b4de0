"""Sockets end to end over a real TAP device: samples/net/udp_echo echoes what Linux's
`socat` sends to UDP port 4242, and its first datagram reaches a `socat` listening on
the host's side. Needs root (CI runs as root): the test creates its own namespace and
TAP device (prefix `lvsk`), uses only 192.0.2.0/24, and deletes the namespace whatever
happens."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace

from conftest import SAMPLES, Builder

APP = SAMPLES / "net" / "udp_echo"
TAP = "lvsktap0"
DEVICE_IP = "192.0.2.1"
HOST_IP = "192.0.2.2"

needs_root = needs_root_with("socat")



@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A network namespace holding an up TAP device with the host's side at HOST_IP."""
    with tap_namespace("lvsk", request.node.nodeid, TAP,
                       (f"{HOST_IP}/24",)) as name:
        yield name


def echo_of(namespace: str, text: str) -> str:
    """What comes back for one datagram sent to the device's echo port (socat waits up
    to 2 s for the answer)."""
    result = subprocess.run(
        ["ip", "netns", "exec", namespace, "socat", "-T", "2", "-",
         f"UDP:{DEVICE_IP}:4242"], input=text, capture_output=True, text=True, timeout=30,
        check=False)
    return result.stdout


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_device_echoes_udp_and_reaches_a_linux_listener(builder: Builder, board: str,
                                                            namespace: str) -> None:
    build_dir = builder.build(APP, board)
    listener = subprocess.Popen(
        ["ip", "netns", "exec", namespace, "timeout", "90", "socat", "-u",
         "UDP-RECV:4243", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The first datagrams may meet a device still booting: ask until one comes back.
        first = ""
        for attempt in range(15):
            first = echo_of(namespace, f"hello {attempt}\n")
            if first:
                break
        echoes = [echo_of(namespace, f"datagram {number}\n") for number in range(3)]
        big = echo_of(namespace, "x" * 1400)
        device.send_signal(signal.SIGINT)
        output, errors = device.communicate(timeout=60)
        listener.send_signal(signal.SIGTERM)
        heard, _ = listener.communicate(timeout=30)
    finally:
        for process in (device, listener):
            if process.poll() is None:
                process.kill()
                process.wait()
    assert first.startswith("hello "), output + errors
    assert echoes == [f"datagram {number}\n" for number in range(3)], output + errors
    assert big == "x" * 1400
    assert "hello from levante\n" in heard
    assert "udp_echo: echoing UDP port 4242" in output
    assert f"bytes from {HOST_IP}:" in output
    assert device.returncode == 130, errors
