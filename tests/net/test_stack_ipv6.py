"""IPv6 in the stack: link-up (addresses, DAD, MLD, router solicitation), the input
checks with each drop counted, echo, ICMPv6 errors under RFC 4443 §2.4, UDP over IPv6."""

from __future__ import annotations

import pytest
from netpeer6 import (
    ALL_NODES,
    DEVICE_GLOBAL,
    DEVICE_LINK_LOCAL,
    DEVICE_MAC,
    PEER_GLOBAL,
    PEER_LINK_LOCAL,
    PEER_MAC,
    SECOND,
    echo_request,
    frame,
    icmp_packet,
    make_stack,
    router_advertisement,
    sent,
    solicitation,
    udp_frame,
)

from levante.codecs import icmpv6, ipv6, mld, ndp
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ipv6 import Ipv6Packet
from levante.net.stack.ipv6_addresses import AddressState
from levante.net.stack.ipv6_settings import link_local_address, solicited_node_group


def resolved(stack) -> None:  # type: ignore[no-untyped-def]
    """The peer made itself known (its solicitation carried its MAC)."""
    stack.receive(solicitation(), 2 * SECOND)
    stack.take_outgoing()


# --- Link-up -------------------------------------------------------------------------


def test_the_link_local_address_is_the_modified_eui64_of_the_mac() -> None:
    assert link_local_address("00:00:5e:00:53:01") == DEVICE_LINK_LOCAL
    assert link_local_address("02:00:00:00:00:01") == "fe80::ff:fe00:1"


def test_link_up_reports_groups_probes_each_address_then_solicits_routers() -> None:
    stack = make_stack(settle=False)
    first = sent(stack)
    report, *probes = first
    assert report.packet.destination == mld.ALL_MLDV2_ROUTERS
    assert report.packet.hop_limit == 1 and report.packet.next_header == ipv6.NEXT_HOP_BY_HOP
    assert report.packet.source == "::"  # before DAD (RFC 3810 §5.2.13)
    groups = {group for _, group in mld.decode_v2_report(report.icmp)}
    assert groups == {solicited_node_group(DEVICE_LINK_LOCAL), solicited_node_group(DEVICE_GLOBAL)}
    targets = []
    for probe in probes:
        message = ndp.decode(probe.icmp)
        assert isinstance(message, ndp.NeighborSolicitation) and message.options == ()
        assert probe.packet.source == "::" and probe.packet.hop_limit == 255
        assert probe.packet.destination == solicited_node_group(message.target)
        targets.append(message.target)
    assert targets == [DEVICE_LINK_LOCAL, DEVICE_GLOBAL]
    assert all(entry.state is AddressState.TENTATIVE for entry in stack.ipv6.addresses.unicast)
    assert stack.next_deadline() == SECOND
    stack.advance(SECOND)
    later = sent(stack)
    assert all(entry.state is AddressState.PREFERRED for entry in stack.ipv6.addresses.unicast)
    kinds = [item.icmp.type for item in later]
    assert icmpv6.ROUTER_SOLICITATION in kinds and icmpv6.MLDV2_REPORT in kinds
    solicit = next(item for item in later if item.icmp.type == icmpv6.ROUTER_SOLICITATION)
    assert solicit.packet.source == DEVICE_LINK_LOCAL and solicit.packet.destination == "ff02::2"
    assert solicit.frame.destination == "33:33:00:00:00:02"
    # RFC 4861 §6.3.7: three solicitations, four seconds apart, then no more.
    for step in range(1, 4):
        stack.advance(SECOND + 4 * SECOND * step)
    assert stack.stats.get("ndp.router_solicitations_sent") == 3


def test_without_dad_addresses_are_used_at_once() -> None:
    stack = make_stack(settle=False, duplicate_address_detection=False)
    assert all(entry.state is AddressState.PREFERRED for entry in stack.ipv6.addresses.unicast)
    assert not any(item.icmp.type == icmpv6.NEIGHBOR_SOLICITATION for item in sent(stack))


def test_packets_to_a_tentative_address_are_not_received() -> None:
    stack = make_stack(settle=False)
    stack.take_outgoing()
    stack.receive(echo_request(), 100)
    assert stack.stats.get("ipv6.drop.tentative-destination") == 1
    assert sent(stack) == []


