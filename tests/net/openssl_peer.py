"""Real OpenSSL peers for the TLS session: `openssl s_server` / `s_client` on the host's
loopback, driven through a host socket (the test harness's, never the session's)."""

from __future__ import annotations

import contextlib
import selectors
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from levante.net.tls import SessionState, TlsSession

OPENSSL = shutil.which("openssl")
# How long the harness lets a real peer take, in wall-clock seconds: a bound on a hang,
# not an assertion about speed.
PATIENCE_S = 20.0


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def openssl(*arguments: str, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    assert OPENSSL is not None
    process = subprocess.Popen([OPENSSL, *arguments], cwd=cwd, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def wait_for_line(process: subprocess.Popen[bytes], marker: bytes) -> bytes:
    """Read the peer's output until `marker` (its "ready" line, or data) appears."""
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + PATIENCE_S
    while marker not in seen and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen += line
    return seen


def connect_tcp(port: int) -> socket.socket:
    deadline = time.monotonic() + PATIENCE_S
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=PATIENCE_S)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def pump(session: TlsSession, transport: socket.socket, datagram: bool,
         until: object) -> None:
    """Carry bytes between the session and the transport until `until()` holds or the
    session fails; the session's clock is the harness's elapsed time in µs."""
    start = time.monotonic()
    selector = selectors.DefaultSelector()
    selector.register(transport, selectors.EVENT_READ)
    try:
        while time.monotonic() - start < PATIENCE_S:
            now = int((time.monotonic() - start) * 1_000_000)
            session.on_timer(now)
            for data in session.take_outgoing():
                transport.sendall(data) if not datagram else transport.send(data)
            if until() or session.state is SessionState.FAILED:  # type: ignore[operator]
                return
            if selector.select(timeout=0.05):
                try:
                    data = transport.recv(65536)
                except ConnectionRefusedError:  # a datagram met no listener yet
                    continue
                if not data and not datagram:
                    return
                session.receive(data, int((time.monotonic() - start) * 1_000_000))
    finally:
        selector.close()
