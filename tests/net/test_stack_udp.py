"""UDP through the stack: the port table, checksums both ways, port unreachable within
the ICMP error rate, and bounded receive queues."""

from __future__ import annotations

import pytest
from netpeer import (
    DEVICE_IP,
    PEER_IP,
    arp_request,
    make_stack,
    sent,
    udp_frame,
)

from levante.codecs import icmp, ipv4, udp
from levante.net.stack import NetworkStack
from levante.net.stack.icmp import ERROR_BURST, ERROR_INTERVAL_US
from levante.net.stack.udp import EPHEMERAL_FIRST, RECEIVE_QUEUE_LENGTH, PortInUse


def neighbour_stack() -> NetworkStack:
    stack = make_stack()
    stack.receive(arp_request(), 0)
    stack.take_outgoing()
    return stack


def test_a_datagram_reaches_its_bound_port() -> None:
    stack = neighbour_stack()
    endpoint = stack.udp.bind(4242)
    stack.receive(udp_frame(4242, b"payload", source_port=5555), 10)
    received = endpoint.take()
    assert received is not None
    assert (received.source, received.source_port, received.payload) == \
        (PEER_IP, 5555, b"payload")
    assert endpoint.take() is None and sent(stack) == []


def test_a_closed_port_answers_port_unreachable_with_the_offending_header() -> None:
    stack = neighbour_stack()
    data = udp_frame(9999)
    stack.receive(data, 10)
    [error] = sent(stack)
    assert error.ip is not None
    assert (error.ip.source, error.ip.destination) == (DEVICE_IP, PEER_IP)
    message = icmp.decode(error.ip.payload)
    assert (message.type, message.code) == (3, 3)
    assert isinstance(message, icmp.IcmpMessage)
    assert message.payload == data[14:]  # the whole (short) datagram, header first


def test_a_closed_port_reached_by_broadcast_stays_silent() -> None:
    stack = neighbour_stack()
    stack.receive(udp_frame(9999, destination="255.255.255.255",
                            link_destination="ff:ff:ff:ff:ff:ff"), 10)
    assert sent(stack) == []
    assert stack.stats.get("udp.drop.port-unreachable") == 1


def test_errors_are_rate_limited_on_simulated_time() -> None:
    stack = neighbour_stack()
    for _ in range(3 * ERROR_BURST):
        stack.receive(udp_frame(9999), 1000)
    assert len(sent(stack)) == ERROR_BURST
    assert stack.stats.get("icmp.drop.error-rate-limited") == 2 * ERROR_BURST
    stack.receive(udp_frame(9999), 1000 + ERROR_INTERVAL_US - 1)
    assert sent(stack) == []
    stack.receive(udp_frame(9999), 1000 + ERROR_INTERVAL_US)
    assert len(sent(stack)) == 1


def test_a_bad_checksum_is_dropped_and_a_zero_one_accepted() -> None:
    stack = neighbour_stack()
    endpoint = stack.udp.bind(4242)
    good = udp_frame(4242, b"data")
    bad = bytearray(good)
    bad[-1] ^= 0x20
    stack.receive(bytes(bad), 10)
    assert endpoint.take() is None and stack.stats.get("udp.drop.bad-checksum") == 1
    no_checksum = bytearray(good)
    no_checksum[14 + 20 + 6:14 + 20 + 8] = b"\0\0"  # RFC 768: zero means none computed
    stack.receive(bytes(no_checksum), 20)
    assert endpoint.take() is not None


def test_a_full_receive_queue_drops_new_datagrams() -> None:
    stack = neighbour_stack()
    endpoint = stack.udp.bind(4242)
    for number in range(RECEIVE_QUEUE_LENGTH + 2):
        stack.receive(udp_frame(4242, bytes([number])), 10)
    assert len(endpoint.received) == RECEIVE_QUEUE_LENGTH
    assert stack.stats.get("udp.drop.receive-queue-full") == 2
    first = endpoint.take()
    assert first is not None and first.payload == b"\0"


def test_sending_computes_the_checksum() -> None:
    stack = neighbour_stack()
    endpoint = stack.udp.bind(0)
    assert endpoint.port == EPHEMERAL_FIRST
    assert stack.udp.send(endpoint, PEER_IP, 7, b"echo me", 10)
    [out] = sent(stack)
    assert out.ip is not None and out.ip.protocol == ipv4.PROTOCOL_UDP
    decoded = udp.decode(out.ip.payload, source=DEVICE_IP, destination=PEER_IP)
    assert decoded.checksum not in (None, 0)
    assert (decoded.source_port, decoded.destination_port, decoded.payload) == \
        (EPHEMERAL_FIRST, 7, b"echo me")


def test_sending_more_than_the_mtu_is_refused() -> None:
    stack = neighbour_stack()
    endpoint = stack.udp.bind(7)
    assert not stack.udp.send(endpoint, PEER_IP, 7, bytes(1473), 10)
    assert stack.udp.send(endpoint, PEER_IP, 7, bytes(1472), 10)
    assert len(sent(stack)) == 1
    assert stack.stats.get("ipv4.drop.over-mtu") == 1


def test_ports_are_held_once() -> None:
    stack = neighbour_stack()
    endpoint = stack.udp.bind(4242)
    with pytest.raises(PortInUse):
        stack.udp.bind(4242)
    with pytest.raises(ValueError):
        stack.udp.bind(70000)
    stack.udp.unbind(endpoint)
    assert stack.udp.bind(4242).port == 4242
