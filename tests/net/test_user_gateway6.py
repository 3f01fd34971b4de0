"""The user-mode gateway over IPv6 (`--net user`): this test plays the device with raw
frames (Neighbor and Router Solicitations, ping, UDP), then a device's stack goes through
the gateway — SLAAC from its advertisement, TCP and UDP to host servers on ::1, and
`--forward` bringing host clients on ::1 (or 127.0.0.1) to the device's IPv6 server."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator

import pytest
from gatewaydevice import DEVICE6, PEER6, GatewayBench, HostServer, echo
from hypothesis import given
from hypothesis import strategies as st

from levante.codecs import ethernet, icmpv6, ipv6, ndp, udp
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ndp import (
    LinkLayerAddress,
    MtuOption,
    NeighborAdvertisement,
    NeighborSolicitation,
    PrefixInformation,
    RouterAdvertisement,
    RouterSolicitation,
)
from levante.net.link.user.link import UserLink
from levante.net.link.user.plan import GATEWAY_MAC, default_plan
from levante.net.link.user.plan6 import default_plan6, static_plan6
from levante.net.stack.ipv6_addresses import AddressState, Origin
from levante.net.stack.ipv6_settings import (
    address_in_prefix,
    interface_identifier,
    link_local_address,
    solicited_node_group,
)
from levante.net.stack.tcp_connection import Connection, TcpState

DEVICE_MAC = "00:00:5e:00:53:01"
DEVICE_LINK_LOCAL = link_local_address(DEVICE_MAC)
GATEWAY_LINK_LOCAL = link_local_address(GATEWAY_MAC)
SLAAC_ADDRESS = address_in_prefix("fd00::", interface_identifier(DEVICE_MAC))


@pytest.fixture
def link() -> Iterator[UserLink]:
    opened = UserLink(default_plan(), [], plan6=static_plan6(DEVICE6, PEER6))
    yield opened
    opened.close()


def frame(packet: Ipv6Packet, destination_mac: str = GATEWAY_MAC) -> bytes:
    return ethernet.encode(ethernet.EthernetFrame(
        destination=destination_mac, source=DEVICE_MAC, ethertype=ethernet.ETHERTYPE_IPV6,
        payload=ipv6.encode(packet)))


def icmp_frame(message: icmpv6.Icmpv6Message, source: str, destination: str,
               hop_limit: int = 255, destination_mac: str = GATEWAY_MAC) -> bytes:
    data = icmpv6.encode(message, source=source, destination=destination)
    return frame(Ipv6Packet(next_header=ipv6.NEXT_ICMPV6, hop_limit=hop_limit, source=source,
                            destination=destination, payload=data), destination_mac)


def solicit(link: UserLink, target: str, *, source: str = DEVICE6, hop_limit: int = 255,
            with_mac: bool = True) -> None:
    options = (LinkLayerAddress(ndp.SOURCE_LINK_LAYER, DEVICE_MAC),) if with_mac else ()
    group = solicited_node_group(target)
    link.send(icmp_frame(ndp.encode(NeighborSolicitation(target, options)), source, group,
                         hop_limit, "33:33:" + ipv6.encode(Ipv6Packet(
                             next_header=0, source="::", destination=group))[-4:].hex(":")))


def received(link: UserLink, wait: float | None = None) -> list[tuple[str, Ipv6Packet]]:
    """The gateway's IPv6 frames for the device: (destination MAC, packet)."""
    if wait is not None:
        link.wait(wait)
    frames = [ethernet.decode(data) for data in link.receive(64)]
    return [(item.destination, ipv6.decode(item.payload)) for item in frames
            if item.ethertype == ethernet.ETHERTYPE_IPV6]


def icmp_of(packet: Ipv6Packet) -> icmpv6.Icmpv6Message:
    assert packet.next_header == ipv6.NEXT_ICMPV6
    return icmpv6.decode(packet.payload, source=packet.source, destination=packet.destination)


# --- Neighbor Discovery ---------------------------------------------------------------


