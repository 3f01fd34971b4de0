"""The device's own echo requests (`net ping`): what goes out, which replies match."""

from __future__ import annotations

from dataclasses import replace

from netpeer import DEVICE_IP, PEER_IP, arp_reply, datagram, frame, make_stack, sent

from levante.codecs import icmp, ipv4
from levante.codecs.icmp import IcmpEcho

DATA = bytes(range(56))


def reply_for(request: ipv4.Ipv4Packet, **changes: object) -> bytes:
    echo = icmp.decode(request.payload)
    assert isinstance(echo, IcmpEcho)
    answer = replace(echo, type=icmp.ECHO_REPLY, checksum=None, **changes)  # type: ignore[arg-type]
    return frame(datagram(ipv4.PROTOCOL_ICMP, icmp.encode(answer), ttl=61))


def ping_out(sequence: int = 1, now: int = 0) -> tuple[object, ipv4.Ipv4Packet]:
    stack = make_stack()
    assert stack.ping(PEER_IP, sequence, DATA, now)
    frames = sent(stack)  # the ARP request for the peer
    stack.receive(arp_reply(), now)
    frames += sent(stack)
    request = next(item.ip for item in frames if item.ip is not None)
    return stack, request


def test_request_goes_out_after_arp_and_reply_matches() -> None:
    stack, request = ping_out(sequence=7, now=1000)
    assert (request.source, request.destination) == (DEVICE_IP, PEER_IP)
    echo = icmp.decode(request.payload)
    assert isinstance(echo, IcmpEcho) and echo.type == icmp.ECHO_REQUEST
    assert (echo.sequence, echo.payload) == (7, DATA)
    assert stack.pings.take_reply(7) is None  # nothing came yet
    stack.receive(reply_for(request), 3500)
    reply = stack.pings.take_reply(7)
    assert reply is not None
    assert (reply.source, reply.ttl, reply.data_length, reply.round_trip_us) == \
        (PEER_IP, 61, 56, 2500)
    assert stack.pings.take_reply(7) is None  # taken once
    assert stack.stats.get("icmp.echo_reply_received") == 1


def test_stray_and_forged_replies_are_not_taken() -> None:
    stack, request = ping_out(sequence=3)
    for forged in (reply_for(request, identifier=1), reply_for(request, sequence=4),
                   reply_for(request, payload=b"other data")):
        stack.receive(forged, 10)
    assert stack.pings.take_reply(3) is None
    assert stack.stats.get("icmp.drop.unexpected-echo-reply") == 3
    stack.receive(reply_for(request), 20)
    assert stack.pings.take_reply(3) is not None


def test_no_address_means_no_request() -> None:
    stack = make_stack()
    stack.set_ipv4(None)
    assert not stack.ping(PEER_IP, 1, DATA, 0)
    assert stack.pings.take_reply(1) is None and not sent(stack)


def test_outstanding_requests_are_bounded() -> None:
    stack = make_stack()
    for sequence in range(100):
        stack.ping(PEER_IP, sequence, DATA, 0)
    assert len(stack.pings._outstanding) <= 16
