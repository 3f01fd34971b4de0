"""The session against real OpenSSL (`openssl s_server` and `s_client`, TLS 1.2 and DTLS
1.2) over the host's loopback: the test harness carries the bytes through a host socket."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from openssl_peer import connect_tcp, free_port, openssl, pump, wait_for_line
from tls_material import (
    PSK,
    PSK_ID,
    client_store,
    make_identity,
    psk_store,
    server_store,
    session,
)

from levante.abi import ERRNO
from levante.abi.tls import DtlsRole
from levante.net.tls import SessionState

PSK_OPTIONS = ("-psk", PSK.hex(), "-psk_identity", PSK_ID.decode())
CA = make_identity("Levante Test CA", ca=True)
SERVER_ID = make_identity("server.example", CA)


@pytest.fixture
def pem_files(tmp_path: Path) -> Path:
    (tmp_path / "ca.pem").write_bytes(CA.certificate_pem)
    (tmp_path / "server.pem").write_bytes(SERVER_ID.certificate_pem)
    (tmp_path / "server.key").write_bytes(SERVER_ID.key_pem)
    return tmp_path


def test_tls_psk_client_against_s_server(tmp_path: Path) -> None:
    port = free_port(socket.SOCK_STREAM)
    with openssl("s_server", "-4", "-accept", str(port), "-nocert", *PSK_OPTIONS, "-rev",
                 cwd=tmp_path) as server:
        assert b"ACCEPT" in wait_for_line(server, b"ACCEPT")
        with connect_tcp(port) as transport:
            client = session(DtlsRole.CLIENT, psk_store().resolve(1), False)
            client.start(0)
            pump(client, transport, False, lambda: client.state is SessionState.ESTABLISHED)
            assert client.state is SessionState.ESTABLISHED
            client.send(b"levante\n")
            pump(client, transport, False, lambda: client.readable >= 8)
            assert client.read(100) == b"etnavel\n"  # s_server -rev answers each line reversed


@pytest.mark.parametrize("hostname", ["server.example", "wrong.example"])
def test_tls_certificate_client_against_s_server(pem_files: Path, hostname: str) -> None:
    port = free_port(socket.SOCK_STREAM)
    with openssl("s_server", "-4", "-accept", str(port), "-cert", "server.pem", "-key",
                 "server.key", "-rev", cwd=pem_files) as server:
        wait_for_line(server, b"ACCEPT")
        with connect_tcp(port) as transport:
            client = session(DtlsRole.CLIENT, client_store(CA).resolve(3), False,
                             hostname=hostname)
            client.start(0)
            pump(client, transport, False, lambda: client.state is SessionState.ESTABLISHED)
            if hostname == "server.example":
                assert client.state is SessionState.ESTABLISHED
                client.send(b"abc\n")
                pump(client, transport, False, lambda: client.readable >= 4)
                assert client.read(10) == b"cba\n"
            else:
                assert client.state is SessionState.FAILED
                assert client.error is not None
                assert client.error.errno == ERRNO["ECONNABORTED"]


def test_tls_certificate_server_verified_by_s_client(pem_files: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        with openssl("s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2", "-CAfile",
                     "ca.pem", "-verify_return_error", "-verify_hostname", "server.example",
                     "-servername", "server.example", "-quiet", cwd=pem_files) as client:
            transport, _ = listener.accept()
            with transport:
                server = session(DtlsRole.SERVER, server_store(CA, SERVER_ID).resolve(2),
                                 False)
                pump(server, transport, False,
                     lambda: server.state is SessionState.ESTABLISHED)
                assert server.state is SessionState.ESTABLISHED
                assert client.stdin is not None
                client.stdin.write(b"hello levante\n")
                client.stdin.flush()
                pump(server, transport, False, lambda: server.readable >= 14)
                assert server.read(100) == b"hello levante\n"
                server.send(b"hello openssl\n")
                pump(server, transport, False, lambda: True)
                assert b"hello openssl" in wait_for_line(client, b"hello openssl")


def test_dtls_psk_client_against_s_server(tmp_path: Path) -> None:
    port = free_port(socket.SOCK_DGRAM)
    with openssl("s_server", "-dtls1_2", "-4", "-accept", str(port), "-nocert",
                 *PSK_OPTIONS, cwd=tmp_path) as server:
        wait_for_line(server, b"ACCEPT")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as transport:
            transport.connect(("127.0.0.1", port))
            client = session(DtlsRole.CLIENT, psk_store().resolve(1), True)
            client.start(0)
            pump(client, transport, True, lambda: client.state is SessionState.ESTABLISHED)
            assert client.state is SessionState.ESTABLISHED
            client.send(b"levante over dtls\n")
            pump(client, transport, True, lambda: True)
            assert b"levante over dtls" in wait_for_line(server, b"levante over dtls")
            assert server.stdin is not None
            server.stdin.write(b"from openssl\n")
            server.stdin.flush()
            pump(client, transport, True, lambda: client.readable >= 1)
            assert client.read(100) == b"from openssl\n"


def test_dtls_server_with_cookies_against_s_client(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as transport:
        transport.bind(("127.0.0.1", 0))
        port = transport.getsockname()[1]
        with openssl("s_client", "-dtls1_2", "-connect", f"127.0.0.1:{port}", *PSK_OPTIONS,
                     "-quiet", cwd=tmp_path) as client:
            first, address = transport.recvfrom(65536)
            transport.connect(address)
            server = session(DtlsRole.SERVER, psk_store().resolve(1), True,
                             peer=f"{address[0]}:{address[1]}".encode())
            server.receive(first, 0)
            pump(server, transport, True, lambda: server.state is SessionState.ESTABLISHED)
            assert server.state is SessionState.ESTABLISHED
            assert client.stdin is not None
            client.stdin.write(b"hello dtls\n")
            client.stdin.flush()
            pump(server, transport, True, lambda: server.readable >= 1)
            assert server.read(100) == b"hello dtls\n"
