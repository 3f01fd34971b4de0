"""IPv4 input and ICMPv4 through the stack: echo replies, the ingress rules, and errors
only where RFC 1122 allows them, within RFC 1812's rate."""

from __future__ import annotations

import pytest
from netpeer import (
    DEVICE_IP,
    DEVICE_MAC,
    GATEWAY_IP,
    PEER_IP,
    PEER_MAC,
    arp_request,
    datagram,
    echo_request,
    frame,
    make_stack,
    sent,
)

from levante.codecs import icmp, ipv4
from levante.codecs.icmp import IcmpEcho
from levante.net.stack import NetworkStack


def neighbour_stack() -> NetworkStack:
    """A stack that already knows the peer (it asked for us)."""
    stack = make_stack()
    stack.receive(arp_request(), 0)
    stack.take_outgoing()
    return stack


def test_an_echo_request_gets_its_reply() -> None:
    stack = neighbour_stack()
    stack.receive(echo_request(sequence=7, payload=b"abc" * 20), 100)
    [reply] = sent(stack)
    assert reply.frame.destination == PEER_MAC and reply.frame.source == DEVICE_MAC
    assert reply.ip is not None
    assert (reply.ip.source, reply.ip.destination, reply.ip.ttl) == (DEVICE_IP, PEER_IP, 64)
    message = icmp.decode(reply.ip.payload)
    assert isinstance(message, IcmpEcho)
    assert (message.type, message.identifier, message.sequence) == (0, 0x4C56, 7)
    assert message.payload == b"abc" * 20
    assert stack.stats.get("icmp.echo_replied") == 1


def test_the_reply_waits_for_arp_when_the_sender_is_unknown() -> None:
    stack = make_stack()
    stack.receive(echo_request(), 100)
    [request] = sent(stack)
    assert request.arp is not None and request.arp.target_ip == PEER_IP
    stack.receive(arp_request(), 200)
    kinds = [("arp" if item.arp else "ip") for item in sent(stack)]
    assert sorted(kinds) == ["arp", "ip"]


@pytest.mark.parametrize(("data", "reason"), [
    (frame(b"\x45\x00"), "ipv4.drop.malformed"),
    (echo_request(ttl=0), "ipv4.drop.ttl-zero"),
    (echo_request(source="127.0.0.1"), "ipv4.drop.martian-address"),
    (echo_request(source=DEVICE_IP), "ipv4.drop.martian-address"),
    (echo_request(destination="127.0.0.1"), "ipv4.drop.martian-address"),
    (echo_request(source="224.0.0.1"), "ipv4.drop.martian-address"),
    (echo_request(destination="192.0.2.9"), "ipv4.drop.not-for-us"),
    (echo_request(more_fragments=True), "ipv4.drop.fragment"),
    (echo_request(fragment_offset=10), "ipv4.drop.fragment"),
    (echo_request(destination="192.0.2.255"), "icmp.drop.echo-to-broadcast"),
    (frame(b"\xff" * 40, ethertype=0x86DD), "ethernet.drop.unknown-ethertype"),
    (frame(b"", destination="00:00:5e:00:53:99"), "ethernet.drop.not-for-us"),
    (b"\x00" * 13, "ethernet.drop.malformed"),
])
def test_refused_datagrams_are_dropped_counted_and_unanswered(data: bytes, reason: str) -> None:
    stack = neighbour_stack()
    stack.receive(data, 100)
    assert sent(stack) == []
    assert stack.stats.get(reason) == 1
    assert stack.stats.total_drops() == 1


def test_a_bad_header_checksum_is_dropped() -> None:
    stack = neighbour_stack()
    data = bytearray(echo_request())
    data[14 + 10] ^= 0xFF
    stack.receive(bytes(data), 100)
    assert sent(stack) == [] and stack.stats.get("ipv4.drop.bad-checksum") == 1


def test_a_bad_icmp_checksum_is_dropped() -> None:
    stack = neighbour_stack()
    data = bytearray(echo_request())
    data[-1] ^= 0x01
    stack.receive(bytes(data), 100)
    assert sent(stack) == [] and stack.stats.get("icmp.drop.bad-checksum") == 1


def test_a_total_length_beyond_the_frame_is_dropped() -> None:
    stack = neighbour_stack()
    packet = bytearray(datagram(ipv4.PROTOCOL_ICMP, b"\x08\x00" + bytes(30)))
    stack.receive(frame(bytes(packet[:-10])), 100)
    assert sent(stack) == [] and stack.stats.get("ipv4.drop.malformed") == 1


def test_link_broadcast_carrying_unicast_is_dropped() -> None:
    stack = neighbour_stack()
    data = echo_request()
    stack.receive(b"\xff" * 6 + data[6:], 100)
    assert sent(stack) == [] and stack.stats.get("ipv4.drop.link-broadcast-unicast") == 1


def test_an_unknown_protocol_gets_protocol_unreachable() -> None:
    stack = neighbour_stack()
    stack.receive(frame(datagram(99, b"payload")), 100)
    [error] = sent(stack)
    assert error.ip is not None and error.ip.destination == PEER_IP
    message = icmp.decode(error.ip.payload)
    assert (message.type, message.code) == (3, 2)


def test_an_icmp_error_is_never_answered_with_one() -> None:
    stack = neighbour_stack()
    unreachable = icmp.encode(icmp.IcmpMessage(type=3, code=3, payload=bytes(28)))
    stack.receive(frame(datagram(ipv4.PROTOCOL_ICMP, unreachable)), 100)
    assert sent(stack) == [] and stack.stats.get("icmp.ignored") == 1


def test_off_link_replies_go_through_the_gateway() -> None:
    stack = make_stack(gateway=GATEWAY_IP)
    stack.receive(arp_request(sender_ip=GATEWAY_IP, sender_mac="00:00:5e:00:53:fe"), 0)
    stack.take_outgoing()
    stack.receive(echo_request(source="198.51.100.7"), 100)
    [reply] = sent(stack)
    assert reply.frame.destination == "00:00:5e:00:53:fe"
    assert reply.ip is not None and reply.ip.destination == "198.51.100.7"


def test_off_link_without_a_gateway_has_no_route() -> None:
    stack = neighbour_stack()
    stack.receive(echo_request(source="198.51.100.7"), 100)
    assert sent(stack) == [] and stack.stats.get("ipv4.drop.no-route") == 1
