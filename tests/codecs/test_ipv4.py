"""IPv4: header checks, options with bounded pointers, fragments, ingress rules, interop."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from netsupport import decodes_or_refuses, ipv4_packets, mutations
from scapy.layers.inet import IP, IPOption_LSRR, IPOption_RR, IPOption_Timestamp

from levante.codecs import ipv4
from levante.codecs import ipv4_options as opt
from levante.codecs.checksum import internet_checksum
from levante.codecs.ipv4 import (
    Interface,
    Ipv4ChecksumError,
    Ipv4Error,
    Ipv4IngressError,
    Ipv4OptionError,
    Ipv4Packet,
)

PACKET = Ipv4Packet(identification=0x1234, ttl=64, protocol=17, source="192.0.2.1",
                    destination="192.0.2.2", payload=b"data")
ETH0 = Interface(addresses=("192.0.2.2",))
LOOPBACK = Interface(addresses=("127.0.0.1",), is_loopback=True)


def with_options(area: bytes) -> bytes:
    """A packet whose options area is `area` (a multiple of 4), with a valid checksum."""
    header = bytearray(ipv4.encode(PACKET)[:20])
    header[0] = 0x40 | (20 + len(area)) // 4
    header[2:4] = (20 + len(area) + 4).to_bytes(2, "big")
    header[10:12] = bytes(2)
    header += area
    header[10:12] = internet_checksum(header).to_bytes(2, "big")
    return bytes(header) + b"data"


def resum(data: bytearray) -> bytes:
    """Recompute the header checksum after a deliberate change to the header."""
    header_length = (data[0] & 0x0F) * 4
    data[10:12] = bytes(2)
    data[10:12] = internet_checksum(data[:header_length]).to_bytes(2, "big")
    return bytes(data)


def test_decodes_scapy_packet_and_ignores_link_padding() -> None:
    built = bytes(IP(src="192.0.2.1", dst="192.0.2.2", id=7, ttl=9, proto=17, tos=0xB9,
                     flags="DF") / b"abc")
    packet = ipv4.decode(built + bytes(20))
    assert (packet.source, packet.destination, packet.identification, packet.ttl) == (
        "192.0.2.1", "192.0.2.2", 7, 9)
    assert (packet.dscp, packet.ecn, packet.dont_fragment) == (0xB9 >> 2, 1, True)
    assert packet.payload == b"abc"
    assert ipv4.encode(packet) == built


@pytest.mark.parametrize("change, problem", [
    (lambda d: d[:19], "truncated header"),
    (lambda d: resum(bytearray([0x65]) + d[1:]), "version 6"),
    (lambda d: resum(bytearray([0x44]) + d[1:]), "header length 16"),
    (lambda d: resum(d[:2] + bytearray(b"\x00\x10") + d[4:]), "smaller than the header"),
    (lambda d: resum(d[:2] + bytearray(b"\xff\xff") + d[4:]), "truncated packet"),
    (lambda d: resum(d[:6] + bytearray(b"\x80\x00") + d[8:]), "reserved flag"),
    (lambda d: d[:10] + bytearray(b"\x00\x00") + d[12:], "checksum"),
])
def test_refuses_malformed_headers(change, problem: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Ipv4Error, match=problem):
        ipv4.decode(bytes(change(bytearray(ipv4.encode(PACKET)))))


def test_a_bad_checksum_is_a_checksum_error() -> None:
    data = bytearray(ipv4.encode(PACKET))
    data[8] ^= 1  # the TTL changes, the checksum does not
    with pytest.raises(Ipv4ChecksumError):
        ipv4.decode(bytes(data))


def test_fragments_are_recognised() -> None:
    first = ipv4.decode(ipv4.encode(dataclasses.replace(PACKET, more_fragments=True)))
    later = ipv4.decode(ipv4.encode(dataclasses.replace(PACKET, fragment_offset=185)))
    whole = ipv4.decode(ipv4.encode(PACKET))
    assert (first.is_fragment, later.is_fragment, whole.is_fragment) == (True, True, False)
    assert later.fragment_offset == 185


def test_refuses_a_fragment_ending_beyond_65535_octets() -> None:
    # Ping of death: offset 8189 * 8 = 65512, plus 24 bytes of data, passes 65515.
    packet = dataclasses.replace(PACKET, fragment_offset=8189, payload=bytes(24))
    with pytest.raises(Ipv4Error, match="beyond the largest"):
        ipv4.decode(ipv4.encode(packet))
    ipv4.decode(ipv4.encode(dataclasses.replace(packet, payload=bytes(3))))


# --- Options: every length and pointer is bounded (RFC 791 §3.1) ---------------------

def test_decodes_record_route_and_timestamp_from_scapy() -> None:
    built = bytes(IP(src="192.0.2.1", dst="192.0.2.2", options=[
        IPOption_RR(pointer=8, routers=["198.51.100.1", "0.0.0.0"]),
        IPOption_Timestamp(flg=1, pointer=5, internet_address="0.0.0.0", timestamp=0),
    ]))
    packet = ipv4.decode(built)
    assert packet.options == (
        opt.RecordRoute(pointer=8, addresses=("198.51.100.1", "0.0.0.0")),
        opt.Timestamp(pointer=5, overflow=0, flag=opt.TimestampFlag.ADDRESS_AND_TIMESTAMP,
                      entries=(opt.TimestampEntry(address="0.0.0.0", timestamp=0),)),
        opt.EndOfOptionList(),
    )
    assert ipv4.encode(packet) == built


@pytest.mark.parametrize("area, problem", [
    # Record route pointers: below 4 (0..3) is refused, never wrapped to the last slot.
    (b"\x07\x07\x00" + bytes(5), "below the minimum of 4"),
    (b"\x07\x07\x03" + bytes(5), "below the minimum of 4"),
    (b"\x07\x07\x0c" + bytes(5), "beyond the option length"),   # 12 > length 7 + 1
    (b"\x07\x07\x06" + bytes(5), "not on an address boundary"),
    (b"\x07\x06\x04" + bytes(5), "not 3 \\+ 4n"),
    (b"\x83\x02\x04\x00", "not 3 \\+ 4n"),                      # LSRR of length 2
    # Timestamp pointers: below 5, beyond length + 1, off the entry grid.
    (b"\x44\x08\x04\x00" + bytes(4), "below the minimum of 5"),
    (b"\x44\x08\x0a\x00" + bytes(4), "beyond the option length"),
    (b"\x44\x0c\x09\x01" + bytes(8), "not on an entry boundary"),
    (b"\x44\x08\x05\x02" + bytes(4), "flag 2 is undefined"),
    (b"\x44\x08\x05\x01" + bytes(4), "not 4 \\+ 8n"),
    (b"\x44\x03\x05\x00", "below 4"),
    # Generic lengths: below 2, overrunning, missing, fixed ones.
    (b"\x82\x01\x00\x00", "below 2"),
    (b"\x82\x00\x00\x00", "below 2"),
    (b"\x01\x01\x01\x94", "no length octet"),
    (b"\x94\x09\x00\x00\x00\x00\x00\x00", "overruns"),
    (b"\x94\x06\x00\x00\x00\x00\x00\x00", "must be 4"),          # router alert
    (b"\x00\x01\x00\x00", "non-zero padding"),
    (b"\x07\x03\x04\x07\x03\x04\x00\x00", "appears twice"),
    (b"\x83\x03\x04\x89\x03\x04\x00\x00", "appears twice"),      # LSRR then SSRR
])
def test_refuses_malformed_options(area: bytes, problem: str) -> None:
    with pytest.raises(Ipv4OptionError, match=problem):
        ipv4.decode(with_options(area))


def test_accepts_a_full_route_and_a_full_timestamp_area() -> None:
    packet = ipv4.decode(with_options(b"\x07\x07\x08\x01\x02\x03\x04\x01"
                                      b"\x44\x08\x09\x10\x00\x00\x00\x07"))
    assert packet.options[0] == opt.RecordRoute(pointer=8, addresses=("1.2.3.4",))
    assert packet.options[2] == opt.Timestamp(
        pointer=9, overflow=1, flag=opt.TimestampFlag.TIMESTAMPS_ONLY,
        entries=(opt.TimestampEntry(address=None, timestamp=7),))


@pytest.mark.parametrize("option", [
    opt.RecordRoute(pointer=3, addresses=("1.2.3.4",)),
    opt.RecordRoute(pointer=12, addresses=("1.2.3.4",)),
    opt.Timestamp(pointer=4, overflow=0, flag=opt.TimestampFlag.TIMESTAMPS_ONLY, entries=()),
    opt.RecordRoute(pointer=4, addresses=("1.2.3.4",) * 10),
    opt.UnknownOption(type=1, data=b""),
])
def test_encode_refuses_options_it_would_refuse_to_decode(option: opt.Ipv4Option) -> None:
    with pytest.raises(Ipv4OptionError):
        ipv4.encode(dataclasses.replace(PACKET, options=(option,)))


# --- CVE-2023-7060: loopback and own addresses arriving from the network --------------

@pytest.mark.parametrize("source, destination, problem", [
    ("127.0.0.1", "192.0.2.2", "loopback source"),
    ("127.255.0.9", "192.0.2.2", "loopback source"),
    ("198.51.100.7", "127.0.0.1", "loopback destination"),
    ("192.0.2.2", "192.0.2.2", "own address"),
    ("224.0.0.1", "192.0.2.2", "multicast"),
    ("255.255.255.255", "192.0.2.2", "multicast, broadcast"),
])
def test_cve_2023_7060_martians_are_refused_on_a_network_interface(
        source: str, destination: str, problem: str) -> None:
    data = ipv4.encode(dataclasses.replace(PACKET, source=source, destination=destination))
    with pytest.raises(Ipv4IngressError, match=problem):
        ipv4.decode(data, interface=ETH0)
    ipv4.decode(data)  # well formed: only the interface makes it unacceptable


def test_loopback_traffic_is_accepted_on_the_loopback_interface() -> None:
    data = ipv4.encode(dataclasses.replace(PACKET, source="127.0.0.1",
                                           destination="127.0.0.1"))
    assert ipv4.decode(data, interface=LOOPBACK).source == "127.0.0.1"


def test_ordinary_traffic_passes_the_ingress_check() -> None:
    data = ipv4.encode(dataclasses.replace(PACKET, source="198.51.100.7",
                                           destination="192.0.2.2"))
    assert ipv4.decode(data, interface=ETH0).source == "198.51.100.7"


# --- Properties and interop -----------------------------------------------------------

@given(ipv4_packets)
def test_round_trip(packet: Ipv4Packet) -> None:
    data = ipv4.encode(packet)
    decoded = ipv4.decode(data)
    assert decoded == dataclasses.replace(packet, checksum=decoded.checksum)
    assert ipv4.encode(decoded) == data


@given(mutations(ipv4_packets.map(ipv4.encode)))
def test_malformed_input_raises_only_ipv4_errors(data: bytes) -> None:
    decodes_or_refuses(ipv4.decode, data)


@given(ipv4_packets)
def test_scapy_parses_levante_packets(packet: Ipv4Packet) -> None:
    data = ipv4.encode(packet)
    parsed = IP(data)
    assert (parsed.src, parsed.dst, parsed.ttl, parsed.id, parsed.proto) == (
        packet.source, packet.destination, packet.ttl, packet.identification,
        packet.protocol)
    assert parsed.frag == packet.fragment_offset and parsed.len == len(data)
    assert parsed.chksum == ipv4.decode(data).checksum
    parsed.chksum = None  # scapy recomputes it: the same value
    assert bytes(parsed) == data


def test_scapy_and_levante_agree_on_source_routes() -> None:
    built = bytes(IP(src="192.0.2.1", dst="192.0.2.2", options=[
        IPOption_LSRR(pointer=4, routers=["198.51.100.1", "198.51.100.2"])]) / b"x")
    packet = ipv4.decode(built)
    assert packet.options[0] == opt.LooseSourceRoute(
        pointer=4, addresses=("198.51.100.1", "198.51.100.2"))
    assert ipv4.encode(packet) == built
