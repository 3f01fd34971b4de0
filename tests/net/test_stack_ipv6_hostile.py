"""Hostile IPv6 input through the whole stack: random ICMPv6, ND and MLD messages and
extension header chains, and valid frames with bytes changed or cut, never raise, never
grow the stack's IPv6 state past its limits, and leave it answering."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from netpeer6 import (
    ALL_NODES,
    DEVICE_GLOBAL,
    PEER_GLOBAL,
    SECOND,
    advertisement,
    echo_request,
    frame,
    icmp_packet,
    make_stack,
    mld_query,
    prefix,
    router_advertisement,
    sent,
    solicitation,
    udp_frame,
)

from levante.codecs import icmpv6
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ipv6 import Ipv6Packet
from levante.net.stack import NetworkStack

VALID_FRAMES = [echo_request(), solicitation(), advertisement(), udp_frame(9),
                router_advertisement(prefix()), mld_query()]
DESTINATIONS = st.sampled_from([DEVICE_GLOBAL, ALL_NODES, "ff02::1:ff00:1",
                                "fe80::200:5eff:fe00:5301"])
SOURCES = st.sampled_from([PEER_GLOBAL, "fe80::1", "::", "2001:db8::7"])


def still_answers_ping(stack: NetworkStack, now: int) -> bool:
    stack.take_outgoing()
    stack.receive(solicitation(), now)
    stack.receive(echo_request(sequence=99), now)
    return any(item.icmp.type == icmpv6.ECHO_REPLY for item in sent(stack))


def within_limits(stack: NetworkStack) -> bool:
    ip = stack.ipv6
    assert ip is not None
    return (len(ip.resolver.cache) <= ip.settings.max_neighbors
            and len(ip.addresses.unicast) <= ip.settings.unicast_address_count
            and len(ip.addresses.groups) < ip.settings.multicast_address_count
            and len(ip.addresses.prefixes) <= ip.settings.prefix_count
            and len(ip.nd.routers) <= ip.settings.max_routers
            and all(len(entry.queued) <= 3 for entry in ip.resolver.cache.entries()))


@settings(max_examples=150)
@given(st.lists(st.tuples(st.sampled_from([133, 134, 135, 136, 137, 130, 131, 143, 128, 1,
                                           2, 4, 200]),
                          st.integers(0, 2), st.binary(max_size=80), SOURCES, DESTINATIONS,
                          st.sampled_from([255, 1, 64])), max_size=12))
def test_random_icmpv6_messages_never_raise(messages: list[tuple[int, int, bytes, str, str,
                                                                  int]]) -> None:
    stack = make_stack(static=DEVICE_GLOBAL)
    now = 2 * SECOND
    for kind, code, body, source, destination, hop_limit in messages:
        message = Icmpv6Message(type=kind, code=code, body=body)
        stack.receive(frame(icmp_packet(message, source=source, destination=destination,
                                        hop_limit=hop_limit)), now)
        now += 100_000
        stack.advance(now)
    assert within_limits(stack)
    assert still_answers_ping(stack, now) or not stack.ipv6.addresses.is_assigned(  # type: ignore[union-attr]
        DEVICE_GLOBAL)


@settings(max_examples=150)
@given(st.lists(st.tuples(st.sampled_from([0, 43, 44, 60, 59, 58, 17, 6, 50]),
                          st.binary(max_size=64)), max_size=6))
def test_random_extension_header_chains_never_raise(headers: list[tuple[int, bytes]]) -> None:
    stack = make_stack()
    for next_header, payload in headers:
        stack.receive(frame(Ipv6Packet(next_header=next_header, source=PEER_GLOBAL,
                                       destination=DEVICE_GLOBAL, payload=payload)),
                      2 * SECOND)
    assert within_limits(stack)
    assert still_answers_ping(stack, 3 * SECOND)


@settings(max_examples=200)
@given(st.sampled_from(VALID_FRAMES), st.lists(st.tuples(st.integers(0, 200),
                                                         st.integers(0, 255)), max_size=4),
       st.integers(14, 200))
def test_valid_frames_with_bytes_changed_or_cut_never_raise(
        data: bytes, changes: list[tuple[int, int]], cut: int) -> None:
    stack = make_stack()
    mutated = bytearray(data)
    for position, value in changes:
        if position < len(mutated):
            mutated[position] = value
    stack.receive(bytes(mutated[:cut]), 2 * SECOND)
    stack.advance(40 * SECOND)
    assert within_limits(stack)


def test_a_flood_of_prefixes_and_routers_stays_bounded() -> None:
    stack = make_stack(static=None)
    for index in range(50):
        stack.receive(router_advertisement(prefix(f"2001:db8:{index + 1:x}::"),
                                           source=f"fe80::{index + 1:x}"), 2 * SECOND + index)
    assert within_limits(stack)
    assert stack.stats.get("ndp.drop.router-list-full") == 48
