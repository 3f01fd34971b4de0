"""CoAP codec: header, token, option extensions, payload marker, limits, Block, Observe."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from levante.codecs import coap
from levante.codecs.coap import (
    Block,
    CoapError,
    CoapFormatError,
    CoapLimitError,
    CoapLimits,
    CoapMessage,
    CoapOption,
    CoapOptionValueError,
    CoapTruncatedError,
    CoapVersionError,
    MessageType,
    OptionNumber,
)
from levante.codecs.coap_options import decode_block, decode_observe, encode_block
from levante.codecs.fields import to_json

GET_HELLO = bytes.fromhex("4101beef" "aa" "b5" "68656c6c6f")  # CON GET, token aa, /hello


def test_decodes_header_token_and_uri_path() -> None:
    message = coap.decode(GET_HELLO)
    assert message.type is MessageType.CONFIRMABLE
    assert (message.code, message.message_id, message.token) == (1, 0xBEEF, b"\xaa")
    assert message.options == (CoapOption(OptionNumber.URI_PATH, b"hello"),)
    assert message.uri_path == ["hello"] and message.payload == b""
    assert coap.format_code(0x45) == "2.05"


def test_json_view_is_plain_values() -> None:
    assert to_json(coap.decode(GET_HELLO + b"\xff!")) == {
        "type": "CONFIRMABLE", "code": 1, "message_id": 0xBEEF, "token": "aa",
        "options": [{"number": 11, "value": "68656c6c6f"}], "payload": "21",
    }


@pytest.mark.parametrize(
    ("number", "header"),
    [(12, b"\xc0"), (13, b"\xd0\x00"), (268, b"\xd0\xff"), (269, b"\xe0\x00\x00"),
     (65535, b"\xe0\xfe\xf2")],
)
def test_option_delta_extensions(number: int, header: bytes) -> None:
    raw = bytes.fromhex("40010001") + header
    assert coap.decode(raw).options == (CoapOption(number),)
    assert coap.encode(coap.decode(raw)) == raw


@pytest.mark.parametrize(("length", "header"), [(13, b"\x1d\x00"), (300, b"\x1e\x00\x1f")])
def test_option_length_extensions(length: int, header: bytes) -> None:
    raw = bytes.fromhex("40010001") + header + b"x" * length
    assert coap.decode(raw).options == (CoapOption(1, b"x" * length),)
    assert coap.encode(coap.decode(raw)) == raw


@pytest.mark.parametrize("byte", [0xF0, 0x0F, 0x1F, 0xF1])
def test_nibble_15_outside_the_payload_marker_is_a_format_error(byte: int) -> None:
    with pytest.raises(CoapFormatError, match="reserved"):
        coap.decode(bytes.fromhex("40010001") + bytes((byte,)) + b"\x00" * 4)


# CVE-2020-10063: option deltas that sum past 65535 must not wrap around to small numbers.
@pytest.mark.parametrize(
    "options",
    [
        b"\xe0\xff\xff",  # one delta of 65535 + 269
        b"\xe0\xfd\xdb" b"\xe0\x02\xdb",  # 65256, then +1000
        b"\xe0\xfe\xf2" b"\x10",  # 65535, then +1
    ],
)
def test_cve_2020_10063_option_numbers_never_wrap(options: bytes) -> None:
    with pytest.raises(CoapFormatError, match="exceeds 65535"):
        coap.decode(bytes.fromhex("40010001") + options)


def test_option_length_beyond_the_datagram_is_refused_without_reading() -> None:
    with pytest.raises(CoapTruncatedError, match="claims 65804 bytes"):
        coap.decode(bytes.fromhex("40010001") + b"\x1e\xff\xff" + b"abc")


@pytest.mark.parametrize(
    "raw",
    [b"", b"\x40\x01\x00", bytes.fromhex("42010001aa"), bytes.fromhex("40010001d0"),
     bytes.fromhex("40010001e000")],
)
def test_truncated_messages(raw: bytes) -> None:
    with pytest.raises(CoapTruncatedError):
        coap.decode(raw)


def test_format_errors() -> None:
    with pytest.raises(CoapVersionError):
        coap.decode(bytes.fromhex("80010001"))
    with pytest.raises(CoapFormatError, match="token length 9"):
        coap.decode(bytes.fromhex("49010001") + b"\x00" * 9)
    with pytest.raises(CoapFormatError, match="without a payload"):
        coap.decode(bytes.fromhex("40010001ff"))
    with pytest.raises(CoapFormatError, match="Empty message"):
        coap.decode(bytes.fromhex("40000001ff00"))
    assert coap.decode(bytes.fromhex("70000001")).type is MessageType.RESET


def test_configured_limits() -> None:
    with pytest.raises(CoapLimitError):
        coap.decode(GET_HELLO, CoapLimits(max_message_size=8))
    with pytest.raises(CoapLimitError):
        coap.decode(GET_HELLO, CoapLimits(max_token_length=0))
    many = bytes.fromhex("40010001") + b"\x10" * 5
    assert len(coap.decode(many, CoapLimits(max_options=5)).options) == 5
    with pytest.raises(CoapLimitError):
        coap.decode(many, CoapLimits(max_options=4))


def test_block_values() -> None:
    assert decode_block(b"") == Block(0, False, 0)
    assert decode_block(b"\x5e") == Block(5, True, 6)
    assert decode_block(b"\x5e").size == 1024 and decode_block(b"\x5e").offset == 5120
    assert decode_block(b"\xff\xff\xf6") == Block((1 << 20) - 1, False, 6)
    assert encode_block(Block(5, True, 6)) == b"\x5e"
    with pytest.raises(CoapOptionValueError, match="SZX 7"):
        decode_block(b"\x07")
    with pytest.raises(CoapOptionValueError):
        decode_block(b"\x00\x00\x00\x16")
    with pytest.raises(coap.CoapEncodeError):
        encode_block(Block(1 << 20, False, 0))


def test_block_and_observe_through_the_message() -> None:
    message = CoapMessage(
        MessageType.ACKNOWLEDGEMENT, 0x45, 7, b"t",
        (CoapOption(OptionNumber.OBSERVE, coap.encode_observe(0x123456)),
         CoapOption(OptionNumber.BLOCK2, encode_block(Block(2, True, 2))),
         CoapOption(OptionNumber.BLOCK1, b"\x07")),
        b"data",
    )
    decoded = coap.decode(coap.encode(message))
    assert decoded.observe == 0x123456 and decoded.block2 == Block(2, True, 2)
    with pytest.raises(CoapOptionValueError):
        _ = decoded.block1
    assert decode_observe(b"") == 0
    with pytest.raises(CoapOptionValueError):
        decode_observe(b"\x01\x00\x00\x00")


def test_encode_sorts_options_and_keeps_repeats_in_order() -> None:
    message = CoapMessage(
        MessageType.NON_CONFIRMABLE, 2, 1,
        options=(CoapOption(15, b"q"), CoapOption(11, b"a"), CoapOption(11, b"b")),
    )
    assert coap.decode(coap.encode(message)).options == (
        CoapOption(11, b"a"), CoapOption(11, b"b"), CoapOption(15, b"q"),
    )


@pytest.mark.parametrize(
    "message",
    [CoapMessage(MessageType.CONFIRMABLE, 256, 1), CoapMessage(MessageType.CONFIRMABLE, 1, -1),
     CoapMessage(MessageType.CONFIRMABLE, 1, 1, b"123456789"),
     CoapMessage(MessageType.CONFIRMABLE, 0, 1, b"t"),
     CoapMessage(MessageType.CONFIRMABLE, 1, 1, options=(CoapOption(65536),))],
)
def test_encode_refuses_what_the_wire_cannot_carry(message: CoapMessage) -> None:
    with pytest.raises(coap.CoapEncodeError):
        coap.encode(message)


option_values = st.binary(max_size=300)
coap_messages = st.builds(
    CoapMessage,
    type=st.sampled_from(MessageType),
    code=st.integers(1, 255),
    message_id=st.integers(0, 0xFFFF),
    token=st.binary(max_size=8),
    options=st.lists(st.builds(CoapOption, st.integers(0, 0xFFFF), option_values), max_size=8)
    .map(lambda options: tuple(sorted(options, key=lambda option: option.number))),
    payload=st.binary(max_size=64),
)


@given(coap_messages)
def test_round_trip(message: CoapMessage) -> None:
    raw = coap.encode(message)
    assert coap.decode(raw) == message
    assert coap.encode(coap.decode(raw)) == raw


@settings(max_examples=200)
@given(st.binary(max_size=64) | coap_messages.map(coap.encode).flatmap(
    lambda raw: st.integers(0, len(raw)).map(lambda cut: raw[:cut] + raw[cut + 1 :])))
def test_arbitrary_bytes_decode_or_raise_a_coap_error(raw: bytes) -> None:
    try:
        message = coap.decode(raw)
    except CoapError:
        return
    assert coap.decode(coap.encode(message)) == message