def test_solicitations_for_the_gateways_addresses_are_answered_as_a_router(
        link: UserLink) -> None:
    for target in (PEER6, GATEWAY_LINK_LOCAL, "2001:db8::77"):
        solicit(link, target)
    answers = received(link)
    assert [packet.source for _, packet in answers] == [PEER6, GATEWAY_LINK_LOCAL]
    for mac, packet in answers:
        assert mac == DEVICE_MAC and packet.destination == DEVICE6
        assert packet.hop_limit == 255
        advertisement = ndp.decode(icmp_of(packet))
        assert isinstance(advertisement, NeighborAdvertisement)
        assert advertisement.router and advertisement.solicited and advertisement.override
        assert advertisement.options == (LinkLayerAddress(ndp.TARGET_LINK_LAYER, GATEWAY_MAC),)


def test_a_probe_for_the_gateways_address_is_defended_to_all_nodes(link: UserLink) -> None:
    solicit(link, PEER6, source="::", with_mac=False)
    [(mac, packet)] = received(link)
    advertisement = ndp.decode(icmp_of(packet))
    assert (mac, packet.destination) == ("33:33:00:00:00:01", "ff02::1")
    assert isinstance(advertisement, NeighborAdvertisement) and not advertisement.solicited


def test_solicitations_that_break_rfc_4861_are_not_answered(link: UserLink) -> None:
    solicit(link, PEER6, hop_limit=64)  # §7.1.1: not from on the link
    solicit(link, PEER6, source="::")  # unspecified source with a link-layer address
    assert received(link) == []
    assert link.gateway.counters["drop.ndp-invalid"] == 2


def test_a_router_solicitation_gets_the_prefix_for_slaac_and_a_default_router() -> None:
    link = UserLink(default_plan(), [])
    try:
        solicitation = ndp.encode(RouterSolicitation(
            (LinkLayerAddress(ndp.SOURCE_LINK_LAYER, DEVICE_MAC),)))
        link.send(icmp_frame(solicitation, DEVICE_LINK_LOCAL, "ff02::2",
                             destination_mac="33:33:00:00:00:02"))
        [(mac, packet)] = received(link)
        assert (mac, packet.source, packet.destination) == (
            DEVICE_MAC, GATEWAY_LINK_LOCAL, DEVICE_LINK_LOCAL)
        advertisement = ndp.decode(icmp_of(packet))
        assert isinstance(advertisement, RouterAdvertisement)
        assert advertisement.router_lifetime > 0
        [information] = [option for option in advertisement.options
                         if isinstance(option, PrefixInformation)]
        assert (information.prefix, information.prefix_length, information.on_link,
                information.autonomous) == ("fd00::", 64, True, True)
        assert MtuOption(1500) in advertisement.options
        # From the unspecified address: to all nodes.
        link.send(icmp_frame(ndp.encode(RouterSolicitation()), "::", "ff02::2",
                             destination_mac="33:33:00:00:00:02"))
        [(mac, packet)] = received(link)
        assert (mac, packet.destination) == ("33:33:00:00:00:01", "ff02::1")
    finally:
        link.close()


def test_a_configured_prefix_is_advertised_on_link_but_not_for_a_second_address(
        link: UserLink) -> None:
    link.send(icmp_frame(ndp.encode(RouterSolicitation()), DEVICE_LINK_LOCAL, "ff02::2",
                         destination_mac="33:33:00:00:00:02"))
    [(_, packet)] = received(link)
    advertisement = ndp.decode(icmp_of(packet))
    assert isinstance(advertisement, RouterAdvertisement)
    [information] = [option for option in advertisement.options
                     if isinstance(option, PrefixInformation)]
    assert (information.prefix, information.on_link, information.autonomous) == (
        "2001:db8::", True, False)


