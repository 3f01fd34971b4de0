"""IPv4 fragments with CONFIG_NET_IPV4_FRAGMENT: reassembly in bounded memory with a
timeout, overlaps refused, Time Exceeded when fragment zero came; fragmentation on
output; and fragments dropped without the option."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from netpeer import (
    DEVICE_IP,
    DEVICE_MAC,
    PEER_IP,
    SECOND,
    arp_request,
    frame,
    sent,
)

from levante.codecs import icmp, ipv4
from levante.codecs.icmp import IcmpEcho
from levante.codecs.ipv4 import Ipv4Packet
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.reassembly import FragmentLimits

LIMITS = FragmentLimits(max_datagrams=2, max_fragments=4, timeout_us=5 * SECOND)


def fragmenting_stack(limits: FragmentLimits = LIMITS) -> NetworkStack:
    stack = NetworkStack(InterfaceSettings(mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP),
                                           fragments=limits))
    stack.link_up(0)
    stack.receive(arp_request(), 0)
    stack.take_outgoing()
    return stack


def echo_payload(size: int, sequence: int = 1) -> bytes:
    return icmp.encode(IcmpEcho(type=icmp.ECHO_REQUEST, identifier=7, sequence=sequence,
                                payload=bytes(range(256)) * (size // 256) + bytes(size % 256)))


def fragment(payload: bytes, start: int, end: int, *, last: bool,
             identification: int = 0x1234) -> bytes:
    return frame(ipv4.encode(Ipv4Packet(
        protocol=ipv4.PROTOCOL_ICMP, source=PEER_IP, destination=DEVICE_IP,
        identification=identification, fragment_offset=start // 8,
        more_fragments=not last, payload=payload[start:end])))


def test_fragments_in_any_order_make_one_echo_request_and_a_fragmented_reply() -> None:
    stack = fragmenting_stack()
    message = echo_payload(2000)
    for start, end, last in ((1480, len(message), True), (0, 1480, False)):
        stack.receive(fragment(message, start, end, last=last), 10)
    replies = sent(stack)
    assert len(replies) == 2  # 2008 octets of ICMP do not fit one 1500-octet frame
    packets = [item.ip for item in replies if item.ip is not None]
    assert [(packet.fragment_offset * 8, packet.more_fragments) for packet in packets] == \
        [(0, True), (1480, False)]
    reply = icmp.decode(b"".join(packet.payload for packet in packets))
    assert isinstance(reply, IcmpEcho) and reply.payload == icmp.decode(message).payload
    assert stack.stats.get("ipv4.reassembled") == 1


def test_overlapping_fragments_drop_the_datagram() -> None:
    stack = fragmenting_stack()
    message = echo_payload(2000)
    stack.receive(fragment(message, 0, 1480, last=False), 10)
    stack.receive(fragment(message, 1400, len(message), last=True), 11)  # overlaps
    assert sent(stack) == [] and stack.stats.get("ipv4.drop.fragment-overlap") == 1
    assert len(stack.ip.reassembler or ()) == 0


def test_a_duplicate_fragment_is_harmless() -> None:
    stack = fragmenting_stack()
    message = echo_payload(2000)
    stack.receive(fragment(message, 0, 1480, last=False), 10)
    stack.receive(fragment(message, 0, 1480, last=False), 11)
    stack.receive(fragment(message, 1480, len(message), last=True), 12)
    assert len(sent(stack)) == 2


def test_memory_is_bounded_by_datagrams_and_fragments() -> None:
    stack = fragmenting_stack()
    message = echo_payload(4000)
    for identification in range(5):
        stack.receive(fragment(message, 0, 8, last=False, identification=identification), 10)
    assert len(stack.ip.reassembler or ()) == 2
    assert stack.stats.get("ipv4.drop.reassembly-full") == 3
    for start in range(8, 40, 8):  # a fifth piece is one too many
        stack.receive(fragment(message, start, start + 8, last=False, identification=0), 11)
    assert stack.stats.get("ipv4.drop.too-many-fragments") == 1
    assert len(stack.ip.reassembler or ()) == 1


def test_a_timed_out_reassembly_sends_time_exceeded_once_fragment_zero_came() -> None:
    stack = fragmenting_stack()
    message = echo_payload(2000)
    stack.receive(fragment(message, 0, 1480, last=False, identification=1), 10)
    stack.receive(fragment(message, 1480, len(message), last=True, identification=2), 10)
    assert stack.next_deadline() == 10 + 5 * SECOND
    stack.advance(10 + 5 * SECOND - 1)
    assert sent(stack) == []
    stack.advance(10 + 5 * SECOND)
    [error] = sent(stack)  # only for the one whose fragment zero came
    assert error.ip is not None and error.ip.destination == PEER_IP
    assert (icmp.decode(error.ip.payload).type, icmp.decode(error.ip.payload).code) == (11, 1)
    assert stack.stats.get("ipv4.drop.reassembly-timeout") == 2
    assert stack.next_deadline() is None


def test_inconsistent_ends_and_odd_lengths_are_refused() -> None:
    stack = fragmenting_stack()
    message = echo_payload(2000)
    stack.receive(fragment(message, 0, 1001, last=False), 10)  # not a multiple of 8
    assert stack.stats.get("ipv4.drop.bad-fragment-length") == 1
    stack.receive(fragment(message, 1480, len(message), last=True), 10)
    stack.receive(fragment(message, 1480, len(message) - 8, last=True), 11)  # another end
    assert stack.stats.get("ipv4.drop.fragment-inconsistent") == 1
    assert sent(stack) == []


def test_without_the_option_fragments_are_dropped_and_big_datagrams_refused() -> None:
    stack = NetworkStack(InterfaceSettings(mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP)))
    stack.link_up(0)
    stack.take_outgoing()
    message = echo_payload(2000)
    stack.receive(fragment(message, 0, 1480, last=False), 10)
    assert stack.stats.get("ipv4.drop.fragment") == 1
    endpoint = stack.udp.bind(7)
    assert not stack.udp.send(endpoint, PEER_IP, 7, bytes(2000), 10)
    assert stack.stats.get("ipv4.drop.over-mtu") == 1


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 400), st.integers(1, 200),
                          st.booleans()), max_size=40))
def test_any_fragment_sequence_stays_within_the_limits(
        pieces: list[tuple[int, int, int, bool]]) -> None:
    stack = fragmenting_stack()
    message = bytes(range(256)) * 40
    for instant, (identification, offset, length, last) in enumerate(pieces):
        start = offset * 8
        stack.receive(fragment(message, start, start + length * 8, last=last,
                               identification=identification), instant)
        reassembler = stack.ip.reassembler
        assert reassembler is not None and len(reassembler) <= LIMITS.max_datagrams
        held = sum(len(data) for datagram in reassembler._datagrams.values()  # noqa: SLF001
                   for data in datagram.pieces.values())
        assert held <= LIMITS.max_datagrams * LIMITS.max_fragments * 1480
    stack.advance(10**12)
    assert len(stack.ip.reassembler or ()) == 0
