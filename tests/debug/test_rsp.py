"""GDB remote serial protocol framing: checksums, acknowledgements, no-ack mode,
interrupts, escapes and run-length encoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levante.debug.rsp import (
    Interrupt,
    Packet,
    RspError,
    RspFraming,
    checksum,
    escape_binary,
    run_length_encode,
    unescape_binary,
)


def framed(payload: bytes) -> bytes:
    return b"$" + payload + b"#" + f"{sum(payload) % 256:02x}".encode()


def run_length_decode(text: bytes) -> bytes:
    """GDB's reading of a run-length encoded reply (written here from its manual)."""
    out = bytearray()
    position = 0
    while position < len(text):
        if text[position] == ord("*"):
            out += out[-1:] * (text[position + 1] - 29)
            position += 2
        else:
            out.append(text[position])
            position += 1
    return bytes(out)


def test_checksum_is_the_byte_sum_modulo_256() -> None:
    assert checksum(b"OK") == 0x9A
    assert checksum(b"") == 0
    assert checksum(b"\xff\x02") == 1


def test_a_good_packet_is_acknowledged_and_delivered() -> None:
    framing = RspFraming()
    assert framing.receive(b"$qSupported#37") == [Packet(b"qSupported")]
    assert framing.data_to_send() == b"+"
    assert framing.data_to_send() == b""


def test_a_damaged_packet_is_refused_and_not_delivered() -> None:
    framing = RspFraming()
    assert framing.receive(b"$g#68") == []  # 'g' sums to 0x67
    assert framing.data_to_send() == b"-"
    assert framing.receive(b"$g#zz") == []  # not even hex
    assert framing.data_to_send() == b"-"


def test_packets_split_and_joined_across_reads() -> None:
    framing = RspFraming()
    stream = framed(b"m20000000,4") + b"+" + framed(b"?")
    events = []
    for byte in stream:
        events += framing.receive(bytes([byte]))
    assert events == [Packet(b"m20000000,4"), Packet(b"?")]
    assert framing.data_to_send() == b"++"


def test_a_nack_resends_the_last_reply_until_acknowledged() -> None:
    framing = RspFraming()
    reply = framing.frame(b"OK")
    assert reply == b"$OK#9a"
    framing.receive(b"-")
    assert framing.data_to_send() == reply
    framing.receive(b"+")
    framing.receive(b"-")
    assert framing.data_to_send() == b""  # acknowledged: nothing to resend


def test_no_ack_mode_neither_acknowledges_nor_resends() -> None:
    framing = RspFraming()
    framing.stop_acknowledging()
    framing.frame(b"OK")
    assert framing.receive(framed(b"g") + b"-") == [Packet(b"g")]
    assert framing.data_to_send() == b""
    assert framing.receive(b"$g#00") == []  # damaged: dropped, silently
    assert framing.data_to_send() == b""


def test_the_interrupt_byte_between_packets_is_an_interrupt() -> None:
    framing = RspFraming()
    assert framing.receive(b"\x03" + framed(b"?")) == [Interrupt(), Packet(b"?")]


def test_a_dollar_inside_a_packet_starts_a_new_one() -> None:
    framing = RspFraming()
    assert framing.receive(b"$garbage" + framed(b"g")) == [Packet(b"g")]


def test_an_oversized_packet_is_refused_without_growing() -> None:
    framing = RspFraming(max_payload=8)
    payload = b"X" * 100
    assert framing.receive(framed(payload)) == []
    assert framing.data_to_send() == b"-"
    assert framing.receive(framed(b"g")) == [Packet(b"g")]


def test_line_noise_between_packets_is_ignored() -> None:
    framing = RspFraming()
    assert framing.receive(b"\r\nxyz" + framed(b"c")) == [Packet(b"c")]


def test_escapes_cover_the_four_special_bytes() -> None:
    assert escape_binary(b"a#b$c}d*e") == b"a}\x03b}\x04c}]d}\x0ae"
    assert unescape_binary(b"a}\x03b}\x04c}]d}\x0ae") == b"a#b$c}d*e"


def test_a_lone_escape_at_the_end_is_refused() -> None:
    with pytest.raises(RspError):
        unescape_binary(b"abc}")


@given(st.binary(max_size=200))
def test_escaping_round_trips(data: bytes) -> None:
    escaped = escape_binary(data)
    assert not set(escaped) & set(b"#$*")
    assert unescape_binary(escaped) == data


def test_run_length_encoding_as_gdb_documents_it() -> None:
    assert run_length_encode(b"0000") == b"0* "  # GDB's manual: "0* " means "0000"
    assert run_length_encode(b"000") == b"000"  # no shorter encoded
    assert run_length_encode(b"1234") == b"1234"


def test_run_length_encoding_avoids_the_counts_that_would_write_hash_or_dollar() -> None:
    # Seven and eight characters would need chr(29 + 6) == '#' and chr(29 + 7) == '$'.
    assert run_length_encode(b"0" * 7) == b'0*"0'
    assert run_length_encode(b"0" * 8) == b'0*"00'


@given(st.text(alphabet="0123456789abcdef", max_size=300).map(str.encode))
def test_run_length_encoding_round_trips_through_gdbs_reading(text: bytes) -> None:
    encoded = run_length_encode(text)
    assert not set(encoded) & set(b"#$")
    assert all(32 <= byte <= 126 for byte in encoded)
    assert len(encoded) <= len(text)
    assert run_length_decode(encoded) == text
