"""ARP for IPv4 over Ethernet: decoding, refusals, round trips and interop with scapy."""

from __future__ import annotations

import pytest
from hypothesis import given
from netsupport import arp_packets, decodes_or_refuses, mutations
from scapy.layers.l2 import ARP

from levante.codecs import arp
from levante.codecs.arp import ArpError, ArpOperation, ArpPacket

REQUEST = ArpPacket(operation=ArpOperation.REQUEST, sender_mac="02:00:00:00:00:01",
                    sender_ip="192.0.2.1", target_mac="00:00:00:00:00:00",
                    target_ip="192.0.2.2")


def test_decodes_a_scapy_who_has() -> None:
    built = ARP(op="who-has", hwsrc="02:00:00:00:00:01", psrc="192.0.2.1",
                hwdst="00:00:00:00:00:00", pdst="192.0.2.2")
    assert arp.decode(bytes(built)) == REQUEST


def test_ignores_ethernet_padding() -> None:
    assert arp.decode(arp.encode(REQUEST) + bytes(18)) == REQUEST


@pytest.mark.parametrize("offset, value, problem", [
    (1, 6, "unsupported hardware"),          # hardware type 6 (IEEE 802)
    (3, 0xDD, "unsupported hardware"),       # protocol type 0x08dd
    (4, 8, "address lengths"),               # hardware length 8 with type Ethernet
    (5, 16, "address lengths"),              # protocol length 16 with IPv4
    (7, 3, "unsupported operation"),         # RARP request
])
def test_refuses_what_it_does_not_support(offset: int, value: int, problem: str) -> None:
    data = bytearray(arp.encode(REQUEST))
    data[offset] = value
    with pytest.raises(ArpError, match=problem):
        arp.decode(bytes(data))


def test_refuses_truncated_packets() -> None:
    with pytest.raises(ArpError, match="truncated"):
        arp.decode(arp.encode(REQUEST)[:27])


def test_encode_refuses_bad_addresses() -> None:
    with pytest.raises(ArpError, match="IPv4"):
        arp.encode(ArpPacket(operation=ArpOperation.REPLY, sender_mac="02:00:00:00:00:01",
                             sender_ip="192.0.2", target_mac="02:00:00:00:00:02",
                             target_ip="192.0.2.2"))


@given(arp_packets)
def test_round_trip(packet: ArpPacket) -> None:
    data = arp.encode(packet)
    assert arp.decode(data) == packet
    assert arp.encode(arp.decode(data)) == data


@given(mutations(arp_packets.map(arp.encode)))
def test_malformed_input_raises_only_arp_errors(data: bytes) -> None:
    decodes_or_refuses(arp.decode, data)


@given(arp_packets)
def test_scapy_parses_levante_packets(packet: ArpPacket) -> None:
    parsed = ARP(arp.encode(packet))
    assert (parsed.op, parsed.hwsrc, parsed.psrc, parsed.hwdst, parsed.pdst) == (
        packet.operation, packet.sender_mac, packet.sender_ip, packet.target_mac,
        packet.target_ip)


@given(arp_packets)
def test_levante_decodes_scapy_packets(packet: ArpPacket) -> None:
    built = ARP(op=int(packet.operation), hwsrc=packet.sender_mac, psrc=packet.sender_ip,
                hwdst=packet.target_mac, pdst=packet.target_ip)
    assert arp.decode(bytes(built)) == packet
