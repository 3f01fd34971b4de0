"""The SMP codec: headers as the `smp` client library packs them, and CBOR bodies
refused beyond their bounds (the oversized and malformed frames of the
CVE-2023-4262 class), never an exception other than SmpError."""

from __future__ import annotations

import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from smp import header as smp_header

from levante.codecs import smp
from levante.codecs.smp import SmpBodyError, SmpError, SmpHeaderError, SmpLimits


def frame(body: bytes, first: int = 0x0A, group: int = 1, command: int = 1) -> bytes:
    return bytes([first, 0]) + len(body).to_bytes(2, "big") + group.to_bytes(2, "big") + \
        bytes([3, command]) + body


def test_the_header_matches_the_client_librarys() -> None:
    theirs = smp_header.Header(smp_header.OP.WRITE, smp_header.Version.V2,
                               smp_header.Flag(0), 12, 1, 200, 1)
    ours = smp.SmpHeader(smp.OP_WRITE, smp.VERSION_2, 0, 12, 1, 200, 1)
    assert bytes(theirs) == ours.encode()
    assert smp.decode_header(bytes(theirs)) == ours


def test_a_frame_round_trips() -> None:
    header = smp.SmpHeader(smp.OP_READ, smp.VERSION_1, 0, 0, 0, 9, 0)
    data = smp.encode(header, {"d": "hello", "n": [1, b"\0"]})
    decoded = smp.decode(data)
    assert decoded.body == {"d": "hello", "n": [1, b"\0"]}
    assert decoded.header.length == len(data) - 8


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x0a\x00\x00", "shorter than"),
    (frame(b"", first=0x2A), "reserved"),
    (frame(b"", first=0x0E), "op 6"),
    (frame(b"", first=0x1A), "version 4"),
    (frame(b"\xa0")[:-1] + b"\xa0\xa0", "data length 1 but 2"),
    (frame(b"\xa0")[:2] + b"\xff\xff" + frame(b"\xa0")[4:], "data length 65535"),
    (frame(b"\x40" * 3000), "over the 2048-octet buffer"),
])
def test_unreadable_headers_are_dropped(data: bytes, reason: str) -> None:
    with pytest.raises(SmpHeaderError, match=reason):
        smp.decode(data)


DEEP = b"\xa1\x61a" + b"\x81" * 10 + b"\x00"


@pytest.mark.parametrize(("body", "reason"), [
    (b"\x81\x00", "not a map"),
    (b"\xa1\x61a\x00\x00", "after the CBOR map"),
    (b"\xa1\x61a", "CBOR data refused"),  # truncated
    (b"\xa2\x61a\x00\x61a\x01", "CBOR data refused"),  # duplicate key
    (b"\xbf\x61a\x00\xff", "CBOR data refused"),  # indefinite length
    (b"\xa1\x01\x00", "CBOR data refused"),  # an integer key
    (DEEP, "CBOR data refused"),
    (b"\xa1\x61a\xc1\x1a\x51\x4b\x67\xb0", "kind SMP does not use"),  # a tagged date
    (b"\xa1\x61a\xfb\x3f\xf0\x00\x00\x00\x00\x00\x00", "kind SMP does not use"),  # float
    (b"\xa1\x61a\xc2\x49\x01" + b"\0" * 8, "beyond 64 bits"),  # a bignum
    (cbor2.dumps({"k" * 33: 1}), "key longer"),
    (cbor2.dumps({str(n): n for n in range(17)}), "more than 16 entries"),
    (cbor2.dumps({"a": [[0] * 16] * 16}), "more than 64 values"),
    (b"\xa1\x61a\x5a\xff\xff\xff\xf0", "CBOR data refused"),  # a length past the data
])
def test_refused_bodies_keep_the_header_for_the_answer(body: bytes, reason: str) -> None:
    with pytest.raises(SmpBodyError, match=reason) as caught:
        smp.decode(frame(body))
    assert caught.value.header.group == 1 and caught.value.header.sequence == 3


def test_limits_follow_the_buffer() -> None:
    small = SmpLimits(max_frame=64)
    with pytest.raises(SmpHeaderError):
        smp.decode(frame(cbor2.dumps({"d": "x" * 60})), small)


def test_a_shared_reference_loop_is_stopped() -> None:
    # Tag 28 marks a shareable value, tag 29 refers back to it: an array holding itself.
    with pytest.raises(SmpBodyError):
        smp.decode(frame(b"\xa1\x61a\xd8\x1c\x81\xd8\x1d\x00"))


@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_decoded_or_refused(data: bytes) -> None:
    try:
        smp.decode(data)
    except SmpError:
        pass


@given(st.binary(max_size=200))
def test_arbitrary_bodies_are_decoded_or_refused(body: bytes) -> None:
    try:
        smp.decode(frame(body))
    except SmpError:
        pass
