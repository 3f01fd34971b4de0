"""CoAP interop with aiocoap: its encodings decode right here, and ours decode right there."""

from __future__ import annotations

import warnings

import pytest
from aiocoap import Message  # type: ignore[import-untyped]
from aiocoap.numbers import Code, ContentFormat, Type  # type: ignore[import-untyped]
from aiocoap.optiontypes import BlockOption  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from levante.codecs import coap
from levante.codecs.coap import CoapMessage, CoapOption, MessageType, OptionNumber
from levante.codecs.coap_options import Block


def aiocoap_message(**fields: object) -> Message:
    message_fields = {key: fields.pop(key) for key in ("mid", "mtype", "token") if key in fields}
    message = Message(**fields)
    for key, value in message_fields.items():
        setattr(message, key, value)
    return message


def observed_get() -> Message:
    message = aiocoap_message(
        code=Code.GET, mtype=Type.CON, mid=0x1234, token=b"\x01\x02\x03",
        uri="coap://sensor.local:5684/a/rather-long-path-segment/temperature?unit=C&x=1",
        observe=0,
    )
    message.opt.block2 = BlockOption.BlockwiseTuple(3, False, 6)
    return message


def block1_put() -> Message:
    message = aiocoap_message(
        code=Code.PUT, mtype=Type.NON, mid=7, token=b"\xff" * 8, payload=b"x" * 512,
        uri="coap://[::1]/firmware",
    )
    message.opt.block1 = BlockOption.BlockwiseTuple(70000, True, 5)
    message.opt.content_format = ContentFormat.OCTETSTREAM
    message.opt.size1 = 1 << 20
    return message


def notification() -> Message:
    message = aiocoap_message(
        code=Code.CONTENT, mtype=Type.ACK, mid=0xFFFF, token=b"\x01\x02\x03",
        payload=b'{"t": 21.5}', observe=0x10203,
    )
    message.opt.etag = b"\xde\xad\xbe\xef"
    message.opt.max_age = 3600
    message.opt.content_format = ContentFormat.JSON
    return message


def empty_reset() -> Message:
    return aiocoap_message(code=Code.EMPTY, mtype=Type.RST, mid=42)


MESSAGES = [observed_get, block1_put, notification, empty_reset]


def assert_same(ours: CoapMessage, theirs: Message) -> None:
    assert int(ours.type) == int(theirs.mtype)
    assert ours.code == int(theirs.code)
    assert ours.message_id == theirs.mid
    assert ours.token == theirs.token
    assert ours.payload == theirs.payload
    assert [(option.number, option.value) for option in ours.options] == [
        (int(option.number), option.encode()) for option in theirs.opt.option_list()
    ]


@pytest.mark.parametrize("build", MESSAGES, ids=lambda build: build.__name__)
def test_aiocoap_encodings_decode_here(build: type[Message]) -> None:
    theirs = build()
    raw = theirs.encode()
    ours = coap.decode(raw)
    assert_same(ours, theirs)
    assert coap.encode(ours) == raw


def test_aiocoap_block_and_observe_values_read_the_same() -> None:
    get = coap.decode(observed_get().encode())
    assert get.observe == 0 and get.block2 == Block(3, False, 6)
    put = coap.decode(block1_put().encode())
    assert put.block1 == Block(70000, True, 5)
    assert coap.decode(notification().encode()).observe == 0x10203


def test_our_encoding_decodes_in_aiocoap() -> None:
    ours = CoapMessage(
        MessageType.CONFIRMABLE, 0x02, 0xABCD, b"tok",
        (CoapOption(OptionNumber.URI_PATH, b"fw"), CoapOption(OptionNumber.URI_PATH, b"image"),
         CoapOption(OptionNumber.BLOCK1, coap.encode_block(Block(17, True, 6)))),
        b"\x00" * 1024,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        theirs = Message.decode(coap.encode(ours))
    assert_same(ours, theirs)
    assert theirs.opt.uri_path == ("fw", "image")
    assert tuple(theirs.opt.block1) == (17, True, 6)


# Options whose values aiocoap keeps as opaque bytes, or as text for the string options.
opaque_numbers = st.sampled_from([OptionNumber.ETAG, OptionNumber.IF_MATCH]) | st.integers(
    1000, 65000
).filter(lambda number: number not in (2049, 2053, 2055, 2056))
options = st.lists(
    st.builds(CoapOption, opaque_numbers, st.binary(min_size=1, max_size=8))
    | st.builds(
        CoapOption, st.just(OptionNumber.URI_PATH),
        st.text(alphabet="abc/é", max_size=20).map(str.encode),
    ),
    max_size=6,
).map(lambda items: tuple(sorted(items, key=lambda option: option.number)))


@settings(max_examples=60)
@given(
    st.builds(
        CoapMessage, st.sampled_from(MessageType), st.integers(1, 0x1F) | st.integers(0x40, 0xBF),
        st.integers(0, 0xFFFF), st.binary(max_size=8), options, st.binary(max_size=40),
    )
)
def test_any_message_we_encode_decodes_alike_in_aiocoap(ours: CoapMessage) -> None:
    raw = coap.encode(ours)
    assert_same(ours, Message.decode(raw))
