"""IPv6 fragments with CONFIG_NET_IPV6_FRAGMENT: reassembly in any order and in bounded
memory, RFC 5722's overlaps, the timeout and Time Exceeded, the unfragmentable part
rebuilt, RFC 7112's first fragment, and fragmentation of large answers."""

from __future__ import annotations

from netpeer6 import (
    DEVICE_GLOBAL,
    PEER_GLOBAL,
    SECOND,
    frame,
    make_stack,
    sent,
    solicitation,
)

from levante.codecs import icmpv6, ipv6
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ipv6_extensions import parse_chain
from levante.net.stack import NetworkStack
from levante.net.stack.reassembly import FragmentLimits

DATA = bytes(range(250)) * 6  # a 1500-octet echo: two fragments, and a reply over the MTU


def fragmented_stack(**limits: int) -> NetworkStack:
    stack = make_stack(fragments=FragmentLimits(**{"max_fragments": 4, **limits}))
    stack.receive(solicitation(), 2 * SECOND)
    stack.take_outgoing()
    return stack


def echo_bytes(data: bytes = DATA, sequence: int = 1) -> bytes:
    message = icmpv6.echo_message(icmpv6.ECHO_REQUEST, icmpv6.Echo(7, sequence, data))
    return icmpv6.encode(message, source=PEER_GLOBAL, destination=DEVICE_GLOBAL)


def fragment(data: bytes, offset: int, more: bool, *, identification: int = 42,
             unfragmentable: bytes = b"", first_next: int = 58) -> bytes:
    header = bytes((first_next, 0)) + (offset // 8 << 3 | int(more)).to_bytes(2, "big") + \
        identification.to_bytes(4, "big")
    next_header = 44
    if unfragmentable:  # a Destination Options header naming the Fragment header
        next_header = 60
        unfragmentable = bytes((44,)) + unfragmentable[1:]
    return frame(Ipv6Packet(next_header=next_header, source=PEER_GLOBAL,
                            destination=DEVICE_GLOBAL,
                            payload=unfragmentable + header + data[offset:offset + 1024
                                                                   if more else None]))


def pieces(data: bytes, **fields: object) -> list[bytes]:
    starts = list(range(0, len(data), 1024))
    return [fragment(data, start, start + 1024 < len(data), **fields)  # type: ignore[arg-type]
            for start in starts]


def test_fragments_in_any_order_are_reassembled_and_the_answer_fragmented() -> None:
    stack = fragmented_stack()
    for data in reversed(pieces(echo_bytes())):
        stack.receive(data, 2 * SECOND)
    assert stack.stats.get("ipv6.reassembled") == 1
    out = sent(stack)
    assert len(out) == 2 and all(item.packet.next_header == ipv6.NEXT_FRAGMENT for item in out)
    assert all(len(ipv6.encode(item.packet)) <= 1500 for item in out)
    assert stack.stats.get("ipv6.fragmented") == 1
    # The device's fragments reassemble (in another stack) into the reply.
    peer = fragmented_stack()
    whole = None
    for item in out:
        chain = parse_chain(item.packet, destination_is_multicast=False)
        assert chain.fragment is not None
        whole = peer.ipv6.reassembler.add(item.packet, chain.fragment, 0) or whole  # type: ignore[union-attr]
    assert whole is not None and whole.next_header == ipv6.NEXT_ICMPV6
    reply = icmpv6.decode(whole.payload, source=whole.source, destination=whole.destination)
    assert reply.type == icmpv6.ECHO_REPLY and icmpv6.decode_echo(reply).data == DATA


def test_the_unfragmentable_part_is_kept_and_renamed() -> None:
    stack = fragmented_stack()
    options = bytes((0, 0, 1, 4, 0, 0, 0, 0))
    for data in pieces(echo_bytes(), unfragmentable=options):
        stack.receive(data, 2 * SECOND)
    assert stack.stats.get("ipv6.reassembled") == 1
    assert stack.stats.get("icmpv6.echo_replied") == 1


def test_overlapping_fragments_discard_the_whole_packet() -> None:
    stack = fragmented_stack()
    data = echo_bytes()
    stack.receive(fragment(data, 0, True), 2 * SECOND)
    stack.receive(fragment(data[:1016] + b"X" * 8 + data[1024:], 1016, False), 2 * SECOND)
    assert stack.stats.get("ipv6.drop.fragment-overlap") == 1
    stack.receive(fragment(data, 1024, False), 2 * SECOND)
    assert stack.stats.get("ipv6.reassembled") == 0 and sent(stack) == []


def test_an_exact_duplicate_is_ignored() -> None:
    stack = fragmented_stack()
    first, last = pieces(echo_bytes())
    stack.receive(first, 2 * SECOND)
    stack.receive(first, 2 * SECOND)
    stack.receive(last, 2 * SECOND)
    assert stack.stats.get("ipv6.fragment_duplicate") == 1
    assert stack.stats.get("ipv6.reassembled") == 1


def test_reassembly_is_bounded_in_packets_and_fragments() -> None:
    stack = fragmented_stack(max_datagrams=1, max_fragments=2)
    data = echo_bytes()
    stack.receive(fragment(data, 0, True, identification=1), 2 * SECOND)
    stack.receive(fragment(data, 0, True, identification=2), 2 * SECOND)
    assert stack.stats.get("ipv6.drop.reassembly-full") == 1
    big = echo_bytes(bytes(4000))
    for data_piece in pieces(big, identification=1)[1:3]:
        stack.receive(data_piece, 2 * SECOND)
    assert stack.stats.get("ipv6.drop.too-many-fragments") == 1
    assert len(stack.ipv6.reassembler) == 0  # type: ignore[union-attr, arg-type]


def test_a_timed_out_reassembly_with_its_first_fragment_is_time_exceeded() -> None:
    stack = fragmented_stack(timeout_us=5 * SECOND)
    first, _ = pieces(echo_bytes())
    stack.receive(first, 2 * SECOND)
    deadline = stack.next_deadline()
    assert deadline is not None and deadline <= 7 * SECOND
    stack.advance(7 * SECOND)
    [error] = [item for item in sent(stack) if item.icmp.type < 128]
    assert (error.icmp.type, error.icmp.code) == (icmpv6.TIME_EXCEEDED, 1)
    assert stack.stats.get("ipv6.drop.reassembly-timeout") == 1
    # Without the first fragment, nothing is sent.
    _, last = pieces(echo_bytes(), identification=9)
    stack.receive(last, 8 * SECOND)
    stack.advance(14 * SECOND)
    assert [item for item in sent(stack) if item.icmp.type < 128] == []
    assert stack.stats.get("ipv6.drop.reassembly-timeout") == 2


def test_without_the_option_fragments_are_dropped_and_large_answers_not_sent() -> None:
    stack = make_stack()
    stack.receive(solicitation(), 2 * SECOND)
    stack.take_outgoing()
    for data in pieces(echo_bytes()):
        stack.receive(data, 2 * SECOND)
    assert stack.stats.get("ipv6.drop.fragment") == 2
    endpoint = stack.udp.bind(0)
    assert not stack.udp.send(endpoint, PEER_GLOBAL, 9, bytes(1500), 2 * SECOND)
    assert stack.stats.get("ipv6.drop.over-mtu") == 1
