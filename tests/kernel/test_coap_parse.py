"""The kernel's CoAP parse (kernel/syscalls/coap_calls.py): the option index it writes
for coap_packet_parse, the errno and header-only index of each refusal, and the receive
path: the control point's verdict with the peer the kernel saw, a refusal as -EACCES."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from levante.abi import ERRNO
from levante.codecs.coap import CoapMessage, CoapOption, MessageType, encode
from levante.kernel.objects.socket_transport import AF_INET, Received, SocketAddress
from levante.kernel.service_control import ServiceMessage
from levante.kernel.syscalls.coap_calls import (
    PARSED_HEAD,
    PARSED_OPTION,
    PARSED_SIZE,
    ROLE_REQUEST,
    ROLE_RESPONSE,
    coap_recv,
    parse,
)


def _index(record: bytes) -> tuple[tuple[int, ...], list[tuple[int, ...]]]:
    head = PARSED_HEAD.unpack_from(record)
    options = [PARSED_OPTION.unpack_from(record, PARSED_HEAD.size + i * PARSED_OPTION.size)
               for i in range(head[2])]
    return head, options


def test_a_well_formed_message_is_indexed() -> None:
    data = encode(CoapMessage(MessageType.CONFIRMABLE, 1, 0x1234, b"\xaa\xbb", (
        CoapOption(11, b"sensors"), CoapOption(11, b"t"), CoapOption(23, b"\x32")), b"hi"))
    outcome = parse(data)
    assert outcome.result == 0
    assert len(outcome.record) == PARSED_SIZE - 13 * PARSED_OPTION.size
    head, options = _index(outcome.record)
    assert head == (len(data), 6, 3, len(data) - 6 - 3, len(data) - 2)
    assert [(number, data[offset:offset + length]) for number, offset, length in options] \
        == [(11, b"sensors"), (11, b"t"), (23, b"\x32")]


def test_cve_2020_10063_delta_overflow_is_refused_with_the_header_indexed() -> None:
    # Two options of delta 65535 + ... : the number passes 65535.
    data = bytes((0x41, 0x01, 0x00, 0x09, 0x5A, 0xE0, 0xFE, 0xF0, 0xE0, 0xFE, 0xF0))
    outcome = parse(data)
    assert outcome.result == -ERRNO["EILSEQ"]
    assert outcome.message is None
    assert _index(outcome.record)[0] == (len(data), 5, 0, 0, len(data))


def test_refusals_and_their_errnos() -> None:
    assert parse(b"\x80\x01\x00\x01").result == -ERRNO["EBADMSG"]  # version 2
    assert parse(b"\x49\x01\x00\x01" + bytes(9)).result == -ERRNO["EBADMSG"]  # TKL 9
    assert parse(b"\x44\x01\x00\x01\x01").result == -ERRNO["EBADMSG"]  # token cut short
    assert _index(parse(b"\x80\x01\x00\x01").record)[0][1] == 0  # nothing to answer
    assert parse(b"\x40\x01\x00\x01\xff").result == -ERRNO["EILSEQ"]  # bare marker
    assert parse(b"\x40\x01\x00\x01\xd1\x0a\x07").result == -ERRNO["EILSEQ"]  # SZX 7
    assert parse(b"\x40\x01\x00\x01" + bytes(17)).result == -ERRNO["E2BIG"]
    assert parse(b"\x40\x01\x00\x01" + bytes(16)).result == 0


# ---- z_levante_coap_recv's perform stage, on stand-ins for the socket and the kernel ----

class Buffer:
    """A user buffer's stand-in: what the kernel wrote."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.written = b""

    def write(self, data: bytes) -> None:
        assert len(data) <= self.size
        self.written = data


class Transport:
    def __init__(self, datagram: bytes | None) -> None:
        self.datagram = datagram

    def receive(self, limit: int, peek: bool) -> Received | None:
        if self.datagram is None:
            return None
        data, self.datagram = self.datagram, None
        return Received(data[:limit], len(data), SocketAddress(AF_INET, bytes((192, 0, 2, 2)),
                                                                5683))


class RefusePath:
    def judge(self, thread: str, peer: str, message: ServiceMessage) -> int | None:
        return -ERRNO["EPERM"] if message.fields.get("path") == "/secret" else None


class Kernel:
    def __init__(self, policy: RefusePath | None = None) -> None:
        self.service_policy = policy
        self.events: list[dict[str, object]] = []

    def trace(self, event: str, **fields: object) -> None:
        self.events.append({"event": event, **fields})


def _recv(kernel: Kernel, datagram: bytes | None, role: int = ROLE_REQUEST,
          size: int = 256) -> tuple[int, Buffer, Buffer]:
    sock = SimpleNamespace(transport=Transport(datagram))
    caller = SimpleNamespace(thread=SimpleNamespace(name="coap_server"))
    destination, index = Buffer(size), Buffer(PARSED_SIZE)
    result = cast(int, coap_recv(cast(Any, kernel), cast(Any, caller), cast(Any, sock),
                                 cast(Any, destination), None, cast(Any, index), role))
    return result, destination, index


def _get(path: str) -> bytes:
    return encode(CoapMessage(MessageType.CONFIRMABLE, 1, 0x0101, b"\x07",
                              (CoapOption(11, path.encode()),)))


def test_a_request_passes_the_control_point_with_its_peer_and_path() -> None:
    kernel = Kernel()
    result, destination, index = _recv(kernel, _get("sensors"))
    assert result == len(_get("sensors")) and destination.written == _get("sensors")
    assert _index(index.written)[0][2] == 1
    assert kernel.events == [{
        "event": "service_message", "thread": "coap_server", "peer": "192.0.2.2:5683",
        "service": "coap", "action": "GET", "verdict": "allow",
        "fields": {"type": "CONFIRMABLE", "message_id": 0x0101, "token": "07",
                   "code": "0.01", "path": "/sensors", "query": []}}]


def test_a_refused_request_is_eacces_with_its_header_indexed() -> None:
    kernel = Kernel(RefusePath())
    result, _, index = _recv(kernel, _get("secret"))
    assert result == -ERRNO["EACCES"]
    assert _index(index.written)[0][1] == 5  # a server can answer 4.03
    assert kernel.events[0]["verdict"] == "deny"
    assert _recv(kernel, _get("open"))[0] > 0


def test_a_response_is_judged_as_one() -> None:
    kernel = Kernel()
    answer = encode(CoapMessage(MessageType.ACKNOWLEDGEMENT, 0x45, 9, b"\x01", (), b"x"))
    assert _recv(kernel, answer, ROLE_RESPONSE)[0] == len(answer)
    assert kernel.events[0]["action"] == "response"
    assert kernel.events[0]["fields"]["code"] == "2.05"  # type: ignore[index]


def test_malformed_truncated_and_absent_datagrams() -> None:
    kernel = Kernel()
    overflow = bytes((0x41, 0x01, 0x00, 0x09, 0x5A, 0xE0, 0xFE, 0xF0, 0xE0, 0xFE, 0xF0))
    assert _recv(kernel, overflow)[0] == -ERRNO["EILSEQ"]
    assert kernel.events == [{"event": "coap_refused", "thread": "coap_server",
                              "peer": "192.0.2.2:5683", "errno": ERRNO["EILSEQ"]}]
    result, _, index = _recv(kernel, _get("x") + b"\xff" + bytes(300))
    assert result == -ERRNO["EMSGSIZE"]
    assert _index(index.written)[0][1] == 5  # a server can answer 4.13
    assert _recv(kernel, None)[0] == -ERRNO["EAGAIN"]
