"""The CoAP client over DTLS 1.2 (tests/target/coap_client_dtls: its own connected DTLS
socket with a pre-shared key, a NULL address to coap_client_req, as Zephyr documents)
against libcoap's OpenSSL DTLS server on the host (Debian's libcoap3-bin
`coap-server-openssl`): a PUT, the GET that reads it back and /.well-known/core; with
the wrong key the handshake fails and no request goes out."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from coap_device import free_udp_port, start_device

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "coap_client_dtls"
SERVER = shutil.which("coap-server-openssl")
KEY = "levante-coap-psk"  # the device's (src/main.c)


def _dtls_server(key: str) -> tuple[subprocess.Popen[bytes], int]:
    """libcoap's server with PSK `key`; it serves DTLS on its UDP port + 1."""
    while True:
        port = free_udp_port()
        server = subprocess.Popen([str(SERVER), "-A", "127.0.0.1", "-p", str(port), "-k", key],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            server.wait(0.5)  # it stopped: a port was taken
        except subprocess.TimeoutExpired:
            return server, port + 1


@pytest.fixture
def dtls_server(request: pytest.FixtureRequest) -> Iterator[int]:
    server, port = _dtls_server(str(request.param))
    try:
        yield port
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.skipif(SERVER is None, reason="libcoap3-bin (coap-server-openssl) not installed")
@pytest.mark.parametrize("dtls_server", [KEY], indirect=True)
def test_the_client_over_dtls_against_libcoap(dtls_server: int, builder: Builder,
                                              tmp_path: Path) -> None:
    device = start_device(builder.build(APP), (), tmp_path / "trace.jsonl",
                          console=f"{dtls_server}\n")
    assert device.wait_for("client done", 180), device.lines
    device.stop()
    lines = device.output.splitlines()
    assert lines[lines.index("handshake done"):][:7] == [
        "handshake done",
        "put: code 65 len 0 last",  # 2.01 Created: the first value a fresh server gets
        "get: code 69 len 12 last",  # 2.05 Content
        "example_data is from levante",
        "core: code 69 len 151 last",
        "core lists time: yes",
        "client done",
    ]


@pytest.mark.skipif(SERVER is None, reason="libcoap3-bin (coap-server-openssl) not installed")
@pytest.mark.parametrize("dtls_server", ["another-key"], indirect=True)
def test_the_wrong_key_gets_no_session(dtls_server: int, builder: Builder,
                                       tmp_path: Path) -> None:
    device = start_device(builder.build(APP), (), tmp_path / "trace.jsonl",
                          console=f"{dtls_server}\n")
    assert device.wait_for("setup failed", 180), device.lines
    device.stop()
    assert "handshake done" not in device.output
