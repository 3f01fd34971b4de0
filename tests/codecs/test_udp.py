"""UDP: lengths, the pseudo-header checksum, round trips and interop with scapy."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from netsupport import decodes_or_refuses, ipv4_addresses, mutations, udp_datagrams
from scapy.layers.inet import IP, UDP

from levante.codecs import udp
from levante.codecs.udp import UdpChecksumError, UdpDatagram, UdpError

SOURCE, DESTINATION = "192.0.2.1", "192.0.2.2"


def test_decodes_and_verifies_a_scapy_datagram() -> None:
    packet = IP(src=SOURCE, dst=DESTINATION) / UDP(sport=5683, dport=40000) / b"hello"
    data = bytes(packet[UDP])
    datagram = udp.decode(data, source=SOURCE, destination=DESTINATION)
    assert datagram == UdpDatagram(source_port=5683, destination_port=40000,
                                   checksum=IP(bytes(packet))[UDP].chksum, payload=b"hello")


def test_checksum_covers_the_pseudo_header() -> None:
    data = udp.encode(UdpDatagram(source_port=1, destination_port=2, payload=b"x"),
                      source=SOURCE, destination=DESTINATION)
    udp.decode(data, source=SOURCE, destination=DESTINATION)
    with pytest.raises(UdpChecksumError):
        udp.decode(data, source=SOURCE, destination="192.0.2.3")
    udp.decode(data)  # without the addresses there is nothing to check against


def test_zero_checksum_means_none_and_a_computed_zero_is_sent_as_ones() -> None:
    plain = UdpDatagram(source_port=1, destination_port=2, payload=b"x")
    assert udp.encode(plain)[6:8] == b"\x00\x00"
    assert udp.decode(udp.encode(plain), source=SOURCE, destination="203.0.113.9")
    # A payload chosen so the checksum computes to 0: it must go out as 0xffff.
    base = udp.encode(dataclasses.replace(plain, payload=b"\x00\x00"), source=SOURCE,
                      destination=DESTINATION)
    filler = int.from_bytes(base[6:8], "big")
    zero_sum = dataclasses.replace(plain, payload=filler.to_bytes(2, "big"))
    data = udp.encode(zero_sum, source=SOURCE, destination=DESTINATION)
    assert data[6:8] == b"\xff\xff"
    udp.decode(data, source=SOURCE, destination=DESTINATION)


@pytest.mark.parametrize("data, problem", [
    (bytes(7), "truncated header"),
    (bytes.fromhex("0001000200070000"), "below the header size"),
    (bytes.fromhex("00010002000a0000") + b"x", "truncated datagram"),
])
def test_refuses_bad_lengths(data: bytes, problem: str) -> None:
    with pytest.raises(UdpError, match=problem):
        udp.decode(data)


def test_ignores_bytes_beyond_the_udp_length() -> None:
    datagram = udp.decode(bytes.fromhex("0001000200090000") + b"xyz")
    assert datagram.payload == b"x"


def test_encode_refuses_bad_ports() -> None:
    with pytest.raises(UdpError, match="port"):
        udp.encode(UdpDatagram(source_port=70000, destination_port=1))


@given(udp_datagrams, ipv4_addresses, ipv4_addresses)
def test_round_trip(datagram: UdpDatagram, source: str, destination: str) -> None:
    data = udp.encode(datagram, source=source, destination=destination)
    decoded = udp.decode(data, source=source, destination=destination)
    assert decoded == dataclasses.replace(datagram, checksum=decoded.checksum)
    assert udp.encode(decoded) == data


@given(mutations(udp_datagrams.map(udp.encode)))
def test_malformed_input_raises_only_udp_errors(data: bytes) -> None:
    decodes_or_refuses(lambda raw: udp.decode(raw, source=SOURCE, destination=DESTINATION),
                       data)


@given(udp_datagrams, ipv4_addresses, ipv4_addresses)
def test_scapy_agrees_on_levante_checksums(datagram: UdpDatagram, source: str,
                                           destination: str) -> None:
    data = udp.encode(datagram, source=source, destination=destination)
    parsed = IP(bytes(IP(src=source, dst=destination, proto=17) / data))[UDP]
    assert (parsed.sport, parsed.dport, parsed.len) == (
        datagram.source_port, datagram.destination_port, len(data))
    expected = parsed.chksum
    parsed.chksum = None  # scapy recomputes it from the addresses
    rebuilt = IP(bytes(IP(src=source, dst=destination) / parsed))[UDP]
    assert rebuilt.chksum == expected


@given(udp_datagrams, ipv4_addresses, ipv4_addresses)
def test_levante_verifies_scapy_checksums(datagram: UdpDatagram, source: str,
                                          destination: str) -> None:
    built = IP(bytes(IP(src=source, dst=destination) / UDP(
        sport=datagram.source_port, dport=datagram.destination_port) / datagram.payload))
    decoded = udp.decode(bytes(built[UDP]), source=source, destination=destination)
    assert (decoded.source_port, decoded.payload) == (datagram.source_port,
                                                      datagram.payload)
