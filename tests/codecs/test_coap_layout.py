"""Where a decoded CoAP message's parts lie (computed from the decoded values, checked
against the bytes), and the registered options' value checks."""

from __future__ import annotations

import pytest

from levante.codecs.coap import CoapMessage, CoapOption, MessageType, decode, encode
from levante.codecs.coap_errors import CoapOptionValueError
from levante.codecs.coap_layout import check_option_values, layout


@pytest.mark.parametrize("options", [
    (),
    (CoapOption(11, b"a"), CoapOption(11, b"bb")),
    (CoapOption(12, b""), CoapOption(300, b"x" * 20), CoapOption(2000, b"y" * 400)),
    (CoapOption(1, b"z" * 12), CoapOption(13, b"q" * 13), CoapOption(282, b"w" * 269)),
])
@pytest.mark.parametrize("payload", [b"", b"body"])
def test_offsets_point_at_each_value_and_the_payload(
        options: tuple[CoapOption, ...], payload: bytes) -> None:
    message = CoapMessage(MessageType.CONFIRMABLE, 1, 7, b"\x01\x02", options, payload)
    data = encode(message)
    where = layout(decode(data))
    assert where.header_length == 6
    for option, offset in zip(options, where.value_offsets, strict=True):
        assert data[offset:offset + len(option.value)] == option.value
    assert data[where.payload_offset:] == payload
    assert where.options_length == len(data) - 6 - (len(payload) + 1 if payload else 0)


@pytest.mark.parametrize(("option", "problem"), [
    (CoapOption(23, b"\x07"), "reserved SZX 7"),
    (CoapOption(27, b"\x01\x02\x03\x04"), "4 bytes"),
    (CoapOption(6, b"\x00\x00\x00\x01"), "4 bytes"),
    (CoapOption(12, b"\x00\x00\x00"), "3 bytes"),
    (CoapOption(4, b""), "0 bytes"),
    (CoapOption(3, b"h" * 256), "256 bytes"),
])
def test_a_registered_option_out_of_its_range_is_refused(option: CoapOption,
                                                         problem: str) -> None:
    message = CoapMessage(MessageType.CONFIRMABLE, 1, 1, b"", (option,))
    with pytest.raises(CoapOptionValueError, match=problem):
        check_option_values(message)


def test_unregistered_options_and_good_values_pass() -> None:
    message = CoapMessage(MessageType.CONFIRMABLE, 1, 1, b"", (
        CoapOption(6, b""), CoapOption(11, b"x" * 255), CoapOption(23, b"\x16"),
        CoapOption(2049, b"anything at all")))
    check_option_values(message)