def test_static_plan6_takes_the_peer_or_the_first_free_address_of_the_prefix() -> None:
    assert static_plan6("2001:db8::1", "2001:db8::2").host_aliases[0] == "2001:db8::2"
    assert static_plan6("2001:db8::5", None).host_aliases[0] == "2001:db8::1"
    assert static_plan6("2001:db8::1", None).host_aliases[0] == "2001:db8::2"
    # A peer off the device's /64 is not on the link: the gateway takes the first free.
    assert static_plan6("2001:db8::1", "2001:db8:1::2").host_aliases[0] == "2001:db8::2"
    assert default_plan6().owned == {"fd00::2", "fd00::3", GATEWAY_LINK_LOCAL}


# --- Ping and UDP ----------------------------------------------------------------------


def test_ping6_to_the_gateways_addresses_is_answered(link: UserLink) -> None:
    request = icmpv6.echo_message(icmpv6.ECHO_REQUEST, icmpv6.Echo(9, 4, b"levante"))
    link.send(icmp_frame(request, DEVICE6, PEER6, hop_limit=64))
    link.send(icmp_frame(request, DEVICE6, "2001:db8::99", hop_limit=64))  # not ours
    [(mac, packet)] = received(link)
    assert (mac, packet.source, packet.destination) == (DEVICE_MAC, PEER6, DEVICE6)
    assert icmpv6.decode_echo(icmp_of(packet)) == icmpv6.Echo(9, 4, b"levante")
    assert icmp_of(packet).type == icmpv6.ECHO_REPLY


def test_a_datagram_to_the_peer_reaches_the_hosts_ipv6_loopback_and_back(
        link: UserLink) -> None:
    server = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    server.bind(("::1", 0))
    server.settimeout(10)
    port = server.getsockname()[1]
    try:
        data = udp.encode(udp.UdpDatagram(source_port=40000, destination_port=port,
                                          payload=b"six"), source=DEVICE6, destination=PEER6)
        link.send(frame(Ipv6Packet(next_header=ipv6.NEXT_UDP, source=DEVICE6,
                                   destination=PEER6, payload=data)))
        payload, client = server.recvfrom(100)
        assert payload == b"six"
        server.sendto(b"back", client)
        answers: list[tuple[str, Ipv6Packet]] = []
        for _ in range(100):
            answers += received(link, wait=0.1)
            if answers:
                break
        [(mac, packet)] = answers
        datagram = udp.decode(packet.payload, source=packet.source,
                              destination=packet.destination)
        assert (mac, packet.source, packet.destination) == (DEVICE_MAC, PEER6, DEVICE6)
        assert (datagram.source_port, datagram.destination_port, datagram.payload) == (
            port, 40000, b"back")
    finally:
        server.close()


@given(st.binary(min_size=0, max_size=120), st.integers(0, 255))
def test_any_ipv6_payload_leaves_the_gateway_standing(body: bytes, next_header: int) -> None:
    link = UserLink(default_plan(), [])
    try:
        link.send(frame(Ipv6Packet(next_header=next_header, hop_limit=255,
                                   source=DEVICE_LINK_LOCAL, destination="fd00::2",
                                   payload=body)))
        link.send(ethernet.encode(ethernet.EthernetFrame(
            destination=GATEWAY_MAC, source=DEVICE_MAC, ethertype=ethernet.ETHERTYPE_IPV6,
            payload=body)))
        link.receive(64)
    finally:
        link.close()


# --- A device's stack through the gateway ----------------------------------------------


def connected(bench: GatewayBench, address: str, port: int) -> Connection:
    connection = bench.tcp.connect(0, address, port, bench.now)
    bench.run_until(lambda: connection.state is not TcpState.SYN_SENT)
    return connection


def exchange(bench: GatewayBench, connection: Connection, data: bytes) -> bytes:
    sent, got = 0, bytearray()

    def done() -> bool:
        nonlocal sent
        if sent < len(data):
            sent += connection.send(data[sent:sent + 65536], bench.now)
            if sent == len(data):
                connection.shutdown_write(bench.now)
        got.extend(connection.receive(65536, bench.now))
        return connection.at_eof or connection.state is TcpState.CLOSED

    bench.run_until(done)
    return bytes(got)


