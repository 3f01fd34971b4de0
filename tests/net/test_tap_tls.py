"""TLS and DTLS sockets end to end over a real TAP device, against real OpenSSL:
samples/net/tls_client verifies `openssl s_server` (a CA and certificates made at test
time with `cryptography`) and is refused, with ECONNABORTED, a server whose certificate
names another host or comes from another CA; `openssl s_client` verifies
samples/net/tls_echo_server and gets its line back; the same over DTLS with
`-dtls1_2`; and all of it over IPv6 (the samples' overlay-ipv6.conf, OpenSSL's `-6`).
Needs root: each test makes its own namespace and TAP device (prefix `lvtl`), uses
only 192.0.2.0/24 and 2001:db8::/64, and deletes the namespace whatever happens."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace
from tls_material import Identity, make_identity

from conftest import SAMPLES, levante

CLIENT = SAMPLES / "net" / "tls_client"
SERVER = SAMPLES / "net" / "tls_echo_server"
TAP = "lvtltap0"
DEVICE_IP = "192.0.2.1"
HOST_IP = "192.0.2.2"
DEVICE_IP6 = "2001:db8::1"
HOST_IP6 = "2001:db8::2"
PORT = "4433"
ECONNABORTED = 113
# How long the harness lets a peer or the device take, in wall-clock seconds: a bound
# on a hang, not an assertion about speed.
PATIENCE_S = 60.0

needs_root = needs_root_with("openssl")



@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A network namespace holding an up TAP device with the host's side at HOST_IP."""
    with tap_namespace("lvtl", request.node.nodeid, TAP,
                       (f"{HOST_IP}/24", f"{HOST_IP6}/64")) as name:
        yield name


def write_identity(folder: Path, stem: str, identity: Identity) -> None:
    (folder / f"{stem}.pem").write_bytes(identity.certificate_pem)
    (folder / f"{stem}.key").write_bytes(identity.key_pem)


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    """ca.pem; server.pem for server.test; other.pem for other.test (same CA); rogue.pem
    for server.test from another CA."""
    ca = make_identity("Levante Test CA", ca=True)
    rogue_ca = make_identity("Someone Else's CA", ca=True)
    (tmp_path / "ca.pem").write_bytes(ca.certificate_pem)
    write_identity(tmp_path, "server", make_identity("server.test", ca))
    write_identity(tmp_path, "other", make_identity("other.test", ca))
    write_identity(tmp_path, "rogue", make_identity("server.test", rogue_ca))
    return tmp_path


def build(app: Path, out: Path, board: str, dtls: bool, *defines: str,
          ipv6: bool = False) -> Path:
    overlays = [name for name, wanted in (("overlay-dtls.conf", dtls),
                                          ("overlay-ipv6.conf", ipv6)) if wanted]
    extra = tuple(item for name in overlays for item in ("--extra-conf", str(app / name)))
    result = levante("build", str(app), "-d", str(out), "-b", board, *extra, "--",
                     *(f"-D{define}" for define in defines))
    assert result.returncode == 0, result.stderr + result.stdout
    return out


def build_client(pki: Path, board: str = "lv_m4", dtls: bool = False,
                 ipv6: bool = False) -> Path:
    return build(CLIENT, pki / f"client-{board}-{dtls}-{ipv6}", board, dtls,
                 f"TLS_CA_CERTIFICATE={pki / 'ca.pem'}", ipv6=ipv6)


def build_server(pki: Path, board: str = "lv_m4", dtls: bool = False,
                 ipv6: bool = False) -> Path:
    return build(SERVER, pki / f"server-{board}-{dtls}-{ipv6}", board, dtls,
                 f"TLS_SERVER_CERTIFICATE={pki / 'server.pem'}",
                 f"TLS_SERVER_KEY={pki / 'server.key'}", ipv6=ipv6)


def in_namespace(namespace: str, *command: str, cwd: Path | None = None,
                 ) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["ip", "netns", "exec", namespace, *command], cwd=cwd,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def device(namespace: str, build_dir: Path) -> subprocess.Popen[bytes]:
    return in_namespace(namespace, sys.executable, "-m", "levante.cli", "run",
                        str(build_dir), "--net", f"tap:{TAP}")


def read_until(process: subprocess.Popen[bytes], marker: bytes) -> bytes:
    """What the process printed up to the end of the line holding `marker` (or all it
    printed when the patience ran out or it ended)."""
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + PATIENCE_S

    def complete() -> bool:
        found = seen.find(marker)
        return found >= 0 and b"\n" in seen[found:]

    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not complete() and time.monotonic() < deadline:
            if not selector.select(timeout=1.0):
                continue
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
    return seen


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def s_server(namespace: str, pki: Path, identity: str, *options: str, family: str = "-4",
             ) -> subprocess.Popen[bytes]:
    server = in_namespace(namespace, "openssl", "s_server", family, "-accept", PORT, "-cert",
                          f"{identity}.pem", "-key", f"{identity}.key", *options, cwd=pki)
    assert b"ACCEPT" in read_until(server, b"ACCEPT")
    return server


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_device_verifies_openssl_s_server(pki: Path, namespace: str, board: str) -> None:
    build_dir = build_client(pki, board)
    server = s_server(namespace, pki, "server", "-rev")
    client = device(namespace, build_dir)
    try:
        output = read_until(client, b"tls_client: closed")
        heard = read_until(server, b"CONNECTION CLOSED")
    finally:
        stop(client, server)
    assert b"tls_client: connected, ciphersuite 0x" in output, output
    # s_server -rev sends each line back reversed.
    assert b"received 19 bytes: etnavel morf olleh" in output
    assert b"Protocol version: TLSv1.2" in heard


