"""Hypothesis strategies and helpers shared by the network codec tests."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from levante.codecs import ipv4_options as ipopt
from levante.codecs import tcp_options as tcpopt
from levante.codecs.arp import ArpOperation, ArpPacket
from levante.codecs.errors import CodecError
from levante.codecs.ethernet import EthernetFrame
from levante.codecs.icmp import IcmpEcho, IcmpMessage
from levante.codecs.ipv4 import Ipv4Packet
from levante.codecs.tcp import FLAG_NAMES, TcpSegment
from levante.codecs.udp import UdpDatagram

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFF_FFFF)
macs = st.binary(min_size=6, max_size=6).map(lambda raw: raw.hex(":"))
ipv4_addresses = st.binary(min_size=4, max_size=4).map(lambda raw: ".".join(map(str, raw)))
payloads = st.binary(max_size=64)

ethernet_frames = st.builds(EthernetFrame, destination=macs, source=macs,
                            ethertype=st.integers(0x0600, 0xFFFF), payload=payloads)
arp_packets = st.builds(ArpPacket, operation=st.sampled_from(ArpOperation), sender_mac=macs,
                        sender_ip=ipv4_addresses, target_mac=macs, target_ip=ipv4_addresses)


@st.composite
def route_options(draw: st.DrawFn) -> ipopt.RouteOption:
    kind = draw(st.sampled_from([ipopt.RecordRoute, ipopt.LooseSourceRoute,
                                 ipopt.StrictSourceRoute]))
    addresses = tuple(draw(st.lists(ipv4_addresses, max_size=4)))
    pointer = 4 + 4 * draw(st.integers(0, len(addresses)))
    return kind(pointer=pointer, addresses=addresses)


@st.composite
def timestamp_options(draw: st.DrawFn) -> ipopt.Timestamp:
    flag = draw(st.sampled_from(ipopt.TimestampFlag))
    with_address = flag is not ipopt.TimestampFlag.TIMESTAMPS_ONLY
    entries = tuple(draw(st.lists(st.builds(
        ipopt.TimestampEntry,
        address=ipv4_addresses if with_address else st.none(), timestamp=u32,
    ), max_size=3)))
    pointer = 5 + (8 if with_address else 4) * draw(st.integers(0, len(entries)))
    return ipopt.Timestamp(pointer=pointer, overflow=draw(st.integers(0, 15)), flag=flag,
                           entries=entries)


@st.composite
def ipv4_option_lists(draw: st.DrawFn) -> tuple[ipopt.Ipv4Option, ...]:
    """Options that fit 40 bytes, at most one of each kind, ending on a word boundary."""
    options: list[ipopt.Ipv4Option] = [ipopt.NoOperation()] * draw(st.integers(0, 2))
    size = len(options)
    candidates = [draw(route_options()), draw(timestamp_options()),
                  ipopt.UnknownOption(type=148, data=bytes(2)),
                  ipopt.UnknownOption(type=draw(st.integers(2, 6)), data=draw(payloads.map(
                      lambda data: data[:6])))]
    for option in draw(st.permutations(candidates))[:draw(st.integers(0, 2))]:
        encoded_size = len(ipopt._encode_one(option))
        if size + encoded_size <= 39:
            options.append(option)
            size += encoded_size
    if size % 4:
        options.append(ipopt.EndOfOptionList())
    return tuple(options)


ipv4_packets = st.builds(
    Ipv4Packet, dscp=st.integers(0, 63), ecn=st.integers(0, 3), identification=u16,
    dont_fragment=st.booleans(), more_fragments=st.booleans(),
    fragment_offset=st.integers(0, 8000), ttl=u8, protocol=u8, source=ipv4_addresses,
    destination=ipv4_addresses, options=ipv4_option_lists(), payload=payloads,
)
icmp_messages = st.one_of(
    st.builds(IcmpEcho, type=st.sampled_from([0, 8]), code=u8, identifier=u16,
              sequence=u16, payload=payloads),
    st.builds(IcmpMessage, type=u8.filter(lambda value: value not in (0, 8)), code=u8,
              rest_of_header=st.binary(min_size=4, max_size=4), payload=payloads),
)
udp_datagrams = st.builds(UdpDatagram, source_port=u16, destination_port=u16,
                          payload=payloads)

tcp_single_options = st.one_of(
    st.builds(tcpopt.MaximumSegmentSize, value=u16),
    st.builds(tcpopt.WindowScale, shift=u8),
    st.just(tcpopt.SackPermitted()),
    st.builds(tcpopt.Timestamps, value=u32, echo_reply=u32),
    st.builds(tcpopt.Sack, blocks=st.lists(st.tuples(u32, u32), min_size=1, max_size=3)
              .map(tuple)),
    st.builds(tcpopt.UnknownTcpOption, kind=st.integers(9, 255),
              data=st.binary(max_size=6)),
    st.just(tcpopt.NoOperation()),
)


@st.composite
def tcp_option_lists(draw: st.DrawFn) -> tuple[tcpopt.TcpOption, ...]:
    options: list[tcpopt.TcpOption] = []
    size = 0
    for option in draw(st.lists(tcp_single_options, max_size=5)):
        encoded_size = len(tcpopt._encode_one(option))
        if size + encoded_size <= 39:
            options.append(option)
            size += encoded_size
    if size % 4:
        options.append(tcpopt.EndOfOptionList())
    return tuple(options)


tcp_segments = st.builds(
    TcpSegment, source_port=u16, destination_port=u16, sequence_number=u32,
    acknowledgment_number=u32, reserved=st.integers(0, 15),
    flags=u8.map(lambda octet: tuple(
        name for index, name in enumerate(FLAG_NAMES) if octet & 0x80 >> index)),
    window=u16, urgent_pointer=u16, options=tcp_option_lists(), payload=payloads,
)


def decodes_or_refuses(decode: Callable[[bytes], object], data: bytes) -> object | None:
    """Decode `data`; a refusal must be a CodecError (anything else fails the test)."""
    try:
        return decode(data)
    except CodecError as error:
        assert error.message and error.protocol != "codec"
        return None


@st.composite
def mutations(draw: st.DrawFn, valid: st.SearchStrategy[bytes]) -> bytes:
    """A valid encoding with some bytes changed, truncated or extended."""
    data = bytearray(draw(valid))
    for _ in range(draw(st.integers(1, 4))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(u8)
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) if draw(st.booleans()) else bytes(data) + draw(payloads)