def slaac_address(bench: GatewayBench) -> str | None:
    ipv6_layer = bench.stack.ipv6
    assert ipv6_layer is not None
    return next((entry.address for entry in ipv6_layer.addresses.unicast
                 if entry.origin is Origin.AUTOCONF
                 and entry.state is AddressState.PREFERRED), None)


def test_slaac_from_the_advertisement_then_tcp_to_a_host_server_on_ipv6_loopback() -> None:
    bench = GatewayBench(ipv6="slaac", ipv4=False)
    server = HostServer(echo, address="::1")
    try:
        bench.run_until(lambda: slaac_address(bench) is not None)
        assert slaac_address(bench) == SLAAC_ADDRESS
        assert bench.link.gateway.counters["ndp.router-advertisements"] == 1
        connection = connected(bench, "fd00::2", server.port)
        assert connection.state is TcpState.ESTABLISHED
        assert connection.local_address == SLAAC_ADDRESS
        data = random.Random(6).randbytes(200_000)
        assert exchange(bench, connection, data) == data
        assert bench.link.gateway.ipv6.device_address == SLAAC_ADDRESS
    finally:
        server.close()
        bench.close()


def test_a_static_device_reaches_the_host_through_its_configured_ipv6_peer() -> None:
    bench = GatewayBench(ipv6="static")
    server = HostServer(echo, address="::1")
    try:
        bench.run_until(lambda: bench.stack.ipv6 is not None
                        and bench.stack.ipv6.addresses.is_assigned(DEVICE6))
        connection = connected(bench, PEER6, server.port)
        assert connection.state is TcpState.ESTABLISHED
        assert exchange(bench, connection, b"over six") == b"over six"
        refused = connected(bench, PEER6, free_port(socket.SOCK_STREAM))
        assert refused.error == "ECONNREFUSED"
    finally:
        server.close()
        bench.close()


