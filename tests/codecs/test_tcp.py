"""TCP segments: header, options with exact lengths, checksums, round trips, scapy interop."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import assume, given
from netsupport import decodes_or_refuses, ipv4_addresses, mutations, tcp_segments
from scapy.layers.inet import IP, TCP, TCPOptions, in4_chksum
from scapy.layers.inet6 import IPv6

from levante.codecs import tcp
from levante.codecs import tcp_options as opt
from levante.codecs.tcp import TcpChecksumError, TcpError, TcpOptionError, TcpSegment

SOURCE, DESTINATION = "192.0.2.1", "192.0.2.2"
SYN = TcpSegment(source_port=40000, destination_port=1883, sequence_number=1000,
                 flags=("SYN",), window=64240,
                 options=(opt.MaximumSegmentSize(value=1460), opt.SackPermitted(),
                          opt.Timestamps(value=1, echo_reply=0), opt.NoOperation(),
                          opt.WindowScale(shift=7)))


def encoded(segment: TcpSegment = SYN) -> bytes:
    return tcp.encode(segment, source=SOURCE, destination=DESTINATION)


def with_options(area: bytes) -> bytes:
    header = bytearray(encoded(dataclasses.replace(SYN, options=()))[:20])
    header[12] = (20 + len(area)) // 4 << 4
    return bytes(header) + area


def test_decodes_a_scapy_syn_with_options() -> None:
    built = IP(bytes(IP(src=SOURCE, dst=DESTINATION) / TCP(
        sport=40000, dport=1883, seq=1000, flags="S", window=64240,
        options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None),
                 ("WScale", 7)])))
    segment = tcp.decode(bytes(built[TCP]), source=SOURCE, destination=DESTINATION)
    assert segment == dataclasses.replace(SYN, checksum=built[TCP].chksum)
    assert encoded(segment) == bytes(built[TCP])


def test_flags_are_named_in_header_order() -> None:
    built = bytes(TCP(flags="FSRPAUEC"))
    assert tcp.decode(built).flags == ("CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN")
    assert tcp.decode(bytes(TCP(flags="SA"))).has("ACK")


def test_reserved_bits_are_kept_not_refused() -> None:
    data = bytearray(encoded())
    data[12] |= 0x0A
    assert tcp.decode(bytes(data)).reserved == 0x0A


def test_checksum_covers_the_pseudo_header() -> None:
    with pytest.raises(TcpChecksumError):
        tcp.decode(encoded(), source=SOURCE, destination="192.0.2.99")
    with pytest.raises(TcpError, match="needs the source and destination"):
        tcp.encode(SYN)


def test_over_ipv6_the_checksum_is_rfc_8200s_and_matches_scapy() -> None:
    source, destination = "2001:db8::1", "2001:db8::2"
    data = tcp.encode(dataclasses.replace(SYN, payload=b"six"), source=source,
                      destination=destination)
    packet = IPv6(src=source, dst=destination) / TCP(data)
    del packet[TCP].chksum
    assert IPv6(bytes(packet))[TCP].chksum == tcp.decode(data).checksum
    assert tcp.decode(data, source=source, destination=destination).payload == b"six"
    with pytest.raises(TcpChecksumError):
        tcp.decode(data, source=source, destination="2001:db8::3")


@pytest.mark.parametrize("data, problem", [
    (bytes(19), "truncated header"),
    (bytes(12) + b"\x40" + bytes(7), "below 5"),
    (bytes(12) + b"\x60" + bytes(7), "exceeds the 20 available"),
])
def test_refuses_bad_header_lengths(data: bytes, problem: str) -> None:
    with pytest.raises(TcpError, match=problem):
        tcp.decode(data)


@pytest.mark.parametrize("area, problem", [
    (b"\x02\x05\x05\xb4\x00\x00\x00\x00", "must be 4"),        # MSS of length 5
    (b"\x03\x04\x07\x00", "must be 3"),                        # window scale of length 4
    (b"\x04\x03\x00\x00", "must be 2"),                        # SACK-permitted of length 3
    (b"\x08\x08" + bytes(6), "must be 10"),                    # short timestamps
    (b"\x05\x02\x00\x00", "2 \\+ 8n"),                          # SACK with no block
    (b"\x05\x0b" + bytes(10), "2 \\+ 8n"),
    (b"\x1e\x01\x00\x00", "below 2"),
    (b"\x1e\x00\x00\x00", "below 2"),
    (b"\x01\x01\x01\x1e", "no length octet"),
    (b"\x1e\x08\x00\x00", "overruns"),
    (b"\x00\x00\x00\x01", "non-zero padding"),
])
def test_refuses_malformed_options(area: bytes, problem: str) -> None:
    with pytest.raises(TcpOptionError, match=problem):
        tcp.decode(with_options(area))


def test_decodes_sack_blocks_and_keeps_large_window_scales() -> None:
    segment = tcp.decode(with_options(b"\x01\x01\x05\x0a" + (5).to_bytes(4, "big")
                                      + (9).to_bytes(4, "big") + b"\x03\x03\x0f\x00"))
    assert segment.options == (opt.NoOperation(), opt.NoOperation(),
                               opt.Sack(blocks=((5, 9),)), opt.WindowScale(shift=15),
                               opt.EndOfOptionList())


@pytest.mark.parametrize("segment", [
    dataclasses.replace(SYN, flags=("SYN", "NOPE")),
    dataclasses.replace(SYN, source_port=-1),
    dataclasses.replace(SYN, options=(opt.MaximumSegmentSize(value=70000),)),
    dataclasses.replace(SYN, options=(opt.Sack(blocks=((1, 2),) * 5),)),
    dataclasses.replace(SYN, options=(opt.UnknownTcpOption(kind=30, data=bytes(40)),)),
    dataclasses.replace(SYN, payload=bytes(65_600)),
])
def test_encode_refuses_bad_fields(segment: TcpSegment) -> None:
    with pytest.raises(TcpError):
        encoded(segment)


@given(tcp_segments, ipv4_addresses, ipv4_addresses)
def test_round_trip(segment: TcpSegment, source: str, destination: str) -> None:
    data = tcp.encode(segment, source=source, destination=destination)
    decoded = tcp.decode(data, source=source, destination=destination)
    assert decoded == dataclasses.replace(segment, checksum=decoded.checksum)
    assert tcp.encode(decoded) == data


@given(mutations(tcp_segments.map(lambda segment: tcp.encode(segment, source=SOURCE,
                                                             destination=DESTINATION))))
def test_malformed_input_raises_only_tcp_errors(data: bytes) -> None:
    decodes_or_refuses(lambda raw: tcp.decode(raw, source=SOURCE, destination=DESTINATION),
                       data)


# Kinds scapy dissects with a fixed layout (MD5, AO, UTO, ...): it cannot read one of
# them with another length, which Levante's unknown options may legitimately carry.
SCAPY_FIXED_KINDS = frozenset(TCPOptions[0])


@given(tcp_segments, ipv4_addresses, ipv4_addresses)
def test_scapy_parses_levante_segments(segment: TcpSegment, source: str,
                                       destination: str) -> None:
    assume(not any(isinstance(option, opt.UnknownTcpOption)
                   and option.kind in SCAPY_FIXED_KINDS for option in segment.options))
    data = tcp.encode(segment, source=source, destination=destination)
    parsed = IP(bytes(IP(src=source, dst=destination, proto=6) / data))[TCP]
    assert (parsed.sport, parsed.dport, parsed.seq, parsed.ack, parsed.window) == (
        segment.source_port, segment.destination_port, segment.sequence_number,
        segment.acknowledgment_number, segment.window)
    assert parsed.dataofs * 4 == len(data) - len(segment.payload)
    # scapy's own checksum routine over exactly our bytes: re-serialising its parse would
    # also test how scapy re-encodes options it only half knows (kind 19, MD5).
    unsummed = data[:16] + b"\0\0" + data[18:]
    assert in4_chksum(6, IP(src=source, dst=destination), unsummed) == parsed.chksum


def test_levante_decodes_scapy_segments_with_sack_and_payload() -> None:
    built = IP(bytes(IP(src=SOURCE, dst=DESTINATION) / TCP(
        sport=1883, dport=40000, seq=7, ack=9, flags="PA",
        options=[("NOP", None), ("NOP", None), ("SAck", (100, 200, 300, 400))]) / b"MQTT"))
    segment = tcp.decode(bytes(built[TCP]), source=SOURCE, destination=DESTINATION)
    assert segment.options == (opt.NoOperation(), opt.NoOperation(),
                               opt.Sack(blocks=((100, 200), (300, 400))))
    assert (segment.flags, segment.payload) == (("ACK", "PSH"), b"MQTT")