# --- Echo ----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "destination"), [
    (PEER_GLOBAL, DEVICE_GLOBAL), (PEER_LINK_LOCAL, DEVICE_LINK_LOCAL)])
def test_echo_requests_to_each_address_are_answered_from_it(source: str,
                                                             destination: str) -> None:
    stack = make_stack()
    stack.receive(solicitation(destination, source=source), 2 * SECOND)
    stack.take_outgoing()
    stack.receive(echo_request(source=source, destination=destination, sequence=7),
                  2 * SECOND)
    [reply] = sent(stack)
    assert (reply.packet.source, reply.packet.destination) == (destination, source)
    assert reply.frame.destination == PEER_MAC
    echo = icmpv6.decode_echo(reply.icmp)
    assert reply.icmp.type == icmpv6.ECHO_REPLY and echo.sequence == 7
    assert echo.data == b"levante ping"


def test_an_echo_to_all_nodes_is_answered_from_a_unicast_address() -> None:
    stack = make_stack()
    resolved(stack)
    stack.receive(echo_request(destination=ALL_NODES), 2 * SECOND)
    [reply] = sent(stack)
    assert reply.packet.source == DEVICE_GLOBAL and reply.icmp.type == icmpv6.ECHO_REPLY


def test_an_unresolved_peer_is_solicited_and_the_reply_waits_for_its_advertisement() -> None:
    stack = make_stack()
    stack.receive(echo_request(), 2 * SECOND)
    [question] = sent(stack)
    message = ndp.decode(question.icmp)
    assert isinstance(message, ndp.NeighborSolicitation) and message.target == PEER_GLOBAL
    assert question.packet.destination == solicited_node_group(PEER_GLOBAL)
    from netpeer6 import advertisement
    stack.receive(advertisement(), 2 * SECOND + 1000)
    [reply] = sent(stack)
    assert reply.icmp.type == icmpv6.ECHO_REPLY and reply.frame.destination == PEER_MAC


# --- Input checks --------------------------------------------------------------------


@pytest.mark.parametrize(("source", "destination", "reason"), [
    ("ff02::1", DEVICE_GLOBAL, "multicast-source"),
    ("::1", DEVICE_GLOBAL, "loopback-address"),
    (PEER_GLOBAL, "::1", "loopback-address"),
    ("::ffff:192.0.2.9", DEVICE_GLOBAL, "mapped-address"),
    (DEVICE_GLOBAL, DEVICE_GLOBAL, "own-source"),
    (DEVICE_LINK_LOCAL, DEVICE_GLOBAL, "own-source"),
    (PEER_GLOBAL, "2001:db8::99", "not-for-us"),
    (PEER_GLOBAL, "ff02::1:ff99:9999", "not-our-group"),
])
def test_martian_and_foreign_packets_are_dropped_silently(source: str, destination: str,
                                                          reason: str) -> None:
    stack = make_stack()
    resolved(stack)
    stack.receive(echo_request(source=source, destination=destination,
                               destination_mac=DEVICE_MAC), 3 * SECOND)
    assert stack.stats.get(f"ipv6.drop.{reason}") == 1
    assert sent(stack) == []


def test_truncated_and_wrong_version_packets_are_malformed() -> None:
    stack = make_stack()
    good = echo_request()
    stack.receive(good[:14 + 39], 2 * SECOND)
    stack.receive(good[:14] + bytes((0x40,)) + good[15:], 2 * SECOND)
    stack.receive(good[:-1], 2 * SECOND)  # the payload length claims one more octet
    assert stack.stats.get("ipv6.drop.malformed") == 3


def test_frames_to_groups_the_interface_does_not_listen_to_are_not_taken() -> None:
    stack = make_stack()
    stack.receive(echo_request(destination="ff02::1:ff99:9999"), 2 * SECOND)
    assert stack.stats.get("ethernet.drop.not-for-us") == 1


# --- Extension headers and Parameter Problem ---------------------------------------

ECHO = icmpv6.echo_message(icmpv6.ECHO_REQUEST, icmpv6.Echo(1, 1, b"x"))


