"""Every hostile sequence (tests/net/hostile_sequences.py) replayed into one dual-stack
interface with a UDP echo port and a TCP listener, in order: nothing raises, no bounded
table ever holds more than its limit, and the interface answers correctly afterwards."""

from __future__ import annotations

import pytest
from hostile_sequences import ARP_FLOOD, SYN_FLOOD, hostile_sequences
from netpeer import DEVICE_IP, DEVICE_MAC, PEER_IP, SECOND, arp_reply, udp_frame
from netpeer import echo_request as echo4
from netpeer6 import DEVICE_GLOBAL, PEER_GLOBAL, advertisement
from netpeer6 import echo_request as echo6
from netpeer6 import udp_frame as udp6_frame

from levante.codecs import ethernet, icmp, icmpv6, ipv4, ipv6
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.ipv6_settings import Ipv6Settings
from levante.net.stack.reassembly import FragmentLimits
from levante.net.stack.settings import TcpSettings

PORT = 4242
BACKLOG = 4
FRAGMENTS = FragmentLimits(max_datagrams=2, max_fragments=4)


def device() -> NetworkStack:
    """The interface of samples/net/udp_echo with its overlay-hostile.conf."""
    settings = InterfaceSettings(
        mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP, "255.255.255.0"), fragments=FRAGMENTS,
        tcp=TcpSettings(), ipv6=Ipv6Settings(static_address=DEVICE_GLOBAL,
                                             fragments=FRAGMENTS))
    stack = NetworkStack(settings, tcp_key=bytes(range(16)))
    stack.link_up(0)
    stack.advance(SECOND)
    stack.take_outgoing()
    return stack


Replay = tuple[NetworkStack, dict[str, list[bytes]], int]


def replayed() -> Replay:
    """The device after every sequence, what it sent during each, and the clock."""
    stack = device()
    assert stack.tcp is not None
    stack.udp.bind(PORT)
    stack.tcp.listen(PORT, BACKLOG)
    now = 2 * SECOND
    sent: dict[str, list[bytes]] = {}
    for name, frames in hostile_sequences(PORT).items():
        sent[name] = []
        for data in frames:
            now += 100  # a frame every 100 µs: faster than any timer can clean up
            stack.receive(data.ljust(60, b"\0"), now)
            sent[name] += stack.take_outgoing()
        assert stack.tables.overflowing() == [], name
    return stack, sent, now


@pytest.fixture(scope="module")
def replay() -> Replay:
    return replayed()


def ip_destinations(frames: list[bytes]) -> set[str]:
    result = set()
    for data in frames:
        decoded = ethernet.decode(data)
        if decoded.ethertype == ethernet.ETHERTYPE_IPV4:
            result.add(ipv4.decode(decoded.payload).destination)
        elif decoded.ethertype == ethernet.ETHERTYPE_IPV6:
            result.add(ipv6.decode(decoded.payload).destination)
    return result


def test_every_table_stayed_within_its_limit_and_the_floods_filled_them(replay: Replay) -> None:
    stack, _, _ = replay
    uses = stack.tables.uses()
    assert {name: use.limit for name, use in uses.items()} == {
        "arp.entries": 2, "arp.resolving": 2, "ipv4.reassembly": 2, "ipv6.neighbors": 8,
        "ipv6.reassembly": 2, "tcp.backlog": BACKLOG, "udp.queued": 8}
    # The floods reached every limit: they tried, and the limits held.
    for name in ("arp.entries", "ipv4.reassembly", "ipv6.neighbors", "ipv6.reassembly",
                 "tcp.backlog"):
        assert uses[name].peak == uses[name].limit, name
    assert stack.stats.get("tcp.drop.backlog-full") == SYN_FLOOD - BACKLOG
    # Each request of the flood took a place; the unsolicited replies took none.
    assert stack.stats.get("arp.evicted") == ARP_FLOOD - 2


def test_each_case_was_refused_where_the_codec_tests_say(replay: Replay) -> None:
    stack, sent, _ = replay
    counters = stack.stats.snapshot()
    # Nothing went back to a spoofed source, and no broken header was answered.
    for name in ("cve-2023-7060-sources", "ipv4-malformed-headers", "icmp-option-pointers",
                 "ipv4-fragments"):
        assert ip_destinations(sent[name]) == set(), name
    assert counters["ipv4.drop.martian-address"] == 8
    assert counters["ipv4.drop.malformed"] == 7
    assert counters["ipv4.drop.bad-options"] == 6  # the four and two underflowing pointers
    assert counters["ipv4.drop.fragment-overlap"] == 1
    assert counters["ipv4.drop.reassembly-full"] == 64
    assert counters["ipv6.drop.fragment-overlap"] == 2
    assert counters["ipv6.drop.own-source"] == 2
    assert counters["tcp.drop.syn-fin"] == 2 and counters["tcp.drop.syn-rst"] == 1
    # The request with a full record route was answered as it came; the one whose
    # timestamp overflow counter would wrap was not answered at all.
    assert counters["icmp.echo_replied"] == 1
    assert counters["icmp.drop.unanswerable"] == 1


def test_the_device_answers_correctly_afterwards(replay: Replay) -> None:
    stack, _, now = replay
    # The hostile half-open connections give up retransmitting their SYN,ACK on
    # simulated time (backing off, within 4 minutes), and the backlog empties.
    for _ in range(300):
        now += SECOND
        stack.advance(now)
        stack.take_outgoing()
    assert stack.tables.uses()["tcp.backlog"].size == 0
    stack.receive(arp_reply(), now)
    stack.receive(echo4(sequence=77), now)
    stack.receive(echo6(sequence=78), now)
    stack.receive(udp_frame(PORT, b"still there"), now)
    stack.receive(udp6_frame(PORT, b"still there too"), now)
    answers = [ethernet.decode(data) for data in stack.take_outgoing()]
    # The peer answers the device's solicitation for it; the queued echo reply follows.
    stack.receive(advertisement(PEER_GLOBAL), now)
    answers += [ethernet.decode(data) for data in stack.take_outgoing()]
    replies4 = [icmp.decode(ipv4.decode(frame.payload).payload) for frame in answers
                if frame.ethertype == ethernet.ETHERTYPE_IPV4]
    assert [(reply.type, reply.sequence) for reply in replies4
            if isinstance(reply, icmp.IcmpEcho)] == [(icmp.ECHO_REPLY, 77)]
    assert all(ipv4.decode(frame.payload).destination == PEER_IP for frame in answers
               if frame.ethertype == ethernet.ETHERTYPE_IPV4)
    replies6 = [ipv6.decode(frame.payload) for frame in answers
                if frame.ethertype == ethernet.ETHERTYPE_IPV6]
    echoes6 = [icmpv6.decode(packet.payload, source=packet.source,
                             destination=packet.destination)
               for packet in replies6 if packet.destination == PEER_GLOBAL
               and packet.next_header == ipv6.NEXT_ICMPV6]
    assert [message.type for message in echoes6 if message.type == icmpv6.ECHO_REPLY] == \
        [icmpv6.ECHO_REPLY]
    endpoint = stack.udp.endpoints[PORT]
    payloads = []
    while (received := endpoint.take()) is not None:
        payloads.append(received.payload)
    assert payloads[-2:] == [b"still there", b"still there too"]
