"""Neighbor Discovery in the stack: every RFC 4861 §6.1/§7.1/§8.1 validity check drops
with its reason, the neighbour cache's states on simulated time and its bounds, DAD
conflicts, router advertisements (routers, prefixes, SLAAC, MTU), redirects and MLD."""

from __future__ import annotations

import pytest
from netpeer6 import (
    ALL_NODES,
    DEVICE_GLOBAL,
    DEVICE_LINK_LOCAL,
    PEER_GLOBAL,
    PEER_LINK_LOCAL,
    PEER_MAC,
    ROUTER_LINK_LOCAL,
    ROUTER_MAC,
    SECOND,
    advertisement,
    echo_request,
    frame,
    icmp_packet,
    make_stack,
    mld_query,
    nd_frame,
    prefix,
    router_advertisement,
    sent,
    solicitation,
)

from levante.codecs import icmpv6, mld, ndp
from levante.codecs.icmpv6 import Icmpv6Message
from levante.net.stack.ipv6_addresses import AddressState
from levante.net.stack.ipv6_settings import solicited_node_group
from levante.net.stack.neighbors import NeighborState

OTHER_MAC = "00:00:5e:00:53:77"


def drops(stack) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {name: value for name, value in stack.stats.drops().items()
            if name.startswith("ndp.")}


# --- The validity checks ------------------------------------------------------------


@pytest.mark.parametrize(("data", "reason"), [
    (solicitation(hop_limit=254), "hop-limit-not-255"),
    (solicitation(code=1), "bad-code"),
    (solicitation("ff02::1"), "multicast-target"),
    (solicitation(source="::", mac=None, destination=ALL_NODES),
     "unspecified-source-not-solicited-node"),
    (solicitation(source="::"), "unspecified-source-with-address"),
    (solicitation("2001:db8::99", destination=DEVICE_GLOBAL), "target-not-ours"),
    (advertisement(hop_limit=64), "hop-limit-not-255"),
    (advertisement("ff02::1", source=PEER_GLOBAL), "multicast-target"),
    (advertisement(destination=ALL_NODES, solicited=True), "solicited-to-multicast"),
    (advertisement(), "advertisement-unsolicited"),
    (nd_frame(ndp.RouterSolicitation()), "router-solicitation-to-host"),
    (nd_frame(ndp.RouterSolicitation((ndp.LinkLayerAddress(1, PEER_MAC),)), source="::"),
     "unspecified-source-with-address"),
    (router_advertisement(source=PEER_GLOBAL), "router-not-link-local"),
    (router_advertisement(hop_limit=64), "hop-limit-not-255"),
    (nd_frame(ndp.Redirect(PEER_LINK_LOCAL, PEER_GLOBAL), source=ROUTER_LINK_LOCAL),
     "redirect-not-from-router"),
    (nd_frame(ndp.Redirect(PEER_LINK_LOCAL, PEER_GLOBAL)), "redirect-not-link-local"),
])
def test_each_invalid_message_is_dropped_with_its_reason(data: bytes, reason: str) -> None:
    stack = make_stack()
    stack.receive(data, 2 * SECOND)
    assert drops(stack) == {f"ndp.drop.{reason}": 1}
    assert sent(stack) == []