def with_headers(extension: bytes, *, destination: str = DEVICE_GLOBAL) -> bytes:
    return frame(icmp_packet(ECHO, destination=destination, extension=extension))


def problems(stack) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    found = []
    for item in sent(stack):
        if item.icmp.type == icmpv6.PARAMETER_PROBLEM:
            found.append((item.icmp.code, int.from_bytes(item.icmp.body[:4], "big")))
    return found


# A Hop-by-Hop or Destination Options header: next header, length 0, then 6 octets of
# options; the final octet is what the test's first header's type is.
def options_header(next_header: int, options: bytes) -> bytes:
    return bytes((next_header, 0)) + options


def test_a_hop_by_hop_header_first_is_processed_and_the_echo_answered() -> None:
    stack = make_stack()
    resolved(stack)
    stack.receive(with_headers(options_header(58, bytes((1, 4, 0, 0, 0, 0))) + bytes((0,))),
                  3 * SECOND)
    assert [item.icmp.type for item in sent(stack)] == [icmpv6.ECHO_REPLY]


def test_hop_by_hop_after_another_header_is_a_parameter_problem() -> None:
    stack = make_stack()
    resolved(stack)
    chain = options_header(0, bytes((1, 4, 0, 0, 0, 0))) + \
        options_header(58, bytes((1, 4, 0, 0, 0, 0))) + bytes((60,))
    stack.receive(with_headers(chain), 3 * SECOND)
    assert problems(stack) == [(1, 40)]  # the Destination Options' Next Header field


@pytest.mark.parametrize(("option_type", "answered"), [
    (0x1E, False), (0x5E, False), (0x9E, True), (0xDE, True)])
def test_unknown_options_follow_their_action_bits(option_type: int, answered: bool) -> None:
    stack = make_stack()
    resolved(stack)
    header = options_header(58, bytes((option_type, 4, 0, 0, 0, 0))) + bytes((60,))
    stack.receive(with_headers(header), 3 * SECOND)
    replies = sent(stack)
    if option_type == 0x1E:  # 00: skipped, the echo is answered
        assert [item.icmp.type for item in replies] == [icmpv6.ECHO_REPLY]
    elif answered:
        assert problems_of(replies) == [(2, 42)]
    else:
        assert replies == [] and stack.stats.get("ipv6.drop.bad-extension-header") == 1


def problems_of(items) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [(item.icmp.code, int.from_bytes(item.icmp.body[:4], "big"))
            for item in items if item.icmp.type == icmpv6.PARAMETER_PROBLEM]


def test_to_multicast_only_action_10_options_are_answered() -> None:
    for option_type, expected in ((0x9E, [(2, 42)]), (0xDE, [])):
        stack = make_stack()
        resolved(stack)
        header = options_header(58, bytes((option_type, 4, 0, 0, 0, 0))) + bytes((60,))
        stack.receive(with_headers(header, destination=ALL_NODES), 3 * SECOND)
        assert problems_of(sent(stack)) == expected


def test_a_routing_header_with_segments_left_is_refused() -> None:
    stack = make_stack()
    resolved(stack)
    routing = bytes((58, 2, 0, 1, 0, 0, 0, 0)) + bytes(16) + bytes((43,))
    stack.receive(with_headers(routing), 3 * SECOND)
    assert problems(stack) == [(0, 42)]  # pointer: the Routing Type
    ignored = bytes((58, 2, 0, 0, 0, 0, 0, 0)) + bytes(16) + bytes((43,))
    stack.receive(with_headers(ignored), 3 * SECOND)
    assert [item.icmp.type for item in sent(stack)] == [icmpv6.ECHO_REPLY]


def test_an_unknown_next_header_is_answered_with_its_pointer() -> None:
    stack = make_stack()
    resolved(stack)
    packet = Ipv6Packet(next_header=253, source=PEER_GLOBAL, destination=DEVICE_GLOBAL,
                        payload=b"experiment")
    stack.receive(frame(packet), 3 * SECOND)
    assert problems(stack) == [(1, 6)]
    assert stack.stats.get("ipv6.drop.unknown-next-header") == 1


