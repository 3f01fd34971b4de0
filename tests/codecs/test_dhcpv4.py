"""DHCPv4: the fixed fields, typed options, overload and long options, limits, scapy."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netsupport import decodes_or_refuses, ipv4_addresses, macs, mutations, u16, u32
from scapy.layers.dhcp import BOOTP, DHCP

from levante.codecs import dhcpv4
from levante.codecs.dhcpv4 import (
    DhcpError,
    DhcpMessage,
    MessageType,
    Operation,
    OptionCode,
)

MAC = "00:00:5e:00:53:01"


def offer() -> DhcpMessage:
    return DhcpMessage(
        operation=Operation.BOOTREPLY, transaction_id=0x1234_5678, client_mac=MAC,
        your_address="10.0.2.15", server_address="10.0.2.2",
        message_type=MessageType.OFFER, subnet_mask="255.255.255.0",
        routers=("10.0.2.2",), dns_servers=("10.0.2.3",), lease_time=86400,
        server_identifier="10.0.2.2", renewal_time=43200, rebinding_time=75600,
    )


def test_round_trip_keeps_every_field() -> None:
    message = dataclasses.replace(
        offer(), host_name=b"levante", domain_name=b"example", message=b"hi",
        broadcast_address="10.0.2.255", flags=dhcpv4.BROADCAST_FLAG,
        other_options=((42, b"\x0a\x00\x02\x02"),), client_identifier=b"\x01abcdef",
        parameter_requests=(1, 3, 6), max_message_size=1500, requested_address="10.0.2.16")
    data = dhcpv4.encode(message)
    assert len(data) >= dhcpv4.MIN_MESSAGE_LENGTH
    assert dhcpv4.decode(data) == message
    assert dhcpv4.decode(data).wants_broadcast


def test_reads_what_scapy_writes() -> None:
    packet = BOOTP(op=1, xid=7, chaddr=bytes.fromhex("00005e005301"), flags=0x8000) / DHCP(
        options=[("message-type", "request"), ("requested_addr", "10.0.2.15"),
                 ("server_id", "10.0.2.2"), ("param_req_list", [1, 3, 6]),
                 ("hostname", b"dev"), "end"])
    message = dhcpv4.decode(bytes(packet))
    assert message.operation is Operation.BOOTREQUEST
    assert message.message_type is MessageType.REQUEST
    assert message.client_mac == MAC and message.transaction_id == 7
    assert message.requested_address == "10.0.2.15"
    assert message.server_identifier == "10.0.2.2"
    assert message.parameter_requests == (1, 3, 6) and message.host_name == b"dev"


def test_scapy_reads_what_we_write() -> None:
    packet = BOOTP(dhcpv4.encode(offer()))
    assert packet.yiaddr == "10.0.2.15" and packet.xid == 0x1234_5678
    options: dict[str, object] = dict(
        option for option in packet[DHCP].options if isinstance(option, tuple))
    assert options["message-type"] == 2
    assert options["router"] == "10.0.2.2" and options["name_server"] == "10.0.2.3"
    assert options["lease_time"] == 86400 and options["subnet_mask"] == "255.255.255.0"


def test_overloaded_file_and_sname_carry_options() -> None:
    data = bytearray(dhcpv4.encode(dataclasses.replace(offer(), dns_servers=())))
    # Option 52 = 3 in the options field; DNS servers in file, then more of them in
    # sname (RFC 3396: the pieces of one option are joined, file before sname).
    end = len(data.rstrip(b"\0")) - 1
    assert data[end] == OptionCode.END
    data[end:end + 1] = bytes([52, 1, 3, 255])
    data[108:108 + 7] = bytes([6, 4, 10, 0, 2, 3, 255])
    data[44:44 + 3] = bytes([6, 4, 10])
    data[47:50] = bytes([0, 2, 4])
    message = dhcpv4.decode(bytes(data))
    assert message.dns_servers == ("10.0.2.3", "10.0.2.4")
    assert message.server_name == b"" and message.boot_file == b""


def test_long_options_are_split_and_joined() -> None:
    servers = tuple(f"10.0.2.{n}" for n in range(1, 101))  # 400 octets: two pieces
    message = dataclasses.replace(offer(), dns_servers=servers)
    data = dhcpv4.encode(message)
    assert data.count(bytes([OptionCode.DNS_SERVERS, 255])) == 1
    assert dhcpv4.decode(data).dns_servers == servers


@pytest.mark.parametrize("change, problem", [
    (lambda d: d[:200], "truncated message"),
    (lambda d: d + bytes(dhcpv4.MAX_MESSAGE_LENGTH), "exceeds"),
    (lambda d: b"\x03" + d[1:], "unknown op"),
    (lambda d: d[:1] + b"\x06" + d[2:], "only Ethernet"),
    (lambda d: d[:236] + b"\x63\x82\x53\x64" + d[240:], "magic cookie"),
    (lambda d: d[:240] + bytes([53, 1, 99, 255]), "unknown DHCP message type"),
    (lambda d: d[:240] + bytes([1, 3, 1, 2, 3, 255]), "must be 4 octets"),
    (lambda d: d[:240] + bytes([3, 6]) + bytes(6) + b"\xff", "multiple of 4"),
    (lambda d: d[:240] + bytes([51, 10, 1]), "runs past the end"),
    (lambda d: d[:240] + bytes([53, 1, 1]), "without the END"),
    (lambda d: d[:240] + bytes([52, 1, 4, 255]), "overload value"),
    (lambda d: d[:240] + bytes([57, 2, 1, 0, 255]), "below 576"),
    (lambda d: d[:240] + bytes([61, 1, 1, 255]), "at least 2"),
])
def test_refuses_malformed_messages(change: object, problem: str) -> None:
    assert callable(change)
    with pytest.raises(DhcpError, match=problem):
        dhcpv4.decode(change(dhcpv4.encode(offer())))


@pytest.mark.parametrize("change, problem", [
    ({"transaction_id": 1 << 32}, "transaction id"),
    ({"lease_time": -1}, "does not fit"),
    ({"your_address": "10.0.2"}, "bad IPv4 address"),
    ({"client_mac": "00:00"}, "bad MAC"),
    ({"other_options": ((53, b"\x01"),)}, "cannot be an other option"),
    ({"host_name": b""}, "empty value"),
    ({"max_message_size": 500}, "below 576"),
])
def test_refuses_values_it_cannot_encode(change: dict[str, object], problem: str) -> None:
    with pytest.raises(DhcpError, match=problem):
        dhcpv4.encode(dataclasses.replace(offer(), **change))  # type: ignore[arg-type]


messages = st.builds(
    DhcpMessage, operation=st.sampled_from(Operation), transaction_id=u32, client_mac=macs,
    seconds=u16, flags=u16, client_address=ipv4_addresses, your_address=ipv4_addresses,
    message_type=st.none() | st.sampled_from(MessageType),
    subnet_mask=st.none() | ipv4_addresses,
    routers=st.lists(ipv4_addresses, max_size=3).map(tuple),
    dns_servers=st.lists(ipv4_addresses, max_size=70).map(tuple),
    lease_time=st.none() | u32, host_name=st.none() | st.binary(min_size=1, max_size=300),
    parameter_requests=st.lists(st.integers(0, 255), max_size=8).map(tuple),
    other_options=st.lists(st.tuples(st.sampled_from([42, 66, 119, 150]),
                                     st.binary(min_size=1, max_size=20)),
                           max_size=2, unique_by=lambda option: option[0]).map(tuple),
)


@given(messages)
def test_any_message_round_trips(message: DhcpMessage) -> None:
    assert dhcpv4.decode(dhcpv4.encode(message)) == message


@given(mutations(messages.map(dhcpv4.encode)))
def test_mutated_messages_decode_or_raise_a_codec_error(data: bytes) -> None:
    decodes_or_refuses(dhcpv4.decode, data)


@given(st.binary(max_size=600))
def test_arbitrary_options_decode_or_raise_a_codec_error(options: bytes) -> None:
    decodes_or_refuses(dhcpv4.decode, dhcpv4.encode(offer())[:240] + options)
