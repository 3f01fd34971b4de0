"""IPv6: the fixed header, the extension header chain (RFC 8200 §4, RFC 7112), addresses,
ICMPv6, NDP and MLD messages; interop with scapy, and hostile input raising only the
codecs' errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netsupport import decodes_or_refuses, mutations, payloads, u8
from scapy.layers.inet6 import (
    UDP,
    ICMPv6EchoRequest,
    ICMPv6MLQuery2,
    ICMPv6ND_NA,
    ICMPv6ND_RA,
    ICMPv6NDOptMTU,
    ICMPv6NDOptPrefixInfo,
    ICMPv6NDOptSrcLLAddr,
    IPv6,
    IPv6ExtHdrFragment,
    IPv6ExtHdrHopByHop,
    RouterAlert,
)

from levante.codecs import icmpv6, ipv6, mld, ndp, udp
from levante.codecs.addresses import canonical_ipv6, ipv6_from_text, ipv6_to_text
from levante.codecs.errors import CodecError
from levante.codecs.ipv6 import Ipv6Error, Ipv6Packet, Ipv6ParameterProblem
from levante.codecs.ipv6_extensions import find_upper_layer, parse_chain

SOURCE, DESTINATION = "fe80::1", "2001:db8::1"
ipv6_addresses = st.binary(min_size=16, max_size=16).map(ipv6_to_text)


ipv6_packets = st.builds(Ipv6Packet, traffic_class=u8, flow_label=st.integers(0, 0xFFFFF),
                         next_header=u8, hop_limit=u8, source=ipv6_addresses,
                         destination=ipv6_addresses, payload=payloads)


def chain_of(packet_bytes: bytes) -> tuple[Ipv6Packet, object]:
    packet = ipv6.decode(packet_bytes)
    return packet, parse_chain(packet, destination_is_multicast=False)


# --- Addresses -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2001:db8::1%eth0", "2001:db8::g", "1:2:3:4:5:6:7:8:9",
                                  "", "١::1"])
def test_refuses_addresses_that_are_not_one_plain_ipv6_address(text: str) -> None:
    with pytest.raises(Ipv6Error):
        ipv6_from_text(text, Ipv6Error)


def test_one_address_has_one_text_form() -> None:
    assert canonical_ipv6("2001:DB8:0:0:0:0:0:1", Ipv6Error) == "2001:db8::1"


# --- The fixed header --------------------------------------------------------------


def test_decodes_a_scapy_packet_and_ignores_link_padding() -> None:
    data = bytes(IPv6(src=SOURCE, dst=DESTINATION, hlim=7, tc=0x28, fl=0x12345)
                 / ICMPv6EchoRequest(id=3, seq=4, data=b"hi"))
    packet = ipv6.decode(data + bytes(10))
    assert (packet.source, packet.destination, packet.hop_limit) == (SOURCE, DESTINATION, 7)
    assert (packet.traffic_class, packet.flow_label, packet.next_header) == (0x28, 0x12345, 58)
    assert ipv6.encode(packet) == data
    message = icmpv6.decode(packet.payload, source=SOURCE, destination=DESTINATION)
    assert icmpv6.decode_echo(message) == icmpv6.Echo(3, 4, b"hi")


@pytest.mark.parametrize(("data", "problem"), [
    (bytes(39), "truncated header"),
    (bytes((0x40,)) + bytes(39), "version 4"),
    (bytes((0x60, 0, 0, 0, 0, 9)) + bytes(34 + 8), "truncated packet"),
])
def test_refuses_malformed_headers(data: bytes, problem: str) -> None:
    with pytest.raises(Ipv6Error, match=problem):
        ipv6.decode(data)


@given(ipv6_packets)
def test_round_trip(packet: Ipv6Packet) -> None:
    assert ipv6.decode(ipv6.encode(packet)) == packet


@given(ipv6_packets)
def test_scapy_parses_levante_packets(packet: Ipv6Packet) -> None:
    parsed = IPv6(ipv6.encode(packet))
    assert (parsed.src, parsed.dst, parsed.hlim, parsed.fl) == \
        (packet.source, packet.destination, packet.hop_limit, packet.flow_label)


# --- The extension header chain ---------------------------------------------------


def test_walks_hop_by_hop_with_router_alert_to_icmpv6() -> None:
    data = bytes(IPv6(src=SOURCE, dst="ff02::16", hlim=1)
                 / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / ICMPv6MLQuery2())
    packet, chain = chain_of(data)
    assert chain.upper_layer == 58 and chain.upper_start == 8  # type: ignore[attr-defined]
    assert chain.hop_by_hop_options == (5,)  # type: ignore[attr-defined]


def test_hop_by_hop_only_first() -> None:
    hop = bytes((0, 0, 1, 4, 0, 0, 0, 0))
    with pytest.raises(Ipv6ParameterProblem) as problem:
        parse_chain(Ipv6Packet(next_header=60, source=SOURCE, destination=DESTINATION,
                               payload=hop + bytes(8)), destination_is_multicast=False)
    assert (problem.value.code, problem.value.pointer) == (1, 40)


def test_a_fragment_header_and_rfc_7112() -> None:
    whole = bytes(IPv6(src=SOURCE, dst=DESTINATION) / IPv6ExtHdrFragment(id=9, m=1, offset=0)
                  / UDP(sport=1, dport=2) / bytes(8))
    packet, chain = chain_of(whole)
    fragment = chain.fragment  # type: ignore[attr-defined]
    assert fragment is not None and fragment.more and fragment.identification == 9
    cut = Ipv6Packet(next_header=44, source=SOURCE, destination=DESTINATION,
                     payload=bytes((17, 0, 0, 1, 0, 0, 0, 9)))
    with pytest.raises(Ipv6ParameterProblem) as problem:
        parse_chain(cut, destination_is_multicast=False)
    assert problem.value.code == 3


def test_fragment_lengths_and_the_65535_octet_end() -> None:
    odd = Ipv6Packet(next_header=44, source=SOURCE, destination=DESTINATION,
                     payload=bytes((59, 0, 0, 1, 0, 0, 0, 9)) + bytes(7))
    with pytest.raises(Ipv6ParameterProblem) as problem:
        parse_chain(odd, destination_is_multicast=False)
    assert (problem.value.code, problem.value.pointer) == (0, 4)
    late = Ipv6Packet(next_header=44, source=SOURCE, destination=DESTINATION,
                      payload=bytes((59, 0, 0xFF, 0xF8, 0, 0, 0, 9)) + bytes(16))
    with pytest.raises(Ipv6ParameterProblem) as problem:
        parse_chain(late, destination_is_multicast=False)
    assert (problem.value.code, problem.value.pointer) == (0, 42)


def test_the_chain_is_bounded() -> None:
    long_chain = bytes((60, 0, 1, 4, 0, 0, 0, 0)) * 9 + bytes((59, 0, 1, 4, 0, 0, 0, 0))
    packet = Ipv6Packet(next_header=60, source=SOURCE, destination=DESTINATION,
                        payload=long_chain)
    with pytest.raises(Ipv6Error, match="more than 8"):
        parse_chain(packet, destination_is_multicast=False)
    assert find_upper_layer(packet) is None


@given(mutations(st.builds(lambda payload: bytes(
    IPv6(src=SOURCE, dst=DESTINATION) / IPv6ExtHdrHopByHop(options=[RouterAlert()])
    / IPv6ExtHdrFragment(m=1) / UDP() / payload), payloads)))
def test_malformed_input_raises_only_ipv6_errors(data: bytes) -> None:
    packet = decodes_or_refuses(ipv6.decode, data)
    if isinstance(packet, Ipv6Packet):
        for multicast in (False, True):
            decodes_or_refuses(lambda _, flag=multicast: parse_chain(  # type: ignore[misc]
                packet, destination_is_multicast=flag), data)
        find_upper_layer(packet)


# --- ICMPv6 ---------------------------------------------------------------------------


def test_the_checksum_covers_the_pseudo_header() -> None:
    message = icmpv6.echo_message(icmpv6.ECHO_REQUEST, icmpv6.Echo(1, 2, b"x"))
    data = icmpv6.encode(message, source=SOURCE, destination=DESTINATION)
    assert data == bytes(ICMPv6EchoRequest(id=1, seq=2, data=b"x")
                         .__class__(bytes(IPv6(src=SOURCE, dst=DESTINATION)
                                          / ICMPv6EchoRequest(id=1, seq=2, data=b"x"))[40:]))
    with pytest.raises(icmpv6.Icmpv6ChecksumError):
        icmpv6.decode(data, source=SOURCE, destination="2001:db8::2")


# --- NDP -------------------------------------------------------------------------------


def nd_message(scapy_message: object) -> icmpv6.Icmpv6Message:
    data = bytes(IPv6(src=SOURCE, dst="ff02::1", hlim=255) / scapy_message)  # type: ignore[operator]
    return icmpv6.decode(data[40:], source=SOURCE, destination="ff02::1")


def test_decodes_scapy_router_advertisements_with_their_options() -> None:
    message = ndp.decode(nd_message(
        ICMPv6ND_RA(chlim=64, routerlifetime=1800, M=1, prf=0)
        / ICMPv6NDOptSrcLLAddr(lladdr="00:00:5e:00:53:fe") / ICMPv6NDOptMTU(mtu=1400)
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64, validlifetime=100,
                                preferredlifetime=50)))
    assert isinstance(message, ndp.RouterAdvertisement)
    assert (message.current_hop_limit, message.router_lifetime, message.managed) == \
        (64, 1800, True)
    assert message.options == (
        ndp.LinkLayerAddress(1, "00:00:5e:00:53:fe"), ndp.MtuOption(1400),
        ndp.PrefixInformation(64, True, True, 100, 50, "2001:db8:1::"))
    assert ndp.encode(message).body == nd_message(
        ICMPv6ND_RA(chlim=64, routerlifetime=1800, M=1, prf=0)
        / ICMPv6NDOptSrcLLAddr(lladdr="00:00:5e:00:53:fe") / ICMPv6NDOptMTU(mtu=1400)
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64, validlifetime=100,
                                preferredlifetime=50)).body


def test_decodes_advertisement_flags() -> None:
    message = ndp.decode(nd_message(ICMPv6ND_NA(R=0, S=1, O=0, tgt="2001:db8::5")))
    assert message == ndp.NeighborAdvertisement("2001:db8::5", False, True, False, ())


@pytest.mark.parametrize(("body", "error"), [
    (bytes(19), ndp.NdpLengthError),
    (bytes(20) + bytes((1, 0, 0, 0, 0, 0, 0, 0)), ndp.NdpOptionError),
    (bytes(20) + bytes((1, 2, 0, 0, 0, 0, 0, 0)), ndp.NdpOptionError),
    (bytes(20) + bytes((1, 2)) + bytes(14), ndp.NdpOptionError),  # a 16-octet MAC option
])
def test_refuses_short_messages_and_bad_options(body: bytes, error: type[CodecError]) -> None:
    with pytest.raises(error):
        ndp.decode(icmpv6.Icmpv6Message(type=icmpv6.NEIGHBOR_SOLICITATION, body=body))


def test_options_are_bounded() -> None:
    body = bytes(20) + bytes((9, 1, 0, 0, 0, 0, 0, 0)) * 33
    with pytest.raises(ndp.NdpOptionError, match="more than 32"):
        ndp.decode(icmpv6.Icmpv6Message(type=icmpv6.NEIGHBOR_SOLICITATION, body=body))


@given(st.sampled_from(sorted(ndp.MINIMUM_LENGTH)), st.binary(max_size=96))
def test_random_nd_bodies_raise_only_ndp_errors(message_type: int, body: bytes) -> None:
    decoded = decodes_or_refuses(
        lambda _: ndp.decode(icmpv6.Icmpv6Message(type=message_type, body=body)), body)
    if decoded is not None:
        assert ndp.decode(ndp.encode(decoded)) == decoded  # type: ignore[arg-type]


# --- MLD ---------------------------------------------------------------------------------


def test_decodes_scapy_queries_of_both_versions() -> None:
    query = mld.decode_query(nd_message(ICMPv6MLQuery2(mrd=1000, mladdr="ff02::1:ff00:1",
                                                       sources=["fe80::9"])))
    assert (query.version, query.max_response_ms, query.group, query.sources) == \
        (2, 1000, "ff02::1:ff00:1", ("fe80::9",))
    v1 = mld.decode_query(mld.encode_query(mld.MldQuery(1, 500, "::")))
    assert (v1.version, v1.max_response_ms) == (1, 500)


def test_the_exponential_response_code() -> None:
    assert mld.maximum_response_ms(0x8000) == 0x1000 << 3
    assert mld.maximum_response_ms(0xFFFF) == 0x1FFF << 10


def test_queries_of_25_to_27_octets_and_lying_source_counts_are_refused() -> None:
    for length in (25, 26, 27):
        with pytest.raises(mld.MldError):
            mld.decode_query(icmpv6.Icmpv6Message(type=130, body=bytes(length - 4)))
    lying = mld.encode_query(mld.MldQuery(2, 10, "::")).body[:-2] + bytes((0, 5))
    with pytest.raises(mld.MldError):
        mld.decode_query(icmpv6.Icmpv6Message(type=130, body=lying))


def test_report_round_trip() -> None:
    records = ((mld.CHANGE_TO_EXCLUDE_MODE, "ff02::1:ff00:1"), (mld.MODE_IS_EXCLUDE, "ff05::2"))
    assert mld.decode_v2_report(mld.encode_v2_report(records)) == records


@given(st.binary(max_size=96))
def test_random_mld_bodies_raise_only_mld_errors(body: bytes) -> None:
    decodes_or_refuses(lambda _: mld.decode_query(icmpv6.Icmpv6Message(type=130, body=body)),
                       body)
    decodes_or_refuses(lambda _: mld.decode_v2_report(
        icmpv6.Icmpv6Message(type=143, body=body)), body)


# --- UDP over IPv6 --------------------------------------------------------------------


def test_udp_over_ipv6_matches_scapy_and_needs_its_checksum() -> None:
    data = bytes(IPv6(src=SOURCE, dst=DESTINATION) / UDP(sport=5, dport=6) / b"abc")[40:]
    datagram = udp.decode(data, source=SOURCE, destination=DESTINATION)
    assert datagram.payload == b"abc"
    assert udp.encode(udp.UdpDatagram(source_port=5, destination_port=6, payload=b"abc"),
                      source=SOURCE, destination=DESTINATION) == data
    with pytest.raises(udp.UdpChecksumError, match="no checksum"):
        udp.decode(data[:6] + bytes(2) + data[8:], source=SOURCE, destination=DESTINATION)