def test_fragments_are_dropped_and_atomic_fragments_processed() -> None:
    stack = make_stack()
    resolved(stack)
    first = bytes((58, 0, 0, 1, 0, 0, 0, 9)) + bytes((44,))  # offset 0, more
    data = icmpv6.encode(ECHO, source=PEER_GLOBAL, destination=DEVICE_GLOBAL)
    stack.receive(frame(Ipv6Packet(next_header=44, source=PEER_GLOBAL,
                                   destination=DEVICE_GLOBAL,
                                   payload=first[:-1] + data + bytes(8 - len(data) % 8))),
                  3 * SECOND)
    assert stack.stats.get("ipv6.drop.fragment") == 1
    atomic = bytes((58, 0, 0, 0, 0, 0, 0, 9))
    stack.receive(frame(Ipv6Packet(next_header=44, source=PEER_GLOBAL,
                                   destination=DEVICE_GLOBAL, payload=atomic + data)),
                  3 * SECOND)
    assert [item.icmp.type for item in sent(stack)] == [icmpv6.ECHO_REPLY]


def test_a_first_fragment_without_the_upper_header_is_code_3() -> None:
    stack = make_stack()
    resolved(stack)
    header = bytes((58, 0, 0, 1, 0, 0, 0, 9))
    stack.receive(frame(Ipv6Packet(next_header=44, source=PEER_GLOBAL,
                                   destination=DEVICE_GLOBAL, payload=header)), 3 * SECOND)
    assert problems(stack) == [(3, 0)]


# --- Errors: the RFC 4443 §2.4 rules -------------------------------------------------


def test_no_error_about_an_icmpv6_error() -> None:
    stack = make_stack()
    resolved(stack)
    error = icmpv6.error_message(icmpv6.DESTINATION_UNREACHABLE, 0, 0, bytes(48))
    routing = bytes((58, 2, 0, 1, 0, 0, 0, 0)) + bytes(16)
    data = icmpv6.encode(error, source=PEER_GLOBAL, destination=DEVICE_GLOBAL)
    stack.receive(frame(Ipv6Packet(next_header=43, source=PEER_GLOBAL,
                                   destination=DEVICE_GLOBAL, payload=routing + data)),
                  3 * SECOND)
    assert problems(stack) == []
    assert stack.stats.get("icmpv6.drop.error-not-allowed") == 1


def test_errors_are_rate_limited_on_simulated_time() -> None:
    stack = make_stack()
    resolved(stack)
    packet = frame(Ipv6Packet(next_header=253, source=PEER_GLOBAL, destination=DEVICE_GLOBAL))
    for _ in range(15):
        stack.receive(packet, 3 * SECOND)
    assert len(problems(stack)) == 10
    assert stack.stats.get("icmpv6.drop.error-rate-limited") == 5
    stack.receive(packet, 3 * SECOND + 100_000)
    assert len(problems(stack)) == 1


def test_errors_carry_at_most_what_fits_the_minimum_mtu() -> None:
    stack = make_stack()
    resolved(stack)
    stack.receive(frame(Ipv6Packet(next_header=253, source=PEER_GLOBAL,
                                   destination=DEVICE_GLOBAL, payload=bytes(1400))),
                  3 * SECOND)
    [error] = sent(stack)
    assert len(ipv6.encode(error.packet)) == 1280


def test_packet_too_big_lowers_the_path_mtu_but_never_below_1280() -> None:
    stack = make_stack()
    resolved(stack)
    invoking = ipv6.encode(Ipv6Packet(next_header=17, source=DEVICE_GLOBAL,
                                      destination="2001:db8::2", payload=bytes(8)))
    for mtu, expected in ((1400, 1400), (500, 1280)):
        message = icmpv6.error_message(icmpv6.PACKET_TOO_BIG, 0, mtu, invoking)
        stack.receive(frame(icmp_packet(message)), 3 * SECOND)
        assert stack.ipv6.path_mtu(PEER_GLOBAL, 3 * SECOND) == expected
    forged = ipv6.encode(Ipv6Packet(next_header=17, source="2001:db8::7",
                                    destination=PEER_GLOBAL, payload=bytes(8)))
    stack.receive(frame(icmp_packet(icmpv6.error_message(icmpv6.PACKET_TOO_BIG, 0, 1300,
                                                         forged))), 3 * SECOND)
    assert stack.stats.get("icmpv6.drop.packet-too-big-not-ours") == 1
    assert stack.ipv6.path_mtu(PEER_GLOBAL, 3 * SECOND + 601 * SECOND) == 1500