def free_port(kind: socket.SocketKind) -> int:
    probe = socket.socket(socket.AF_INET6, kind)
    probe.bind(("::1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


@pytest.mark.parametrize(("host", "ipv4"), [("::1", True), ("127.0.0.1", False)])
def test_forward_tcp_reaches_a_device_server_listening_on_ipv6(host: str,
                                                                ipv4: bool) -> None:
    """From ::1 the forward reaches the device's IPv6 address; from 127.0.0.1 too when
    the device has no IPv4 address."""
    host_port = free_port(socket.SOCK_STREAM)
    bench = GatewayBench([("tcp", host_port, 7)], ipv6="static", ipv4=ipv4)
    client = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listener = bench.tcp.listen(7, 4, ipv6=True)
        client.setblocking(False)
        client.connect_ex((host, host_port))
        accepted: list[Connection] = []

        def device_accepts() -> bool:
            connection = listener.accept()
            if connection is not None:
                accepted.append(connection)
            return bool(accepted)

        bench.run_until(device_accepts)
        [connection] = accepted
        assert connection.remote_ip == PEER6  # the gateway speaks as the peer
        client.setblocking(True)
        client.sendall(b"ping six")
        got = bytearray()
        bench.run_until(lambda: bool(got.extend(connection.receive(100, bench.now)))
                        or bytes(got) == b"ping six")
        connection.send(b"pong six", bench.now)
        client.settimeout(0.0)
        answer = bytearray()

        def host_has_answer() -> bool:
            try:
                answer.extend(client.recv(100))
            except BlockingIOError:
                pass
            return bytes(answer) == b"pong six"

        bench.run_until(host_has_answer)
    finally:
        client.close()
        bench.close()


def test_forward_udp_from_ipv6_loopback_reaches_the_device_and_its_answer_comes_back(
        ) -> None:
    host_port = free_port(socket.SOCK_DGRAM)
    bench = GatewayBench([("udp", host_port, 4242)], ipv6="static")
    client = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        endpoint = bench.stack.udp.bind(4242)
        bench.run_until(lambda: bench.stack.ipv6 is not None
                        and bench.stack.ipv6.addresses.is_assigned(DEVICE6))
        client.sendto(b"to the device", ("::1", host_port))
        bench.run_until(lambda: bool(endpoint.received))
        datagram = endpoint.take()
        assert datagram is not None and datagram.payload == b"to the device"
        assert datagram.source == PEER6
        bench.stack.udp.send(endpoint, datagram.source, datagram.source_port, b"answer",
                             bench.now)
        client.settimeout(0.0)
        answers: list[bytes] = []

        def host_has_answer() -> bool:
            try:
                answers.append(client.recv(100))
            except BlockingIOError:
                pass
            return bool(answers)

        bench.run_until(host_has_answer)
        assert answers == [b"answer"]
    finally:
        client.close()
        bench.close()


def test_the_devices_ping6_to_the_gateway_gets_its_reply() -> None:
    bench = GatewayBench(ipv6="static")
    try:
        bench.run_until(lambda: bench.stack.ipv6 is not None
                        and bench.stack.ipv6.addresses.is_assigned(DEVICE6))
        assert bench.stack.ping(PEER6, 7, b"levante", bench.now)
        replies = []
        bench.run_until(lambda: bool(replies.append(bench.stack.pings.take_reply(7))
                                     or replies[-1]))
        reply = replies[-1]
        assert reply is not None
        assert (reply.source, reply.sequence, reply.ttl, reply.data_length) == (
            PEER6, 7, 64, 7)
        # To an address nobody has, no reply (the gateway does not relay ping).
        assert bench.stack.ping("2001:db8::99", 8, b"x", bench.now)
        for _ in range(200):
            bench.step()
        assert bench.stack.pings.take_reply(8) is None
    finally:
        bench.close()


def test_once_asked_the_gateway_advertises_again_every_600_simulated_seconds(
        link: UserLink) -> None:
    clock = [0]
    link.set_clock(lambda: clock[0])
    link.gateway.advance(0)
    assert received(link) == []  # nobody asked: no unsolicited advertisement
    link.send(icmp_frame(ndp.encode(RouterSolicitation()), DEVICE_LINK_LOCAL, "ff02::2",
                         destination_mac="33:33:00:00:00:02"))
    assert len(received(link)) == 1
    assert link.gateway.next_device_deadline() == 600_000_000
    clock[0] = 599_999_999
    link.gateway.advance(clock[0])
    assert received(link) == []
    clock[0] = 600_000_000
    link.gateway.advance(clock[0])
    [(mac, packet)] = received(link)
    assert (mac, packet.source, packet.destination) == (
        "33:33:00:00:00:01", GATEWAY_LINK_LOCAL, "ff02::1")
    assert isinstance(ndp.decode(icmp_of(packet)), RouterAdvertisement)
    assert link.gateway.next_device_deadline() == 1_200_000_000


def test_a_flood_of_solicitations_is_bounded_by_the_gateways_queue(link: UserLink) -> None:
    from levante.net.link.user.gateway import MAX_QUEUED_FRAMES

    for _ in range(MAX_QUEUED_FRAMES + 100):
        link.send(icmp_frame(ndp.encode(RouterSolicitation()), DEVICE_LINK_LOCAL, "ff02::2",
                             destination_mac="33:33:00:00:00:02"))
    assert link.gateway.counters["drop.queue-full"] == 100
    assert len(link.receive(10_000)) == MAX_QUEUED_FRAMES
    solicit(link, PEER6)  # room again: answered
    assert len(received(link)) == 1


def test_udp_from_the_unspecified_address_is_not_relayed(link: UserLink) -> None:
    data = udp.encode(udp.UdpDatagram(source_port=40000, destination_port=9, payload=b"?"),
                      source="::", destination=PEER6)
    link.send(frame(Ipv6Packet(next_header=ipv6.NEXT_UDP, source="::", destination=PEER6,
                               payload=data)))
    assert link.gateway.counters["drop.unspecified-source"] == 1
    assert link.gateway.counters["udp.relayed"] == 0
