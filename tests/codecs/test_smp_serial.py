"""SMP's serial framing: the `smp` client library's packets decode, bytes around them
stay the console's, and broken packets are dropped without touching the console."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st
from smp import packet

from levante.codecs import smp_serial
from levante.codecs.smp_serial import SerialDecoder, crc16

FRAME = bytes(range(256)) * 3


def test_the_crc_is_crc16_xmodem() -> None:
    assert crc16(b"123456789") == 0x31C3


def test_a_client_packet_decodes_among_console_bytes() -> None:
    lines = b"".join(packet.encode(FRAME))
    decoder = SerialDecoder(2048)
    first = decoder.feed(b"help\n" + lines[:77])
    second = decoder.feed(lines[77:] + b"\x04x\n")
    assert first.console == b"help\n" and not first.frames
    assert second.frames == [FRAME] and second.console == b"\x04x\n"


def test_our_packets_decode_with_the_client_library() -> None:
    encoded = smp_serial.encode(FRAME)
    assert all(len(line) + 1 <= smp_serial.MAX_LINE for line in encoded.split(b"\n"))
    assert client_decode([line + b"\n" for line in encoded.split(b"\n")[:-1]]) == FRAME


def client_decode(lines: list[bytes]) -> bytes:
    """What the client library's generator makes of `lines`."""
    decoder = packet.decode()
    next(decoder)
    for line in lines:
        try:
            decoder.send(line)
        except StopIteration as done:
            return bytes(done.value)
    raise AssertionError("the client library wanted more lines")


def test_a_crc_mismatch_drops_the_packet() -> None:
    lines = bytearray(b"".join(packet.encode(b"\x01\x02\x03\x04")))
    lines[5] = ord("A") if lines[5] != ord("A") else ord("B")
    events = SerialDecoder(2048).feed(bytes(lines))
    assert not events.frames and events.refused


def test_a_length_over_the_buffer_is_refused_before_anything_is_kept() -> None:
    # The MCUboot serial-recovery overflow class: a packet claiming more than fits.
    header = b"\x06\x09" + base64.b64encode(b"\xff\xff" + b"\0" * 10) + b"\n"
    events = SerialDecoder(512).feed(header + b"\x04\x14AAAA\n")
    assert events.refused == ["a packet length of 65535"] and not events.frames


def test_an_overlong_line_and_bad_base64_are_dropped() -> None:
    decoder = SerialDecoder(2048)
    events = decoder.feed(b"\x06\x09" + b"A" * 200 + b"\n")
    assert events.refused[0].startswith("a line over")
    events = decoder.feed(b"\x06\x09!!!!\n")
    assert events.refused == ["bad base64"]
    # The decoder still works afterwards.
    assert decoder.feed(b"".join(packet.encode(b"ok"))).frames == [b"ok"]


def test_a_continuation_without_a_packet_is_ignored() -> None:
    lines = b"".join(packet.encode(b"abcd"))
    extra = b"\x04\x14AAAA\n"
    decoder = SerialDecoder(2048)
    assert decoder.feed(lines).frames == [b"abcd"]
    assert decoder.feed(extra).refused == []  # no packet in progress: not ours


@given(st.binary(max_size=400))
def test_arbitrary_console_bytes_never_raise(data: bytes) -> None:
    events = SerialDecoder(256).feed(data)
    assert len(events.console) <= len(data)
