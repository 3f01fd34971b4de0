"""A CoAP service on the device (tests/target/coap_server: COAP_SERVICE_DEFINE and
COAP_RESOURCE_DEFINE) against real clients on the host, through `--net user` and
`--forward udp:`: aiocoap and libcoap's coap-client use GET, PUT, POST and DELETE,
observe (RFC 7641), Block2 and Block1 (RFC 7959) and /.well-known/core; hostile
datagrams (the CVE-2020-10063 option overflow, a Block option with SZX 7, an unknown
critical option, a bad version) are answered 4.02 / 4.00 / RST or dropped and the device
stays up; a user-mode thread answers on its own socket; the trace shows every request
at the control point."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import aiocoap
import pytest
from aiocoap import Code, Message
from aiocoap.optiontypes import BlockOption
from coap_device import Device, ask, start_device, wait_until_answering

from conftest import TARGET_TESTS, Builder
from levante.codecs.coap import MessageType, decode

APP = TARGET_TESTS / "coap_server"
SERVICE, USER = 5683, 5684
COAP_CLIENT = shutil.which("coap-client-notls")


@pytest.fixture(scope="module", params=["lv_m4", "lv_m33"])
def device(request: pytest.FixtureRequest, builder: Builder,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Device]:
    build_dir = builder.build(APP, board=request.param)
    trace = tmp_path_factory.mktemp("coap") / "trace.jsonl"
    running = start_device(build_dir, (SERVICE, USER), trace)
    try:
        wait_until_answering(running, SERVICE)
        yield running
    finally:
        running.stop()


def uri(device: Device, path: str, port: int = SERVICE) -> str:
    return f"coap://127.0.0.1:{device.ports[port]}{path}"


def test_aiocoap_uses_every_method(device: Device) -> None:
    got, changed, again, made, deleted, after = ask(
        Message(code=Code.GET, uri=uri(device, "/test")),
        Message(code=Code.PUT, uri=uri(device, "/test"), payload=b"from aiocoap"),
        Message(code=Code.GET, uri=uri(device, "/test")),
        Message(code=Code.POST, uri=uri(device, "/test"), payload=b"x"),
        Message(code=Code.DELETE, uri=uri(device, "/test")),
        Message(code=Code.GET, uri=uri(device, "/test")))
    assert (got.code, got.payload) == (Code.CONTENT, b"hello")
    assert changed.code == Code.CHANGED
    assert again.payload == b"from aiocoap"
    assert (made.code, made.payload) == (Code.CREATED, b"made")
    assert deleted.code == Code.DELETED
    assert (after.code, after.payload) == (Code.CONTENT, b"")
    missing, not_allowed = ask(Message(code=Code.GET, uri=uri(device, "/nothing")),
                               Message(code=Code.DELETE, uri=uri(device, "/large")))
    assert missing.code == Code.NOT_FOUND
    assert not_allowed.code == Code.METHOD_NOT_ALLOWED


def test_aiocoap_block_wise_both_ways(device: Device) -> None:
    body = bytes(ord("a") + i % 26 for i in range(600))
    (large,) = ask(Message(code=Code.GET, uri=uri(device, "/large")))
    assert (large.code, large.payload) == (Code.CONTENT, body)
    # aiocoap 0.4.17 does not act on a 4.13's Block1 size (RFC 7959 §2.9.3): the
    # request's own Block1 option (deprecated there, still honoured) sets 64 bytes.
    upload = bytes(range(256)) + bytes(range(200))
    message = Message(code=Code.PUT, uri=uri(device, "/upload"), payload=upload)
    message.opt.block1 = BlockOption.BlockwiseTuple(0, False, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        (stored,) = ask(message)
    assert stored.code == Code.CHANGED


def test_a_request_too_large_is_answered_4_13_with_the_block_size_that_fits(
        device: Device) -> None:
    request = bytes((0x42, 0x03, 0x00, 0x21, 0x01, 0x02, 0xB6)) + b"upload" + b"\xff" + \
        bytes(300)
    answer = _exchange(device, request)
    assert answer is not None
    message = decode(answer)
    assert (message.code, message.message_id, message.token) == (0x8D, 0x21, b"\x01\x02")
    assert message.block1 is not None and message.block1.size == 128


async def _observe(target: str, count: int) -> list[bytes]:
    context = await aiocoap.Context.create_client_context()
    try:
        request = context.request(Message(code=Code.GET, uri=target, observe=0))
        first = await request.response
        seen = [first.payload]
        async for notification in request.observation:
            seen.append(notification.payload)
            if len(seen) == count:
                request.observation.cancel()
                break
        return seen
    finally:
        await context.shutdown()


def test_aiocoap_observes(device: Device) -> None:
    seen = asyncio.run(_observe(uri(device, "/obs"), 4))
    counts = [int(payload.split()[1]) for payload in seen]
    assert counts == sorted(counts) and len(set(counts)) == 4


def test_well_known_core_lists_the_resources(device: Device) -> None:
    (links,) = ask(Message(code=Code.GET, uri=uri(device, "/.well-known/core")))
    assert links.payload == b"</large>,</obs>,</test>,</upload>"


def test_a_user_mode_thread_answers_through_the_kernel_parse(device: Device) -> None:
    (answer,) = ask(Message(code=Code.GET, uri=uri(device, "/anything", USER)))
    assert (answer.code, answer.payload) == (Code.CONTENT, b"user")
    # The option overflow reaches the user thread only as the kernel's -EILSEQ.
    overflow = bytes((0x41, 0x01, 0x00, 0x09, 0x5A, 0xE0, 0xFE, 0xF0, 0xE0, 0xFE, 0xF0))
    assert _exchange(device, overflow, USER) is None
    (again,) = ask(Message(code=Code.GET, uri=uri(device, "/anything", USER)))
    assert again.payload == b"user"


def _exchange(device: Device, datagram: bytes, port: int = SERVICE) -> bytes | None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2.0)
    try:
        sock.sendto(datagram, ("127.0.0.1", device.ports[port]))
        return sock.recv(2048)
    except TimeoutError:
        return None
    finally:
        sock.close()


@pytest.mark.parametrize(("datagram", "code"), [
    # CVE-2020-10063's class: two option deltas that sum past 65535.
    (bytes((0x41, 0x01, 0x00, 0x09, 0x5A, 0xE0, 0xFE, 0xF0, 0xE0, 0xFE, 0xF0)), 0x82),
    # Block2 with the reserved SZX 7; Block1 longer than 3 bytes.
    (bytes((0x41, 0x01, 0x00, 0x0A, 0x5B, 0xD1, 0x0A, 0x07)), 0x82),
    (bytes((0x41, 0x03, 0x00, 0x0B, 0x5C, 0xD4, 0x0E, 1, 2, 3, 4)), 0x82),
    # An option claiming more bytes than are there; a bare payload marker.
    (bytes((0x41, 0x01, 0x00, 0x0C, 0x5D, 0xBD, 0xF0, 0x61)), 0x82),
    (bytes((0x41, 0x01, 0x00, 0x0D, 0x5E, 0xFF)), 0x82),
    # Uri-Path "test" then option 2043 (critical, unknown): RFC 7252 §5.4.1.
    (bytes((0x41, 0x01, 0x00, 0x0E, 0x5F, 0xB4)) + b"test" + bytes((0xE0, 0x06, 0xE3)), 0x82),
    # Proxy-Uri: this server is no forward-proxy (5.05, RFC 7252 §5.7.2).
    (bytes((0x41, 0x01, 0x00, 0x10, 0x61, 0xD9, 0x16)) + b"coap://x/", 0xA5),
    # More options than the kernel indexes.
    (bytes((0x41, 0x01, 0x00, 0x0F, 0x60)) + bytes(17), 0x80),
])
def test_hostile_requests_are_answered_with_an_error(device: Device, datagram: bytes,
                                                     code: int) -> None:
    answer = _exchange(device, datagram)
    assert answer is not None
    message = decode(answer)
    assert message.type == MessageType.ACKNOWLEDGEMENT
    assert (message.code, message.message_id, message.token) == \
        (code, int.from_bytes(datagram[2:4], "big"), datagram[4:5])


def test_unanswerable_bytes_are_dropped_and_a_ping_gets_a_reset(device: Device) -> None:
    assert _exchange(device, bytes((0x81, 0x01, 0x00, 0x01))) is None  # version 2
    assert _exchange(device, bytes((0x49, 0x01, 0x00, 0x02)) + bytes(9)) is None  # TKL 9
    assert _exchange(device, b"\x40\x01") is None  # shorter than a header
    reset = _exchange(device, bytes((0x40, 0x00, 0x77, 0x77)))
    assert reset is not None and decode(reset).type == MessageType.RESET
    (still,) = ask(Message(code=Code.GET, uri=uri(device, "/large")))
    assert still.code == Code.CONTENT


@pytest.mark.skipif(COAP_CLIENT is None, reason="libcoap3-bin (coap-client) not installed")
def test_libcoap_client(device: Device, tmp_path: Path) -> None:
    assert COAP_CLIENT is not None

    def coap_client(*arguments: str) -> str:
        result = subprocess.run([COAP_CLIENT, "-B", "20", *arguments], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert coap_client("-m", "put", "-e", "from libcoap", uri(device, "/test")) == ""
    assert coap_client("-m", "get", uri(device, "/test")).strip() == "from libcoap"
    assert coap_client("-m", "get", uri(device, "/large")).strip() == \
        "".join(chr(ord("a") + i % 26) for i in range(600))
    upload = tmp_path / "upload.bin"
    upload.write_bytes(b"L" * 300)
    coap_client("-b", "64", "-m", "put", "-f", str(upload), uri(device, "/upload"))
    counts = coap_client("-s", "3", uri(device, "/obs"))
    assert counts.count("count") >= 2


def test_every_request_passed_the_control_point(device: Device) -> None:
    """The trace, once the device stops: this test's own requests (whatever ran before
    on the same device) each passed the control point with the gateway as the peer."""
    upload = Message(code=Code.PUT, uri=uri(device, "/upload"), payload=b"u" * 100)
    upload.opt.block1 = BlockOption.BlockwiseTuple(0, False, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ask(Message(code=Code.PUT, uri=uri(device, "/test"), payload=b"traced"),
            Message(code=Code.GET, uri=uri(device, "/test")),
            Message(code=Code.POST, uri=uri(device, "/test"), payload=b"x"),
            Message(code=Code.DELETE, uri=uri(device, "/test")),
            Message(code=Code.GET, uri=uri(device, "/large")), upload,
            Message(code=Code.GET, uri=uri(device, "/anything", USER)))
    overflow = bytes((0x41, 0x01, 0x00, 0x09, 0x5A, 0xE0, 0xFE, 0xF0, 0xE0, 0xFE, 0xF0))
    assert _exchange(device, overflow, USER) is None
    assert _exchange(device, overflow) is not None
    device.stop()
    assert "PUT /test: traced" in device.output
    assert "PUT /upload: 100 bytes" in device.output
    assert "user server: refused -138" in device.output  # the device's EILSEQ
    messages = [event for event in device.events if event["event"] == "service_message"]
    assert {event["thread"] for event in messages} == {"coap_server_id", "coap_user"}
    assert all(event["service"] == "coap" and event["verdict"] == "allow"
               and str(event["peer"]).startswith("192.0.2.2:") for event in messages)
    paths = {(event["action"], event["fields"]["path"])  # type: ignore[index]
             for event in messages if event["action"] != "empty"}
    assert {("GET", "/test"), ("PUT", "/test"), ("POST", "/test"), ("DELETE", "/test"),
            ("GET", "/large"), ("PUT", "/upload"), ("GET", "/anything")} <= paths
    refused = [event for event in device.events if event["event"] == "coap_refused"]
    assert {event["thread"] for event in refused} >= {"coap_server_id", "coap_user"}


COAP_CLIENT_DTLS = shutil.which("coap-client-openssl")
SECURE = 5686


@pytest.mark.skipif(COAP_CLIENT_DTLS is None, reason="libcoap3-bin (coap-client) not installed")
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_service_over_dtls_with_libcoap(board: str, builder: Builder,
                                          tmp_path: Path) -> None:
    """COAPS_SERVICE_DEFINE (overlay-dtls.conf): a PSK service answers libcoap's
    OpenSSL client over DTLS 1.2; a client with the wrong key gets nothing and leaves
    the service serving the next one; the plain service runs beside it."""
    assert COAP_CLIENT_DTLS is not None
    build_dir = builder.build(APP, board, ("overlay-dtls.conf",))
    device = start_device(build_dir, (SERVICE, SECURE), tmp_path / "trace.jsonl")

    def coaps(key: str) -> subprocess.CompletedProcess[str]:
        assert COAP_CLIENT_DTLS is not None
        return subprocess.run(
            [COAP_CLIENT_DTLS, "-B", "20", "-u", "levante-client", "-k", key, "-m", "get",
             f"coaps://127.0.0.1:{device.ports[SECURE]}/secure"],
            capture_output=True, text=True, timeout=60)

    try:
        wait_until_answering(device, SERVICE)
        assert device.wait_for("coaps start: 0")
        assert coaps("levante-coap-psk").stdout.strip() == "over dtls"
        refused = coaps("not-the-key")
        said = refused.stdout + refused.stderr  # libcoap logs on either
        assert "bad record mac" in said and "over dtls" not in said
        assert coaps("levante-coap-psk").stdout.strip() == "over dtls"
        (plain,) = ask(Message(code=Code.GET, uri=uri(device, "/test")))
        assert plain.code == Code.CONTENT
    finally:
        device.stop()
    secure = [event for event in device.events if event["event"] == "service_message"
              and event["fields"].get("path") == "/secure"]  # type: ignore[attr-defined]
    assert len(secure) == 2 and all(event["verdict"] == "allow" for event in secure)
