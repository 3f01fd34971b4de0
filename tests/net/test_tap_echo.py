"""An echo server on the APIs Zephyr's echo_server uses, end to end over a real TAP
device (tests/net/apps/echo_server): started by the connection manager's
NET_EVENT_L4_CONNECTED, it answers `socat` over UDP and TCP, IPv4 and IPv6, from one
poll() loop over four sockets and an eventfd, in a supervisor thread or (overlay-user)
a user thread in an application memory domain; a datagram "stop" makes another thread
write the eventfd, which ends the loop. The client (tests/net/apps/echo_client) meets
Linux's `socat` echo servers, its late reply ended by an eventfd its timer writes, and
the server device over a virtual switch. With overlay-tls.conf the server answers
`openssl s_client` over TLS and DTLS (`-dtls1_2`), both families. Root for the TAP
tests (CI runs as root): the namespace and TAP device are the test's own (prefix
`lvec`), addresses from 192.0.2.0/24 and 2001:db8::/32."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace
from tls_material import make_identity

from conftest import Builder, levante
from levante.net.link.hub import SwitchHub

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


CLIENT = Path(__file__).parent / "apps" / "echo_client"
LINUX_SERVERS = ("UDP4-RECVFROM:4242,fork", "TCP4-LISTEN:4242,fork,reuseaddr",
                 "TCP6-LISTEN:4242,fork,reuseaddr,ipv6only=1")


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_echo_client_meets_linux_echo_servers(builder: Builder, board: str,
                                                   request: pytest.FixtureRequest) -> None:
    # Linux echoes UDP over IPv4 and TCP over both; nothing answers UDP over IPv6, so
    # that wait ends when the client's timer writes its eventfd.
    build_dir = builder.build(CLIENT, board)
    with tap_namespace("lvec", request.node.nodeid, TAP,
                       ("192.0.2.1/24", "2001:db8::1/64")) as name:
        servers = [subprocess.Popen(["ip", "netns", "exec", name, "socat", address,
                                     "EXEC:cat"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for address in LINUX_SERVERS]
        try:
            result = subprocess.run(
                ["ip", "netns", "exec", name, sys.executable, "-m", "levante.cli", "run",
                 str(build_dir), "--net", f"tap:{TAP}", "--max-time", "10s"],
                capture_output=True, text=True, timeout=120, check=False)
        finally:
            for server in servers:
                server.kill()
                server.wait()
    output = result.stdout
    assert "echo-client: UDP4 ok (3 echoes)" in output, output + result.stderr
    assert "echo-client: UDP6 failed: no reply: the eventfd woke the poll" in output
    assert "echo-client: TCP4 ok (3 echoes)" in output
    assert "echo-client: TCP6 ok (3 echoes)" in output
    assert "echo-client: done" in output


def test_client_and_server_devices_over_a_switch(builder: Builder, tmp_path: Path) -> None:
    # Two Levante processes on one virtual switch: the server at 192.0.2.1 (lv_m4), the
    # client at 192.0.2.2 (lv_m33); no root needed.
    switch = SwitchHub(tmp_path / "switch.sock")
    thread = threading.Thread(target=switch.serve, daemon=True)
    thread.start()
    link = ("--net", f"switch:{switch.path}")
    server = subprocess.Popen(
        [sys.executable, "-m", "levante.cli", "run", str(builder.build(APP)), *link],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    client_build = builder.build(CLIENT, "lv_m33")
    try:
        # The client's simulated time runs on as soon as it boots: start it only once the
        # server serves, or a slow start of the server (a loaded machine) loses its echoes.
        assert server.stdout is not None
        started: list[str] = []
        while not started or ("echo: serving port" not in started[-1] and started[-1]):
            started.append(server.stdout.readline())
        assert "echo: serving port" in started[-1], "".join(started)
        client = subprocess.run(
            [sys.executable, "-m", "levante.cli", "run",
             str(client_build), *link, "--max-time", "10s"],
            capture_output=True, text=True, timeout=120, check=False)
        server.send_signal(signal.SIGINT)
        rest, errors = server.communicate(timeout=60)
        served = "".join(started) + rest
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        switch.stop()
        thread.join(timeout=5)
    for transport in PEERS:
        assert f"echo-client: {transport} ok (3 echoes)" in client.stdout, \
            client.stdout + client.stderr + served + errors
    assert served.count("echo: UDP IPv4 ") == 3 and served.count("echo: UDP IPv6 ") == 3
    assert "echo: TCP IPv4 connection accepted" in served
    assert "echo: TCP IPv6 connection accepted" in served


def s_client_echoes(namespace: str, protocol: str, address: str, line: str,
                    folder: Path) -> bool:
    """Whether `openssl s_client` (TLS, or DTLS 1.2), verifying server.test against
    folder/ca.pem, gets `line` back within 6 s of starting; it is stopped as soon as the
    line is back (-quiet implies -ign_eof: it would stay on until stopped)."""
    command = ["ip", "netns", "exec", namespace, "openssl", "s_client",
               *(["-dtls1_2"] if protocol == "dtls" else []), "-connect", f"{address}:4242",
               "-CAfile", "ca.pem", "-verify_return_error", "-verify_hostname",
               "server.test", "-quiet"]
    wanted, received = line.encode(), b""
    deadline = time.monotonic() + 6
    with subprocess.Popen(command, cwd=folder, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as client:
        assert client.stdin is not None and client.stdout is not None
        client.stdin.write(wanted + b"\n")  # s_client sends it once connected
        client.stdin.flush()
        while wanted not in received and (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([client.stdout], [], [], left)
            chunk = os.read(client.stdout.fileno(), 4096) if ready else b""
            if not chunk:
                break
            received += chunk
        client.kill()
    return wanted in received



class ConsoleReader:
    """A running device's stdout and stderr, read as they come, so that a test can wait
    for a console line before it stops the device."""

    def __init__(self, device: subprocess.Popen[str]) -> None:
        self.device = device
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [threading.Thread(target=self._drain, args=(stream, into), daemon=True)
                        for stream, into in ((device.stdout, self.out),
                                             (device.stderr, self.err))]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _drain(stream: Iterable[str], into: list[str]) -> None:
        for line in stream:
            into.append(line)

    def wait_for(self, *markers: str, patience_s: float = 60) -> None:
        deadline = time.monotonic() + patience_s
        while time.monotonic() < deadline:
            text = "".join(self.out)
            if all(marker in text for marker in markers):
                return
            time.sleep(0.1)

    def finish(self, timeout_s: float = 60) -> tuple[str, str]:
        """Wait for the device to end (after the caller's signal): its output and errors."""
        self.device.wait(timeout=timeout_s)
        for reader in self.readers:
            reader.join(timeout=timeout_s)
        return "".join(self.out), "".join(self.err)

@needs_root_with("openssl")
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_tls_overlay_answers_openssl_over_tls_and_dtls(
        board: str, namespace: str, tmp_path: Path) -> None:
    # overlay-tls.conf: TLS 1.2 on the TCP sockets, DTLS 1.2 on the UDP ones, with a
    # certificate for server.test made now; openssl verifies it and gets its line back.
    ca = make_identity("Levante Test CA", ca=True)
    server = make_identity("server.test", ca)
    (tmp_path / "ca.pem").write_bytes(ca.certificate_pem)
    (tmp_path / "server.pem").write_bytes(server.certificate_pem)
    (tmp_path / "server.key").write_bytes(server.key_pem)
    build_dir = tmp_path / "build"
    built = levante("build", str(APP), "-d", str(build_dir), "-b", board, "--extra-conf",
                    str(APP / "overlay-tls.conf"), "--",
                    f"-DTLS_SERVER_CERTIFICATE={tmp_path / 'server.pem'}",
                    f"-DTLS_SERVER_KEY={tmp_path / 'server.key'}")
    assert built.returncode == 0, built.stderr + built.stdout
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    answers = {}
    console = ConsoleReader(device)
    try:
        for name, address in (("4", "192.0.2.1"), ("6", "[2001:db8::1]")):
            for protocol in ("tls", "dtls"):
                line = f"{protocol} over IPv{name}"
                # The first tries may meet a device still booting (refused at once):
                # it gets a minute, as ten tries of the client's 6 s each gave it.
                patience = time.monotonic() + 60
                answers[line] = s_client_echoes(namespace, protocol, address, line, tmp_path)
                while not answers[line] and time.monotonic() < patience:
                    time.sleep(0.5)
                    answers[line] = s_client_echoes(namespace, protocol, address, line,
                                                    tmp_path)
        # The device prints its line after it sent the echo the client already has:
        # stop it only once the lines are out (or a minute has passed).
        console.wait_for("echo: UDP IPv4 ", "echo: UDP IPv6 ")
        device.send_signal(signal.SIGINT)
        output, errors = console.finish()
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert all(answers.values()), (answers, output, errors)
    assert "echo: TCP IPv4 connection accepted" in output
    assert "echo: TCP IPv6 connection accepted" in output
    assert "echo: UDP IPv4 " in output and "echo: UDP IPv6 " in output