def test_icmpv6_with_a_bad_checksum_is_dropped() -> None:
    stack = make_stack()
    good = icmp_packet(ECHO)
    bad = Ipv6Packet(next_header=58, source=good.source, destination=good.destination,
                     payload=good.payload[:2] + b"\0\0" + good.payload[4:])
    stack.receive(frame(bad), 2 * SECOND)
    assert stack.stats.get("icmpv6.drop.bad-checksum") == 1


def test_unknown_informational_messages_are_discarded() -> None:
    stack = make_stack()
    stack.receive(frame(icmp_packet(Icmpv6Message(type=200))), 2 * SECOND)
    assert stack.stats.get("icmpv6.drop.unknown-type") == 1 and sent(stack) == []


# --- UDP over IPv6 -----------------------------------------------------------------


def test_udp_over_ipv6_both_ways_with_the_same_endpoint_calls() -> None:
    stack = make_stack()
    resolved(stack)
    endpoint = stack.udp.bind(5683)
    stack.receive(udp_frame(5683, b"ping"), 3 * SECOND)
    datagram = endpoint.take()
    assert datagram is not None
    assert (datagram.source, datagram.source_port, datagram.payload) == \
        (PEER_GLOBAL, 40000, b"ping")
    assert stack.udp.send(endpoint, "2001:DB8::2", 40000, b"pong", 3 * SECOND)
    [reply] = sent(stack)
    assert reply.packet.next_header == ipv6.NEXT_UDP and reply.packet.source == DEVICE_GLOBAL
    from levante.codecs import udp
    answer = udp.decode(reply.upper, source=DEVICE_GLOBAL, destination=PEER_GLOBAL)
    assert answer.payload == b"pong" and answer.checksum


def test_udp_to_a_closed_port_is_port_unreachable_but_not_for_multicast() -> None:
    stack = make_stack()
    resolved(stack)
    stack.receive(udp_frame(9), 3 * SECOND)
    [error] = sent(stack)
    assert (error.icmp.type, error.icmp.code) == (icmpv6.DESTINATION_UNREACHABLE, 4)
    stack.receive(udp_frame(9, destination=ALL_NODES), 3 * SECOND)
    assert sent(stack) == []


def test_udp_over_ipv6_without_a_checksum_is_dropped() -> None:
    stack = make_stack()
    stack.udp.bind(5683)
    stack.receive(udp_frame(5683, checksum=0), 2 * SECOND)
    assert stack.stats.get("udp.drop.bad-checksum") == 1


def test_udp_send_to_a_bad_ipv6_address_is_refused_and_counted() -> None:
    stack = make_stack()
    endpoint = stack.udp.bind(0)
    assert not stack.udp.send(endpoint, "2001:db8::zz", 9, b"x", 2 * SECOND)
    assert not stack.udp.send(endpoint, "ff02::1%eth0", 9, b"x", 2 * SECOND)
    assert stack.stats.get("udp.drop.unsendable") == 2


def test_off_link_destinations_need_a_router() -> None:
    stack = make_stack()
    endpoint = stack.udp.bind(0)
    assert not stack.udp.send(endpoint, "2001:db8:99::9", 9, b"x", 2 * SECOND)
    assert stack.stats.get("ipv6.drop.no-route") == 1


@pytest.mark.parametrize("destination", ["::1", "::", "::ffff:192.0.2.9"])
def test_loopback_unspecified_and_mapped_destinations_are_never_sent(destination: str) -> None:
    stack = make_stack()
    stack.receive(router_advertisement(), 2 * SECOND)  # a router that would take anything
    stack.take_outgoing()
    endpoint = stack.udp.bind(0)
    assert not stack.udp.send(endpoint, destination, 9, b"x", 2 * SECOND)
    assert sent(stack) == []
