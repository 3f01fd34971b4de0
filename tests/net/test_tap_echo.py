"""An echo server on the APIs Zephyr's echo_server uses, end to end over a real TAP
device (tests/net/apps/echo_server): started by the connection manager's
NET_EVENT_L4_CONNECTED, it answers `socat` over UDP and TCP, IPv4 and IPv6, from one
poll() loop over four sockets and an eventfd, in a supervisor thread or (overlay-user)
a user thread in an application memory domain; a datagram "stop" makes another thread
write the eventfd, which ends the loop. Needs root (CI runs as root): the namespace and
TAP device are the test's own (prefix `lvec`), addresses from 192.0.2.0/24 and
2001:db8::/32."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace

from conftest import Builder

APP = Path(__file__).parent / "apps" / "echo_server"
TAP = "lvectap0"
PEERS = {"UDP4": "UDP4:192.0.2.1:4242", "UDP6": "UDP6:[2001:db8::1]:4242",
         "TCP4": "TCP4:192.0.2.1:4242", "TCP6": "TCP6:[2001:db8::1]:4242"}

needs_root = needs_root_with("socat")


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    with tap_namespace("lvec", request.node.nodeid, TAP,
                       ("192.0.2.2/24", "2001:db8::2/64")) as name:
        yield name


def socat(namespace: str, peer: str, text: str) -> str:
    """What `socat` gets back for `text` (a stream's input stays open for 1 s, so the
    answer comes before its end; a datagram's answer is awaited 2 s)."""
    command = ["ip", "netns", "exec", namespace, "socat", "-T", "2", "-", peer]
    if peer.startswith("TCP"):
        command = ["ip", "netns", "exec", namespace, "sh", "-c",
                   f"(printf '%s' '{text}'; sleep 1) | socat - {peer}"]
        text = ""
    result = subprocess.run(command, input=text, capture_output=True, text=True,
                            timeout=30, check=False)
    return result.stdout


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
@pytest.mark.parametrize("mode", ["supervisor", "user"])
def test_the_echo_server_answers_every_family_and_stops_on_its_eventfd(
        builder: Builder, board: str, mode: str, namespace: str) -> None:
    build_dir = builder.build(APP, board, ("overlay-user.conf",) if mode == "user" else ())
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The first datagrams may meet a device still booting (DAD): ask until one comes.
        first = ""
        for attempt in range(20):
            first = socat(namespace, PEERS["UDP6"], f"hello {attempt}\n")
            if first:
                break
        answers = {name: socat(namespace, peer, f"to {name}\n")
                   for name, peer in PEERS.items()}
        subprocess.run(["ip", "netns", "exec", namespace, "socat", "-T", "1", "-",
                        PEERS["UDP4"]], input="stop", capture_output=True, text=True,
                       timeout=30, check=False)
        after = socat(namespace, PEERS["UDP4"], "after\n")
        device.send_signal(signal.SIGINT)
        output, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert first.startswith("hello "), output + errors
    assert answers == {name: f"to {name}\n" for name in PEERS}, output + errors
    assert after == "", "the server stopped"
    assert "echo: network connected" in output
    context = "user thread" if mode == "user" else "supervisor thread"
    assert f"echo: serving port 4242 ({context})" in output
    assert "echo: TCP IPv4 connection accepted" in output
    assert "echo: TCP IPv6 connection accepted" in output
    assert "echo: the eventfd woke the poll loop (1)\necho: stopped\n" in output
