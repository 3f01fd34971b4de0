"""ICMPv4: echo messages, checksums, echo replies with options, and interop with scapy."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from netsupport import decodes_or_refuses, icmp_messages, mutations
from scapy.layers.inet import ICMP, IP, IPOption_RR, IPOption_Timestamp

from levante.codecs import icmp, ipv4
from levante.codecs import ipv4_options as opt
from levante.codecs.icmp import IcmpChecksumError, IcmpEcho, IcmpError, IcmpMessage

HOST, PEER = "192.0.2.2", "198.51.100.7"


def echo_request(*options: opt.Ipv4Option, fragment: bool = False) -> ipv4.Ipv4Packet:
    message = IcmpEcho(type=icmp.ECHO_REQUEST, identifier=0x4242, sequence=3,
                       payload=b"ping")
    return ipv4.Ipv4Packet(protocol=1, source=PEER, destination=HOST, options=options,
                           more_fragments=fragment, payload=icmp.encode(message))


def test_decodes_a_scapy_echo_request() -> None:
    message = icmp.decode(bytes(ICMP(type=8, id=0x4242, seq=3) / b"ping"))
    assert message == IcmpEcho(type=8, code=0, checksum=message.checksum,
                               identifier=0x4242, sequence=3, payload=b"ping")


def test_keeps_other_messages_whole() -> None:
    quoted = bytes(IP(src=HOST, dst=PEER) / ICMP())[:28]
    built = bytes(ICMP(type=3, code=3) / quoted)
    message = icmp.decode(built)
    assert isinstance(message, IcmpMessage)
    assert (message.type, message.code, message.payload) == (3, 3, quoted)
    assert icmp.encode(message) == built


def test_refuses_truncated_and_corrupted_messages() -> None:
    data = bytearray(icmp.encode(IcmpEcho(type=8, payload=b"ping")))
    with pytest.raises(IcmpError, match="truncated"):
        icmp.decode(bytes(data[:7]))
    data[-1] ^= 0xFF
    with pytest.raises(IcmpChecksumError):
        icmp.decode(bytes(data))


def test_echo_reply_swaps_addresses_and_keeps_identity() -> None:
    reply = icmp.echo_reply_for(echo_request())
    assert (reply.source, reply.destination, reply.protocol) == (HOST, PEER, 1)
    message = icmp.decode(reply.payload)
    assert message == IcmpEcho(type=0, code=0, checksum=message.checksum, identifier=0x4242,
                               sequence=3, payload=b"ping")
    parsed = IP(ipv4.encode(reply))
    assert parsed[ICMP].type == 0 and bytes(parsed[ICMP].payload) == b"ping"


def test_echo_reply_records_this_host_in_record_route_and_timestamp() -> None:
    request = echo_request(
        opt.RecordRoute(pointer=8, addresses=(PEER, "0.0.0.0")),
        opt.Timestamp(pointer=5, overflow=0, flag=opt.TimestampFlag.ADDRESS_AND_TIMESTAMP,
                      entries=(opt.TimestampEntry(address="0.0.0.0", timestamp=0),)),
        opt.EndOfOptionList(),
    )
    reply = icmp.echo_reply_for(ipv4.decode(ipv4.encode(request)), timestamp=1234)
    assert reply.options[0] == opt.RecordRoute(pointer=12, addresses=(PEER, HOST))
    assert reply.options[1] == opt.Timestamp(
        pointer=13, overflow=0, flag=opt.TimestampFlag.ADDRESS_AND_TIMESTAMP,
        entries=(opt.TimestampEntry(address=HOST, timestamp=1234),))
    parsed = IP(ipv4.encode(reply))  # and scapy reads the updated options back
    assert parsed.options[0].routers == [PEER, HOST]
    assert parsed.options[1].timestamp == 1234


def test_echo_reply_leaves_full_options_alone_and_counts_timestamp_overflow() -> None:
    full_route = opt.RecordRoute(pointer=8, addresses=(PEER,))
    full_stamps = opt.Timestamp(pointer=9, overflow=2, flag=opt.TimestampFlag.TIMESTAMPS_ONLY,
                                entries=(opt.TimestampEntry(address=None, timestamp=5),))
    reply = icmp.echo_reply_for(echo_request(full_route, full_stamps))
    assert reply.options == (full_route, dataclasses.replace(full_stamps, overflow=3))


def test_echo_reply_refuses_an_overflow_counter_that_would_overflow() -> None:
    full = opt.Timestamp(pointer=5, overflow=15, flag=opt.TimestampFlag.TIMESTAMPS_ONLY,
                         entries=())
    with pytest.raises(IcmpError, match="overflow"):
        icmp.echo_reply_for(echo_request(full))


def test_echo_reply_stamps_a_prespecified_slot_only_for_this_host() -> None:
    slots = (opt.TimestampEntry(address=PEER, timestamp=0),
             opt.TimestampEntry(address=HOST, timestamp=0))
    option = opt.Timestamp(pointer=5, overflow=0,
                           flag=opt.TimestampFlag.PRESPECIFIED_ADDRESSES, entries=slots)
    assert icmp.echo_reply_for(echo_request(option)).options == (option,)
    ours = dataclasses.replace(option, pointer=13)
    stamped = icmp.echo_reply_for(echo_request(ours), timestamp=99).options[0]
    assert isinstance(stamped, opt.Timestamp) and stamped.pointer == 21
    assert stamped.entries[1] == opt.TimestampEntry(address=HOST, timestamp=99)


@pytest.mark.parametrize("pointer", [0, 1, 2, 3])
def test_option_pointer_underflow_is_refused_not_wrapped(pointer: int) -> None:
    # The 2026 ICMP option-pointer underflow: a record route pointer below 4 made the
    # slot offset (pointer - 4) negative. Here an option built directly (not decoded)
    # with such a pointer must be refused, not written into the last slot.
    route = opt.RecordRoute(pointer=pointer, addresses=("0.0.0.0", "0.0.0.0"))
    with pytest.raises(IcmpError, match="below the minimum of 4"):
        icmp.echo_reply_for(echo_request(route))


@pytest.mark.parametrize("pointer", [0, 4])
def test_timestamp_pointer_below_5_is_refused(pointer: int) -> None:
    stamps = opt.Timestamp(pointer=pointer, overflow=0,
                           flag=opt.TimestampFlag.TIMESTAMPS_ONLY,
                           entries=(opt.TimestampEntry(address=None, timestamp=0),))
    with pytest.raises(IcmpError, match="below the minimum of 5"):
        icmp.echo_reply_for(echo_request(stamps))


def test_option_pointer_underflow_on_the_wire_is_refused_by_the_decoder() -> None:
    raw = bytearray(ipv4.encode(echo_request(
        opt.RecordRoute(pointer=4, addresses=("0.0.0.0",)), opt.EndOfOptionList())))
    raw[22] = 3  # the pointer octet
    raw[10:12] = bytes(2)
    from levante.codecs.checksum import internet_checksum
    raw[10:12] = internet_checksum(raw[:28]).to_bytes(2, "big")
    with pytest.raises(ipv4.Ipv4OptionError, match="below the minimum of 4"):
        ipv4.decode(bytes(raw))


def test_echo_reply_refuses_what_is_not_a_whole_echo_request() -> None:
    with pytest.raises(IcmpError, match="reassembled"):
        icmp.echo_reply_for(echo_request(fragment=True))
    reply = icmp.echo_reply_for(echo_request())
    with pytest.raises(IcmpError, match="not an echo request"):
        icmp.echo_reply_for(reply)
    with pytest.raises(IcmpError, match="not ICMP"):
        icmp.echo_reply_for(dataclasses.replace(echo_request(), protocol=17))


def test_echo_reply_drops_source_routes() -> None:
    route = opt.LooseSourceRoute(pointer=8, addresses=(HOST,))
    assert icmp.echo_reply_for(echo_request(route, opt.NoOperation())).options == (
        opt.NoOperation(),)


@given(icmp_messages)
def test_round_trip(message: IcmpEcho | IcmpMessage) -> None:
    data = icmp.encode(message)
    decoded = icmp.decode(data)
    assert decoded == dataclasses.replace(message, checksum=decoded.checksum)
    assert icmp.encode(decoded) == data


@given(mutations(icmp_messages.map(icmp.encode)))
def test_malformed_input_raises_only_icmp_errors(data: bytes) -> None:
    decodes_or_refuses(icmp.decode, data)


# Scapy itself raises struct.error on some short messages (type 17 with no data, for
# one), so interop is checked on the types it dissects robustly.
@given(icmp_messages.filter(lambda message: message.type in (0, 3, 8, 11)))
def test_scapy_parses_levante_messages(message: IcmpEcho | IcmpMessage) -> None:
    data = icmp.encode(message)
    parsed = ICMP(data)
    assert (parsed.type, parsed.code, parsed.chksum) == (message.type, message.code,
                                                         icmp.decode(data).checksum)
    parsed.chksum = None
    assert bytes(parsed) == data


def test_levante_decodes_scapy_replies_built_from_options() -> None:
    built = bytes(IP(src=HOST, dst=PEER, options=[
        IPOption_RR(pointer=4, routers=["0.0.0.0"]),
        IPOption_Timestamp(flg=0, pointer=5, timestamp=0)]) / ICMP(type=0, id=1, seq=2) / b"x")
    packet = ipv4.decode(built)
    assert icmp.decode(packet.payload) == IcmpEcho(
        type=0, checksum=icmp.decode(packet.payload).checksum, identifier=1, sequence=2,
        payload=b"x")