def raw_nd(message_type: int, body: bytes, **fields: object) -> bytes:
    return frame(icmp_packet(Icmpv6Message(type=message_type, body=body), hop_limit=255,
                             destination=solicited_node_group(DEVICE_GLOBAL),
                             **fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(("data", "reason"), [
    (raw_nd(icmpv6.NEIGHBOR_SOLICITATION, bytes(19)), "too-short"),  # 23 octets
    (raw_nd(icmpv6.NEIGHBOR_ADVERTISEMENT, bytes(19)), "too-short"),
    (raw_nd(icmpv6.ROUTER_ADVERTISEMENT, bytes(11), source=ROUTER_LINK_LOCAL), "too-short"),
    (raw_nd(icmpv6.REDIRECT, bytes(35)), "too-short"),
    # An option of length 0 (RFC 4861 §4.6), and one running past the message.
    (raw_nd(icmpv6.NEIGHBOR_SOLICITATION, bytes(4) + bytes.fromhex(
        "20010db8000000000000000000000001") + bytes((1, 0, 0, 0, 0, 0, 0, 0))), "bad-option"),
    (raw_nd(icmpv6.NEIGHBOR_SOLICITATION, bytes(4) + bytes.fromhex(
        "20010db8000000000000000000000001") + bytes((1, 2, 0, 0, 0, 0, 0, 0))), "bad-option"),
])
def test_short_messages_and_bad_options_are_dropped(data: bytes, reason: str) -> None:
    stack = make_stack()
    stack.receive(data, 2 * SECOND)
    assert drops(stack) == {f"ndp.drop.{reason}": 1}


def test_a_neighbor_message_from_the_unspecified_address_is_only_taken_for_dad() -> None:
    stack = make_stack()
    echo = echo_request(source="::")
    stack.receive(echo, 2 * SECOND)
    assert stack.stats.get("icmpv6.drop.unspecified-source") == 1


# --- Solicitations and advertisements ---------------------------------------------


def test_a_solicitation_is_answered_solicited_with_our_mac_and_teaches_the_cache() -> None:
    stack = make_stack()
    stack.receive(solicitation(), 2 * SECOND)
    [answer] = sent(stack)
    message = ndp.decode(answer.icmp)
    assert isinstance(message, ndp.NeighborAdvertisement)
    assert message.solicited and message.override and not message.router
    assert message.target == DEVICE_GLOBAL and answer.packet.destination == PEER_GLOBAL
    assert message.options == (ndp.LinkLayerAddress(ndp.TARGET_LINK_LAYER,
                                                    "00:00:5e:00:53:01"),)
    entry = stack.ipv6.resolver.cache.get(PEER_GLOBAL)
    assert entry is not None and entry.state is NeighborState.DELAY  # STALE, then used
    assert entry.mac == PEER_MAC


def test_a_dad_probe_for_our_address_is_answered_to_all_nodes() -> None:
    stack = make_stack()
    stack.receive(solicitation(source="::", mac=None), 2 * SECOND)
    [answer] = sent(stack)
    message = ndp.decode(answer.icmp)
    assert isinstance(message, ndp.NeighborAdvertisement) and not message.solicited
    assert answer.packet.destination == ALL_NODES


def test_another_nodes_dad_probe_for_our_tentative_address_makes_it_a_duplicate() -> None:
    stack = make_stack(settle=False)
    stack.receive(solicitation(source="::", mac=None), 500_000)
    assert not stack.ipv6.addresses.is_ours(DEVICE_GLOBAL)
    assert stack.stats.get("ipv6.dad_failed") == 1
    stack.advance(SECOND)
    assert [entry.address for entry in stack.ipv6.addresses.unicast] == [DEVICE_LINK_LOCAL]


def test_an_advertisement_for_our_tentative_address_makes_it_a_duplicate() -> None:
    stack = make_stack(settle=False)
    stack.receive(advertisement(DEVICE_GLOBAL, solicited=False, destination=ALL_NODES,
                                source=PEER_GLOBAL), 500_000)
    assert stack.stats.get("ipv6.dad_failed") == 1
    assert not stack.ipv6.addresses.is_ours(DEVICE_GLOBAL)


def test_an_advertisement_for_an_assigned_address_is_a_conflict_and_changes_nothing() -> None:
    stack = make_stack()
    stack.receive(advertisement(DEVICE_GLOBAL, solicited=False, destination=ALL_NODES,
                                source=PEER_GLOBAL), 2 * SECOND)
    assert stack.stats.get("ndp.drop.address-conflict") == 1
    assert stack.ipv6.addresses.is_assigned(DEVICE_GLOBAL)


def test_a_solicitation_for_a_tentative_address_is_not_answered() -> None:
    stack = make_stack(settle=False)
    stack.take_outgoing()
    stack.receive(solicitation(), 500_000)
    assert stack.stats.get("ndp.drop.target-tentative") == 1 and sent(stack) == []


# --- The neighbour cache's states ----------------------------------------------------


def test_reachable_goes_stale_then_delay_probe_and_is_removed_unanswered() -> None:
    stack = make_stack()
    stack.receive(echo_request(), 2 * SECOND)  # INCOMPLETE, one solicitation
    stack.receive(advertisement(), 2 * SECOND)
    entry = stack.ipv6.resolver.cache.get(PEER_GLOBAL)
    assert entry is not None and entry.state is NeighborState.REACHABLE
    stack.advance(32 * SECOND)
    assert entry.state is NeighborState.STALE
    stack.take_outgoing()
    stack.receive(echo_request(sequence=2), 33 * SECOND)
    assert entry.state is NeighborState.DELAY
    stack.advance(38 * SECOND)
    assert entry.state is NeighborState.PROBE
    probes = [item for item in sent(stack) if item.icmp.type == icmpv6.NEIGHBOR_SOLICITATION]
    assert len(probes) == 1 and probes[0].frame.destination == PEER_MAC  # unicast
    for instant in (39, 40, 41):
        stack.advance(instant * SECOND)
    assert stack.ipv6.resolver.cache.get(PEER_GLOBAL) is None
    assert stack.stats.get("ndp.neighbor_unreachable") == 1


def test_a_probe_answered_makes_the_entry_reachable_again() -> None:
    stack = make_stack()
    stack.receive(solicitation(), 2 * SECOND)
    stack.advance(7 * SECOND)
    entry = stack.ipv6.resolver.cache.get(PEER_GLOBAL)
    assert entry is not None and entry.state is NeighborState.PROBE
    stack.receive(advertisement(override=False), 7 * SECOND)
    assert entry.state is NeighborState.REACHABLE


def test_an_unanswered_resolution_gives_up_after_three_solicitations() -> None:
    stack = make_stack()
    stack.receive(echo_request(), 2 * SECOND)
    for instant in (3, 4, 5):
        stack.advance(instant * SECOND)
    solicitations = [item for item in sent(stack)
                     if item.icmp.type == icmpv6.NEIGHBOR_SOLICITATION]
    assert len(solicitations) == 3
    assert stack.stats.get("ndp.drop.unresolved") == 1
    assert stack.ipv6.resolver.cache.get(PEER_GLOBAL) is None


def test_an_advertisement_without_override_does_not_replace_a_known_mac() -> None:
    stack = make_stack()
    stack.receive(echo_request(), 2 * SECOND)
    stack.receive(advertisement(), 2 * SECOND)
    stack.receive(advertisement(override=False, mac=OTHER_MAC), 2 * SECOND)
    entry = stack.ipv6.resolver.cache.get(PEER_GLOBAL)
    assert entry is not None and entry.mac == PEER_MAC and entry.state is NeighborState.STALE
    stack.receive(advertisement(override=True, solicited=False, mac=OTHER_MAC), 2 * SECOND)
    assert entry.mac == OTHER_MAC


def test_the_queue_of_an_unresolved_address_is_bounded() -> None:
    stack = make_stack()
    for sequence in range(5):
        stack.receive(echo_request(sequence=sequence), 2 * SECOND)
    assert stack.stats.get("ndp.drop.queue-full") == 2
    stack.receive(advertisement(), 2 * SECOND)
    replies = [item for item in sent(stack) if item.icmp.type == icmpv6.ECHO_REPLY]
    assert [icmpv6.decode_echo(item.icmp).sequence for item in replies] == [2, 3, 4]


def test_a_flood_of_solicitors_churns_the_cache_without_growing_it() -> None:
    stack = make_stack(max_neighbors=4)
    for index in range(200):
        source = f"2001:db8::{index + 100:x}"
        mac = f"00:00:5e:00:{index // 256:02x}:{index % 256:02x}"
        stack.receive(solicitation(source=source, mac=mac, source_mac=mac), 2 * SECOND + index)
    assert len(stack.ipv6.resolver.cache) == 4
    assert stack.stats.get("ndp.evicted") == 196
    assert stack.stats.get("ndp.advertisements_sent") == 200


# --- Routers, prefixes and SLAAC --------------------------------------------------


def test_a_router_advertisement_gives_a_router_a_prefix_and_a_slaac_address() -> None:
    stack = make_stack(static=None)
    stack.receive(router_advertisement(prefix(), current_hop_limit=32), 2 * SECOND)
    slaac = "2001:db8:1:0:200:5eff:fe00:5301"
    entry = stack.ipv6.addresses.find(slaac)
    assert entry is not None and entry.state is AddressState.TENTATIVE
    assert stack.ipv6.nd.default_router(2 * SECOND) == ROUTER_LINK_LOCAL
    assert stack.ipv6.hop_limit == 32
    assert stack.ipv6.addresses.is_on_link("2001:db8:1::9")
    stack.advance(3 * SECOND + 1)
    assert entry.state is AddressState.PREFERRED
    # Off-link destinations now go through the router.
    endpoint = stack.udp.bind(0)
    stack.take_outgoing()
    assert stack.udp.send(endpoint, "2001:db8:99::9", 9, b"x", 4 * SECOND)
    [datagram] = sent(stack)
    assert datagram.frame.destination == ROUTER_MAC and datagram.packet.source == slaac


def test_slaac_addresses_age_out_with_their_lifetimes() -> None:
    stack = make_stack(static=None)
    stack.receive(router_advertisement(prefix(valid=30, preferred=10)), 2 * SECOND)
    slaac = "2001:db8:1:0:200:5eff:fe00:5301"
    stack.advance(3 * SECOND)
    entry = stack.ipv6.addresses.find(slaac)
    assert entry is not None and entry.state is AddressState.PREFERRED
    stack.advance(12 * SECOND)
    assert entry.state is AddressState.DEPRECATED
    stack.advance(32 * SECOND)
    assert stack.ipv6.addresses.find(slaac) is None


def test_the_two_hour_rule_keeps_a_forged_advertisement_from_expiring_an_address() -> None:
    stack = make_stack(static=None)
    stack.receive(router_advertisement(prefix(valid=86400, preferred=3600)), 2 * SECOND)
    stack.receive(router_advertisement(prefix(valid=5, preferred=0)), 3 * SECOND)
    entry = stack.ipv6.addresses.find("2001:db8:1:0:200:5eff:fe00:5301")
    assert entry is not None and entry.valid_until == 3 * SECOND + 7200 * SECOND


@pytest.mark.parametrize(("option", "reason"), [
    (prefix(length=48), "slaac-prefix-length"),
    (prefix(valid=10, preferred=20), "slaac-preferred-over-valid"),
    (prefix("fe80::"), "slaac-link-local-prefix"),
])
def test_prefixes_that_cannot_make_an_address_are_refused(option: ndp.PrefixInformation,
                                                          reason: str) -> None:
    stack = make_stack(static=None)
    stack.receive(router_advertisement(option), 2 * SECOND)
    assert stack.stats.get(f"ndp.drop.{reason}") == 1
    assert len(stack.ipv6.addresses.unicast) == 1


def test_the_address_table_bounds_slaac() -> None:
    stack = make_stack()  # link-local and static fill Zephyr's default of 2
    stack.receive(router_advertisement(prefix()), 2 * SECOND)
    assert stack.stats.get("ipv6.drop.address-table-full") == 1


def test_router_list_and_prefix_list_are_bounded() -> None:
    stack = make_stack(static=None, max_routers=1, prefix_count=1)
    stack.receive(router_advertisement(prefix(autonomous=False)), 2 * SECOND)
    stack.receive(router_advertisement(prefix("2001:db8:2::", autonomous=False),
                                       source="fe80::2"), 2 * SECOND)
    assert stack.stats.get("ndp.drop.router-list-full") == 1
    assert stack.stats.get("ndp.drop.prefix-list-full") == 1
    assert list(stack.ipv6.nd.routers) == [ROUTER_LINK_LOCAL]


def test_a_router_lifetime_of_zero_removes_the_router_and_solicitations_stop() -> None:
    stack = make_stack(static=None)
    stack.receive(router_advertisement(), 2 * SECOND)
    assert stack.ipv6.autoconf.next_solicitation_at is None
    stack.receive(router_advertisement(lifetime=0), 3 * SECOND)
    assert stack.ipv6.nd.default_router(3 * SECOND) is None


def test_the_mtu_option_is_taken_only_within_bounds() -> None:
    stack = make_stack(static=None)
    stack.receive(router_advertisement(ndp.MtuOption(1400)), 2 * SECOND)
    assert stack.ipv6.nd.link_mtu == 1400
    stack.receive(router_advertisement(ndp.MtuOption(1000)), 2 * SECOND)
    stack.receive(router_advertisement(ndp.MtuOption(9000)), 2 * SECOND)
    assert stack.ipv6.nd.link_mtu == 1400
    assert stack.stats.get("ndp.drop.bad-mtu-option") == 2


def test_router_discovery_off_drops_advertisements() -> None:
    stack = make_stack(static=None, neighbor_discovery=False)
    stack.receive(router_advertisement(prefix()), 2 * SECOND)
    assert stack.stats.get("ndp.drop.router-discovery-off") == 1
    assert stack.stats.get("ndp.router_solicitations_sent") == 0


def test_a_valid_redirect_from_our_router_is_ignored() -> None:
    stack = make_stack(static=None)
    stack.receive(router_advertisement(), 2 * SECOND)
    stack.receive(nd_frame(ndp.Redirect(PEER_LINK_LOCAL, "2001:db8:5::5"),
                           source=ROUTER_LINK_LOCAL, destination=DEVICE_LINK_LOCAL,
                           source_mac=ROUTER_MAC), 2 * SECOND)
    assert stack.stats.get("ndp.drop.redirect-ignored") == 1
    stack.receive(nd_frame(ndp.Redirect(PEER_LINK_LOCAL, "ff02::5"),
                           source=ROUTER_LINK_LOCAL, destination=DEVICE_LINK_LOCAL,
                           source_mac=ROUTER_MAC), 2 * SECOND)
    stack.receive(nd_frame(ndp.Redirect("2001:db8:7::7", "2001:db8:5::5"),
                           source=ROUTER_LINK_LOCAL, destination=DEVICE_LINK_LOCAL,
                           source_mac=ROUTER_MAC), 2 * SECOND)
    assert stack.stats.get("ndp.drop.redirect-multicast-destination") == 1
    assert stack.stats.get("ndp.drop.redirect-bad-target") == 1


# --- MLD ---------------------------------------------------------------------------


def reports(stack) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [item for item in sent(stack)
            if item.icmp.type in (icmpv6.MLDV2_REPORT, icmpv6.MLDV1_REPORT)]


def test_a_general_query_is_answered_with_every_group_after_half_the_delay() -> None:
    stack = make_stack()
    stack.advance(5 * SECOND)
    stack.take_outgoing()
    stack.receive(mld_query(delay_ms=10_000), 6 * SECOND)
    assert reports(stack) == []
    stack.advance(11 * SECOND)
    [report] = reports(stack)
    assert report.packet.source == DEVICE_LINK_LOCAL and report.packet.hop_limit == 1
    records = mld.decode_v2_report(report.icmp)
    assert set(records) == {(mld.MODE_IS_EXCLUDE, solicited_node_group(DEVICE_LINK_LOCAL)),
                            (mld.MODE_IS_EXCLUDE, solicited_node_group(DEVICE_GLOBAL))}


def test_a_version_1_query_is_answered_with_version_1_reports() -> None:
    stack = make_stack()
    stack.advance(5 * SECOND)
    stack.take_outgoing()
    stack.receive(mld_query(version=1, delay_ms=1000), 6 * SECOND)
    stack.advance(7 * SECOND)
    answers = reports(stack)
    assert {item.icmp.type for item in answers} == {icmpv6.MLDV1_REPORT}
    assert {item.packet.destination for item in answers} == \
        {solicited_node_group(DEVICE_LINK_LOCAL), solicited_node_group(DEVICE_GLOBAL)}


def test_a_group_query_for_another_group_is_not_answered() -> None:
    stack = make_stack()
    stack.advance(5 * SECOND)
    stack.take_outgoing()
    stack.receive(mld_query("ff02::1:ff99:9999"), 6 * SECOND)
    stack.advance(20 * SECOND)
    assert reports(stack) == []


@pytest.mark.parametrize(("data", "reason"), [
    (mld_query(source=PEER_GLOBAL), "query-not-link-local"),
    (mld_query(hop_limit=2), "hop-limit-not-1"),
])
def test_queries_from_off_the_link_are_dropped(data: bytes, reason: str) -> None:
    stack = make_stack()
    stack.receive(data, 2 * SECOND)
    assert stack.stats.get(f"mld.drop.{reason}") == 1


def test_without_mld_nothing_is_reported() -> None:
    stack = make_stack(settle=False, multicast_listener_discovery=False)
    assert not any(item.icmp.type == icmpv6.MLDV2_REPORT for item in sent(stack))
    stack.receive(mld_query(), 100)
    assert stack.stats.get("mld.drop.disabled") == 1
