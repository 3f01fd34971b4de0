"""coap_handle_request and a block-wise /.well-known/core (tests/target/coap_handle_request)
against aiocoap through `--net user`: an application's own socket loop dispatches parsed
requests to its array of resources (every method; 4.04 and 4.05 for what the dispatch
returns -ENOENT, -EPERM and, for a code no method has, -ENOTSUP), and a service with 24 resources
serves a /.well-known/core listing several times larger than one message in 64-byte
Block2 blocks (CONFIG_COAP_WELL_KNOWN_BLOCK_WISE), which aiocoap fetches whole."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiocoap import Code, Message
from coap_device import Device, ask, start_device, wait_until_answering

from conftest import TARGET_TESTS, Builder
from levante.abi import ERRNO
from levante.codecs.coap import CoapMessage, CoapOption, MessageType, decode, encode
from levante.codecs.coap_options import Block, OptionNumber, encode_block

APP = TARGET_TESTS / "coap_handle_request"
OWN, SERVICE = 5683, 5685
BLOCK = 64  # CONFIG_COAP_WELL_KNOWN_BLOCK_WISE_SIZE in the application's prj.conf
MESSAGE_SIZE = 256  # CONFIG_COAP_SERVER_MESSAGE_SIZE

# The listings as RFC 6690 writes the resources the application defines.
OWN_LINKS = (b'</test>;rt="store";title="the text PUT stores",'
             b'</ro>;rt="constant"')
SENSORS = range(10, 34)


def sensor_links(numbers: range) -> bytes:
    """Sensors 10 to 21 measure temperature, 22 to 33 humidity."""
    return b",".join(
        f'</sensor/{n}>;rt="{"temperature" if n < 22 else "humidity"}";if="sensor"'.encode()
        for n in numbers)


@pytest.fixture(scope="module")
def device(builder: Builder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Device]:
    build_dir = builder.build(APP)
    trace = tmp_path_factory.mktemp("coap_handle") / "trace.jsonl"
    running = start_device(build_dir, (OWN, SERVICE), trace)
    try:
        wait_until_answering(running, SERVICE)
        wait_until_answering(running, OWN)
        yield running
    finally:
        running.stop()


def uri(device: Device, path: str, port: int = OWN) -> str:
    return f"coap://127.0.0.1:{device.ports[port]}{path}"


def exchange(device: Device, datagram: bytes, port: int) -> bytes:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5.0)
    try:
        sock.sendto(datagram, ("127.0.0.1", device.ports[port]))
        return sock.recv(2048)
    finally:
        sock.close()


def request_bytes(mid: int, path: tuple[str, ...], code: int = 0x01,
                  block: tuple[int, int] | None = None) -> bytes:
    """A CON request (GET unless `code` says) for `path`, Block2 (number, szx) if given."""
    options = [CoapOption(OptionNumber.URI_PATH, part.encode()) for part in path]
    if block is not None:
        options.append(CoapOption(OptionNumber.BLOCK2, encode_block(
            Block(block[0], False, block[1]))))
    return encode(CoapMessage(MessageType.CONFIRMABLE, code, mid, bytes((mid & 0xFF,)),
                              tuple(options)))


def well_known(mid: int, block: tuple[int, int] | None = None) -> bytes:
    return request_bytes(mid, (".well-known", "core"), block=block)


def test_own_loop_dispatches_every_method(device: Device) -> None:
    got, changed, again, made, deleted, after = ask(
        Message(code=Code.GET, uri=uri(device, "/test")),
        Message(code=Code.PUT, uri=uri(device, "/test"), payload=b"own loop"),
        Message(code=Code.GET, uri=uri(device, "/test")),
        Message(code=Code.POST, uri=uri(device, "/test"), payload=b"x"),
        Message(code=Code.DELETE, uri=uri(device, "/test")),
        Message(code=Code.GET, uri=uri(device, "/test")))
    assert (got.code, got.payload) == (Code.CONTENT, b"hello")
    assert changed.code == Code.CHANGED
    assert (again.code, again.payload) == (Code.CONTENT, b"own loop")
    assert (made.code, made.payload) == (Code.CREATED, b"made")
    assert deleted.code == Code.DELETED
    assert (after.code, after.payload) == (Code.CONTENT, b"")


def test_own_loop_answers_what_the_dispatch_leaves_to_it(device: Device) -> None:
    missing, longer, not_allowed, fixed = ask(
        Message(code=Code.GET, uri=uri(device, "/nothing")),
        Message(code=Code.GET, uri=uri(device, "/test/more")),
        Message(code=Code.PUT, uri=uri(device, "/ro"), payload=b"no"),
        Message(code=Code.GET, uri=uri(device, "/ro")))
    assert missing.code == Code.NOT_FOUND
    assert longer.code == Code.NOT_FOUND
    assert not_allowed.code == Code.METHOD_NOT_ALLOWED
    assert (fixed.code, fixed.payload) == (Code.CONTENT, b"fixed")
    # 0.08 is no method (RFC 7252 §12.1.1): the dispatch says -ENOTSUP, answered 4.05.
    answer = decode(exchange(device, request_bytes(0x77, ("test",), code=0x08), OWN))
    assert (answer.code, answer.message_id, answer.token) == (0x85, 0x77, b"\x77")
    handled = f"own: handled -{ERRNO['ENOTSUP']}"
    assert handled in "".join(device.lines)
    # A response is no request: -ENOTSUP too, and the loop goes on serving.
    before = sum(handled in line for line in list(device.lines))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.sendto(encode(CoapMessage(MessageType.NON_CONFIRMABLE, 0x45, 0x78, b"\x78")),
                    ("127.0.0.1", device.ports[OWN]))
    finally:
        sock.close()
    (after,) = ask(Message(code=Code.GET, uri=uri(device, "/ro")))
    assert after.payload == b"fixed"
    assert sum(handled in line for line in list(device.lines)) == before + 1


def test_own_loop_well_known_core_comes_whole_through_blocks(device: Device) -> None:
    assert len(OWN_LINKS) > BLOCK
    (links,) = ask(Message(code=Code.GET, uri=uri(device, "/.well-known/core")))
    assert (links.code, links.payload) == (Code.CONTENT, OWN_LINKS)
    first = decode(exchange(device, well_known(0x100), OWN))
    assert first.block2 is not None and (first.block2.number, first.block2.more) == (0, True)
    assert first.payload == OWN_LINKS[:BLOCK]


def test_service_well_known_core_is_served_block_wise(device: Device) -> None:
    expected = sensor_links(SENSORS)
    assert len(expected) > 3 * MESSAGE_SIZE
    (links,) = ask(Message(code=Code.GET, uri=uri(device, "/.well-known/core", SERVICE)))
    assert (links.code, links.payload) == (Code.CONTENT, expected)
    assert links.opt.content_format == 40


def test_service_blocks_follow_rfc_7959(device: Device) -> None:
    expected = sensor_links(SENSORS)
    # No Block2 in the request: block 0 of the configured size, more to come.
    first = decode(exchange(device, well_known(0x201), SERVICE))
    assert (first.code, first.message_id) == (0x45, 0x201)
    assert first.block2 is not None
    assert (first.block2.number, first.block2.more, first.block2.size) == (0, True, BLOCK)
    assert first.payload == expected[:BLOCK]
    # A smaller size asked for is taken: block 3 of 32 bytes.
    small = decode(exchange(device, well_known(0x202, (3, 1)), SERVICE))
    assert small.block2 is not None
    assert (small.block2.number, small.block2.size) == (3, 32)
    assert small.payload == expected[96:128]
    # A larger one is not: 1024 asked, 64 given (RFC 7959 §2.4).
    large = decode(exchange(device, well_known(0x203, (0, 6)), SERVICE))
    assert large.block2 is not None and large.block2.size == BLOCK
    assert large.payload == expected[:BLOCK]
    # The last block says no more; one past the end is 4.02.
    last_number = (len(expected) - 1) // BLOCK
    last = decode(exchange(device, well_known(0x204, (last_number, 2)), SERVICE))
    assert last.block2 is not None and not last.block2.more
    assert last.payload == expected[last_number * BLOCK:]
    past = decode(exchange(device, well_known(0x205, (last_number + 1, 2)), SERVICE))
    assert past.code == 0x82


def test_service_filters_then_blocks(device: Device) -> None:
    expected = sensor_links(range(22, 34))
    assert len(expected) > MESSAGE_SIZE
    links, none, long_query = ask(*(
        Message(code=Code.GET, uri=uri(device, f"/.well-known/core?{query}", SERVICE))
        for query in ("rt=humidity", "rt=pressure", "href=/sensor/2*")))
    assert (links.code, links.payload) == (Code.CONTENT, expected)
    assert (none.code, none.payload) == (Code.CONTENT, b"")
    # A query longer than struct coap_option's 12 bytes is refused (docs/iot.md): 4.02.
    assert long_query.code == Code.BAD_OPTION


def test_service_dispatches_through_the_same_mechanism(device: Device) -> None:
    got, missing, not_allowed = ask(
        Message(code=Code.GET, uri=uri(device, "/sensor/17", SERVICE)),
        Message(code=Code.GET, uri=uri(device, "/sensor/99", SERVICE)),
        Message(code=Code.DELETE, uri=uri(device, "/sensor/17", SERVICE)))
    assert (got.code, got.payload) == (Code.CONTENT, b"sensor 17")
    assert missing.code == Code.NOT_FOUND
    assert not_allowed.code == Code.METHOD_NOT_ALLOWED