@needs_root
@pytest.mark.parametrize("identity", ["other", "rogue"])
def test_a_wrong_hostname_or_an_untrusted_ca_fails_connect(pki: Path, namespace: str,
                                                           identity: str) -> None:
    build_dir = build_client(pki)
    server = s_server(namespace, pki, identity)
    client = device(namespace, build_dir)
    try:
        output = read_until(client, b"connect failed")
    finally:
        stop(client, server)
    assert f"tls_client: connect failed: errno {ECONNABORTED}".encode() in output, output
    assert b"connected, ciphersuite" not in output


@needs_root
def test_openssl_s_client_verifies_the_device_server(pki: Path, namespace: str) -> None:
    build_dir = build_server(pki)
    server = device(namespace, build_dir)
    try:
        assert b"serving port 4433 over TLS" in read_until(server, b"serving port")
        client = in_namespace(namespace, "openssl", "s_client", "-connect",
                              f"{DEVICE_IP}:{PORT}", "-tls1_2", "-CAfile", "ca.pem",
                              "-verify_return_error", "-verify_hostname", "server.test",
                              "-servername", "server.test", "-quiet", cwd=pki)
        assert client.stdin is not None
        client.stdin.write(b"echo me over tls\n")
        client.stdin.flush()
        echoed = read_until(client, b"echo me over tls")
        stop(client)
        output = read_until(server, b"client done")
    finally:
        stop(server)
    assert b"echo me over tls" in echoed, echoed
    assert b"tls_echo_server: client connected" in output
    assert b"tls_echo_server: echoing 17 bytes" in output


@needs_root
def test_the_device_dtls_client_against_s_server_dtls(pki: Path, namespace: str) -> None:
    build_dir = build_client(pki, dtls=True)
    server = s_server(namespace, pki, "server", "-dtls1_2")
    client = device(namespace, build_dir)
    try:
        heard = read_until(server, b"hello from levante")
        assert server.stdin is not None
        server.stdin.write(b"from openssl over dtls\n")
        server.stdin.flush()
        output = read_until(client, b"tls_client: closed")
    finally:
        stop(client, server)
    assert b"hello from levante" in heard, heard
    assert b"over DTLS" in output
    assert b"received 23 bytes: from openssl over dtls" in output, output


@needs_root
def test_s_client_dtls_against_the_device_dtls_server(pki: Path, namespace: str) -> None:
    build_dir = build_server(pki, dtls=True)
    server = device(namespace, build_dir)
    try:
        assert b"over DTLS" in read_until(server, b"serving port")
        client = in_namespace(namespace, "openssl", "s_client", "-dtls1_2", "-connect",
                              f"{DEVICE_IP}:{PORT}", "-CAfile", "ca.pem",
                              "-verify_return_error", "-verify_hostname", "server.test",
                              "-quiet", cwd=pki)
        assert client.stdin is not None
        client.stdin.write(b"datagram echo\n")
        client.stdin.flush()
        echoed = read_until(client, b"datagram echo")
        stop(client)
        output = read_until(server, b"echoing")
    finally:
        stop(server)
    assert b"datagram echo" in echoed, echoed
    assert b"tls_echo_server: echoing 14 bytes" in output


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
@pytest.mark.parametrize("dtls", [False, True], ids=["tls", "dtls"])
def test_the_device_verifies_openssl_s_server_over_ipv6(pki: Path, namespace: str,
                                                        board: str, dtls: bool) -> None:
    build_dir = build_client(pki, board, dtls=dtls, ipv6=True)
    server = s_server(namespace, pki, "server", *(("-dtls1_2",) if dtls else ("-rev",)),
                      family="-6")
    client = device(namespace, build_dir)
    try:
        if dtls:
            heard = read_until(server, b"hello from levante")
            assert server.stdin is not None
            server.stdin.write(b"from openssl over ipv6\n")
            server.stdin.flush()
        output = read_until(client, b"tls_client: closed")
        if not dtls:
            heard = read_until(server, b"CONNECTION CLOSED")
    finally:
        stop(client, server)
    assert f"connecting to {HOST_IP6} port {PORT}".encode() in output, output
    assert b"tls_client: connected, ciphersuite 0x" in output, output
    if dtls:
        assert b"hello from levante" in heard, heard
        assert b"received 23 bytes: from openssl over ipv6" in output, output
    else:
        assert b"received 19 bytes: etnavel morf olleh" in output, output
        assert b"Protocol version: TLSv1.2" in heard


@needs_root
@pytest.mark.parametrize("dtls", [False, True], ids=["tls", "dtls"])
def test_openssl_s_client_verifies_the_device_server_over_ipv6(pki: Path, namespace: str,
                                                               dtls: bool) -> None:
    build_dir = build_server(pki, dtls=dtls, ipv6=True)
    server = device(namespace, build_dir)
    try:
        assert b"and IPv6" in read_until(server, b"serving port")
        protocol = "-dtls1_2" if dtls else "-tls1_2"
        client = in_namespace(namespace, "openssl", "s_client", "-6", protocol, "-connect",
                              f"[{DEVICE_IP6}]:{PORT}", "-CAfile", "ca.pem",
                              "-verify_return_error", "-verify_hostname", "server.test",
                              "-servername", "server.test", "-quiet", cwd=pki)
        assert client.stdin is not None
        client.stdin.write(b"echo me over ipv6\n")
        client.stdin.flush()
        echoed = read_until(client, b"echo me over ipv6")
        stop(client)
        output = read_until(server, b"echoing")
    finally:
        stop(server)
    assert b"echo me over ipv6" in echoed, echoed
    assert b"tls_echo_server: echoing 18 bytes" in output, output
