"""The kernel's CoAP parse (kernel/syscalls/coap_calls.py): the option index it writes
for coap_packet_parse, and the errno and header-only index of each refusal."""

from __future__ import annotations

from levante.abi import ERRNO
from levante.codecs.coap import CoapMessage, CoapOption, MessageType, encode
from levante.kernel.syscalls.coap_calls import PARSED_HEAD, PARSED_OPTION, PARSED_SIZE, parse


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
