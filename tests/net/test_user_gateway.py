"""The user-mode gateway (`--net user`) with this test playing the device: raw frames in,
the gateway's frames out, and real host sockets on 127.0.0.1 on the other side."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levante.codecs import arp, dhcpv4, dns, ethernet, icmp, ipv4, tcp, udp
from levante.codecs.dhcpv4 import DhcpMessage, MessageType, Operation
from levante.net.link.user.link import UserLink
from levante.net.link.user.plan import GATEWAY_MAC, default_plan, static_plan
from levante.net.stack.settings import Ipv4Settings

DEVICE_MAC = "00:00:5e:00:53:01"
DEVICE = "10.0.2.15"


@pytest.fixture
def link() -> Iterator[UserLink]:
    opened = UserLink(default_plan(), [])
    yield opened
    opened.close()


def frame(payload: bytes, ethertype: int = ethernet.ETHERTYPE_IPV4,
          destination: str = GATEWAY_MAC) -> bytes:
    return ethernet.encode(ethernet.EthernetFrame(destination=destination, source=DEVICE_MAC,
                                                  ethertype=ethertype, payload=payload))


def udp_frame(source: str, source_port: int, destination: str, port: int, payload: bytes,
              mac: str = GATEWAY_MAC) -> bytes:
    datagram = udp.encode(udp.UdpDatagram(source_port=source_port, destination_port=port,
                                          payload=payload),
                          source=source, destination=destination)
    return frame(ipv4.encode(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_UDP, source=source,
                                             destination=destination, payload=datagram)),
                 destination=mac)


def answers(link: UserLink, wait: float | None = None) -> list[ethernet.EthernetFrame]:
    """The frames the gateway has for the device (waiting up to `wait` s for one)."""
    if wait is not None:
        link.wait(wait)
    return [ethernet.decode(data) for data in link.receive(64)]


def udp_of(received: ethernet.EthernetFrame) -> tuple[ipv4.Ipv4Packet, udp.UdpDatagram]:
    packet = ipv4.decode(received.payload)
    assert packet.protocol == ipv4.PROTOCOL_UDP
    return packet, udp.decode(packet.payload, source=packet.source,
                              destination=packet.destination)


# --- ARP and ping -------------------------------------------------------------------


def test_arp_is_answered_for_the_gateway_and_dns_addresses_only(link: UserLink) -> None:
    for target in ("10.0.2.2", "10.0.2.3", "10.0.2.50"):
        link.send(frame(arp.encode(arp.ArpPacket(
            operation=arp.ArpOperation.REQUEST, sender_mac=DEVICE_MAC, sender_ip=DEVICE,
            target_mac="00:00:00:00:00:00", target_ip=target)), ethernet.ETHERTYPE_ARP,
            "ff:ff:ff:ff:ff:ff"))
    replies = [arp.decode(received.payload[:28]) for received in answers(link)]
    assert [(reply.sender_ip, reply.sender_mac, reply.target_ip) for reply in replies] == [
        ("10.0.2.2", GATEWAY_MAC, DEVICE), ("10.0.2.3", GATEWAY_MAC, DEVICE)]


def test_ping_to_the_gateway_is_answered(link: UserLink) -> None:
    request = icmp.encode(icmp.IcmpEcho(type=icmp.ECHO_REQUEST, identifier=7, sequence=3,
                                        payload=b"levante"))
    link.send(frame(ipv4.encode(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_ICMP, source=DEVICE,
                                                destination="10.0.2.2", payload=request))))
    [received] = answers(link)
    packet = ipv4.decode(received.payload)
    reply = icmp.decode(packet.payload)
    assert received.destination == DEVICE_MAC
    assert (packet.source, packet.destination) == ("10.0.2.2", DEVICE)
    assert isinstance(reply, icmp.IcmpEcho) and reply.type == icmp.ECHO_REPLY
    assert (reply.identifier, reply.sequence, reply.payload) == (7, 3, b"levante")


# --- DHCP ---------------------------------------------------------------------------


def dhcp(link: UserLink, kind: MessageType, *, mac: str = DEVICE_MAC, xid: int = 1,
         **options: object) -> DhcpMessage | None:
    client = options.pop("client_address", "0.0.0.0")
    message = DhcpMessage(operation=Operation.BOOTREQUEST, transaction_id=xid,
                          client_mac=mac, message_type=kind,
                          client_address=client, **options)  # type: ignore[arg-type]
    source = client if client != "0.0.0.0" else "0.0.0.0"
    link.send(udp_frame(str(source), 68, "255.255.255.255", 67, dhcpv4.encode(message),
                        "ff:ff:ff:ff:ff:ff"))
    received = answers(link)
    if not received:
        return None
    [reply_frame] = received
    packet, datagram = udp_of(reply_frame)
    assert (packet.source, datagram.source_port, datagram.destination_port) == \
        ("10.0.2.2", 67, 68)
    reply = dhcpv4.decode(datagram.payload)
    assert reply.transaction_id == xid
    return reply


def test_dhcp_handshake_gives_an_address_with_its_options(link: UserLink) -> None:
    offer = dhcp(link, MessageType.DISCOVER, parameter_requests=(1, 3, 6))
    assert offer is not None and offer.message_type is MessageType.OFFER
    assert offer.your_address == DEVICE
    assert (offer.subnet_mask, offer.routers, offer.dns_servers) == \
        ("255.255.255.0", ("10.0.2.2",), ("10.0.2.3",))
    assert offer.server_identifier == "10.0.2.2" and offer.lease_time == 86400
    assert (offer.renewal_time, offer.rebinding_time) == (43200, 75600)
    ack = dhcp(link, MessageType.REQUEST, requested_address=DEVICE,
               server_identifier="10.0.2.2")
    assert ack is not None and ack.message_type is MessageType.ACK
    assert ack.your_address == DEVICE
    assert link.gateway.device_address == DEVICE
    # Renewing (RFC 2131 §4.3.2): ciaddr set, no server identifier: ACKed again.
    renewed = dhcp(link, MessageType.REQUEST, client_address=DEVICE, xid=2)
    assert renewed is not None and renewed.message_type is MessageType.ACK


def test_a_second_client_gets_another_address_and_a_release_frees_it(link: UserLink) -> None:
    other = "00:00:5e:00:53:09"
    first = dhcp(link, MessageType.DISCOVER)
    assert first is not None
    dhcp(link, MessageType.REQUEST, requested_address=first.your_address,
         server_identifier="10.0.2.2")
    second = dhcp(link, MessageType.DISCOVER, mac=other)
    assert second is not None and second.your_address == "10.0.2.16"
    # INIT-REBOOT for an address another client holds: NAK, by broadcast.
    nak = dhcp(link, MessageType.REQUEST, mac=other, requested_address=DEVICE)
    assert nak is not None and nak.message_type is MessageType.NAK
    assert nak.your_address == "0.0.0.0" and nak.lease_time is None
    assert dhcp(link, MessageType.RELEASE, client_address=DEVICE) is None
    again = dhcp(link, MessageType.REQUEST, mac=other, requested_address=DEVICE)
    assert again is not None and again.message_type is MessageType.ACK


def test_a_request_for_another_server_or_outside_the_pool_is_not_acked(
        link: UserLink) -> None:
    assert dhcp(link, MessageType.REQUEST, requested_address=DEVICE,
                server_identifier="10.0.2.9") is None
    nak = dhcp(link, MessageType.REQUEST, requested_address="10.0.2.200")
    assert nak is not None and nak.message_type is MessageType.NAK


def test_inform_is_answered_without_a_lease(link: UserLink) -> None:
    ack = dhcp(link, MessageType.INFORM, client_address="10.0.2.40")
    assert ack is not None and ack.message_type is MessageType.ACK
    assert ack.your_address == "0.0.0.0" and ack.lease_time is None
    assert ack.dns_servers == ("10.0.2.3",)


# --- DNS ----------------------------------------------------------------------------


def ask(link: UserLink, name: str, record_type: int = dns.RecordType.A) -> dns.DnsMessage:
    query = dns.encode(dns.DnsMessage(identifier=0x4C56, recursion_desired=True,
                                      questions=(dns.Question(name=name,
                                                              record_type=record_type),)))
    link.send(udp_frame(DEVICE, 5353, "10.0.2.3", 53, query))
    received = answers(link, wait=10.0)
    assert len(received) == 1
    packet, datagram = udp_of(received[0])
    assert (packet.source, datagram.source_port, datagram.destination_port) == \
        ("10.0.2.3", 53, 5353)
    reply = dns.decode(datagram.payload)
    assert reply.is_response and reply.identifier == 0x4C56
    return reply


def device_with_address(link: UserLink) -> None:
    link.gateway.device_mac = DEVICE_MAC
    link.gateway.device_address = DEVICE


def test_localhost_resolves_to_the_gateway_through_the_hosts_resolver(
        link: UserLink) -> None:
    device_with_address(link)
    reply = ask(link, "localhost")
    assert reply.response_code == dns.ResponseCode.NO_ERROR
    assert [record.address for record in reply.answers] == ["10.0.2.2"]
    assert reply.questions[0].name == "localhost"
    # AAAA: the host's ::1 is not reachable over the gateway, so no address is given.
    assert ask(link, "localhost", dns.RecordType.AAAA).answers == ()


def test_unknown_names_types_and_stuck_lookups() -> None:
    def lookup(name: str, family: int) -> list[str]:
        if name == "stuck.example":
            release.wait(5)
            return ["192.0.2.9"]
        raise socket.gaierror(socket.EAI_NONAME, "unknown")

    release = threading.Event()
    link = UserLink(default_plan(), [], lookup)
    link.gateway.dns._timeout = 0.2
    device_with_address(link)
    try:
        assert ask(link, "nothing.example").response_code == dns.ResponseCode.NAME_ERROR
        assert ask(link, "stuck.example").response_code == dns.ResponseCode.SERVER_FAILURE
        assert ask(link, "x.example", dns.RecordType.MX).response_code == \
            dns.ResponseCode.NOT_IMPLEMENTED
    finally:
        release.set()
        link.close()


def test_garbage_to_the_dns_port_gets_no_answer(link: UserLink) -> None:
    device_with_address(link)
    link.send(udp_frame(DEVICE, 5353, "10.0.2.3", 53, b"\x00\x01garbage"))
    assert answers(link) == []
    assert link.wait(0.05) is None  # nothing pending: no wait at all


# --- UDP relay and forwards -------------------------------------------------------------


@pytest.fixture
def host_server() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(10)
    yield server
    server.close()


def test_a_datagram_to_the_gateway_reaches_the_hosts_loopback_and_back(
        link: UserLink, host_server: socket.socket) -> None:
    device_with_address(link)
    port = host_server.getsockname()[1]
    link.send(udp_frame(DEVICE, 40000, "10.0.2.2", port, b"ping from device"))
    data, client = host_server.recvfrom(2048)
    assert data == b"ping from device"
    host_server.sendto(b"pong from host", client)
    [received] = answers(link, wait=10.0)
    packet, datagram = udp_of(received)
    assert (packet.source, datagram.source_port) == ("10.0.2.2", port)
    assert (packet.destination, datagram.destination_port) == (DEVICE, 40000)
    assert datagram.payload == b"pong from host"
    assert received.destination == DEVICE_MAC
    # The same device port keeps its host socket (one mapping per endpoint).
    link.send(udp_frame(DEVICE, 40000, "10.0.2.2", port, b"again"))
    assert host_server.recvfrom(2048) == (b"again", client)


def free_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


def test_forward_brings_a_host_client_to_the_device_and_its_answer_back() -> None:
    host_port = free_port()
    link = UserLink(default_plan(), [("udp", host_port, 7)])
    device_with_address(link)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.settimeout(10)
    try:
        client.sendto(b"hello device", ("127.0.0.1", host_port))
        [received] = answers(link, wait=10.0)
        packet, datagram = udp_of(received)
        assert (packet.destination, datagram.destination_port) == (DEVICE, 7)
        assert packet.source == "10.0.2.2" and datagram.payload == b"hello device"
        link.send(udp_frame(DEVICE, 7, "10.0.2.2", datagram.source_port, b"hello host"))
        assert client.recvfrom(2048)[0] == b"hello host"
    finally:
        client.close()
        link.close()


def test_a_forward_on_a_busy_port_is_one_line(host_server: socket.socket) -> None:
    from levante.net.link.errors import LinkError

    port = host_server.getsockname()[1]
    with pytest.raises(LinkError, match=f"udp:{port}:7: cannot listen on 127.0.0.1:{port}"):
        UserLink(default_plan(), [("udp", port, 7)])


# --- TCP, and the static addresses of Zephyr's samples -------------------------------


def test_a_syn_to_a_closed_host_port_is_answered_with_a_reset(link: UserLink) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]  # bound, never listening: the host refuses
    try:
        syn = tcp.encode(tcp.TcpSegment(source_port=40001, destination_port=port,
                                        sequence_number=1000, flags=("SYN",), window=1024),
                         source=DEVICE, destination="10.0.2.2")
        link.send(frame(ipv4.encode(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_TCP,
                                                    source=DEVICE, destination="10.0.2.2",
                                                    payload=syn))))
        [received] = answers(link, wait=10.0)
    finally:
        probe.close()
    packet = ipv4.decode(received.payload)
    reset = tcp.decode(packet.payload, source=packet.source, destination=packet.destination)
    assert reset.flags == ("ACK", "RST") and reset.acknowledgment_number == 1001
    assert (reset.source_port, reset.destination_port) == (port, 40001)


def test_static_addresses_reach_the_host_through_the_configured_peer(
        host_server: socket.socket) -> None:
    device = Ipv4Settings("192.0.2.1", "255.255.255.0")
    link = UserLink(static_plan(device, "192.0.2.2"), [])
    link.gateway.device_mac = DEVICE_MAC
    try:
        link.send(frame(arp.encode(arp.ArpPacket(
            operation=arp.ArpOperation.REQUEST, sender_mac=DEVICE_MAC, sender_ip="192.0.2.1",
            target_mac="00:00:00:00:00:00", target_ip="192.0.2.2")), ethernet.ETHERTYPE_ARP,
            "ff:ff:ff:ff:ff:ff"))
        [reply] = answers(link)
        assert arp.decode(reply.payload[:28]).sender_ip == "192.0.2.2"
        port = host_server.getsockname()[1]
        link.send(udp_frame("192.0.2.1", 4242, "192.0.2.2", port, b"static"))
        data, client = host_server.recvfrom(2048)
        assert data == b"static"
        host_server.sendto(b"back", client)
        [received] = answers(link, wait=10.0)
        packet, datagram = udp_of(received)
        assert (packet.source, packet.destination) == ("192.0.2.2", "192.0.2.1")
        assert datagram.payload == b"back"
    finally:
        link.close()


def test_static_plan_without_peer_or_gateway_takes_the_first_free_host() -> None:
    plan = static_plan(Ipv4Settings("192.0.2.1", "255.255.255.0"), None)
    assert plan.host_aliases == ("192.0.2.2",) and plan.pool == ()
    plan = static_plan(Ipv4Settings("192.0.2.1", "255.255.255.0", "192.0.2.254"),
                       "192.0.2.2")
    assert plan.host_aliases == ("192.0.2.2", "192.0.2.254") and plan.router == "192.0.2.254"


def test_nothing_to_wait_for_returns_at_once(link: UserLink) -> None:
    assert link.wait(None) is None  # no forward, no flow, no lookup: nothing can come


def test_a_long_answer_is_cut_to_fit_512_octets() -> None:
    many = [f"192.0.2.{n}" for n in range(1, 101)]
    link = UserLink(default_plan(), [], lambda name, family: many)
    device_with_address(link)
    try:
        reply = ask(link, "many.example")
        assert 0 < len(reply.answers) < 100
        assert len(dns.encode(reply)) <= dns.UDP_PAYLOAD_LIMIT
        assert [record.address for record in reply.answers] == many[:len(reply.answers)]
    finally:
        link.close()


def test_multicast_from_the_device_is_not_relayed(link: UserLink) -> None:
    device_with_address(link)
    link.send(udp_frame(DEVICE, 5353, "224.0.0.251", 5353, b"mdns",
                        "01:00:5e:00:00:fb"))
    assert link.gateway.counters["drop.multicast"] == 0  # not for the gateway's MAC
    link.send(udp_frame(DEVICE, 5353, "224.0.0.251", 5353, b"mdns"))
    assert link.gateway.counters["drop.multicast"] == 1
    assert not link.gateway.udp.is_open


def valid_frames() -> list[bytes]:
    discover = DhcpMessage(operation=Operation.BOOTREQUEST, transaction_id=1,
                           client_mac=DEVICE_MAC, message_type=MessageType.DISCOVER)
    query = dns.encode(dns.DnsMessage(identifier=1, questions=(
        dns.Question(name="a.example", record_type=dns.RecordType.MX),)))
    return [udp_frame("0.0.0.0", 68, "255.255.255.255", 67, dhcpv4.encode(discover),
                      "ff:ff:ff:ff:ff:ff"),
            udp_frame(DEVICE, 1, "10.0.2.3", 53, query),
            frame(arp.encode(arp.ArpPacket(
                operation=arp.ArpOperation.REQUEST, sender_mac=DEVICE_MAC, sender_ip=DEVICE,
                target_mac="00:00:00:00:00:00", target_ip="10.0.2.2")),
                ethernet.ETHERTYPE_ARP)]


@given(st.sampled_from(valid_frames()), st.lists(st.tuples(st.integers(0, 400),
                                                           st.integers(0, 255)), max_size=6),
       st.integers(14, 420))
def test_any_corrupted_frame_leaves_the_gateway_standing(
        base: bytes, changes: list[tuple[int, int]], cut: int) -> None:
    link = UserLink(default_plan(), [], lambda name, family: [])
    try:
        data = bytearray(base)
        for position, value in changes:
            if position < len(data):
                data[position] = value
        link.send(bytes(data[:cut]))
        link.receive(64)
        link.send(valid_frames()[2])  # and it still answers ARP
        assert any(received.ethertype == ethernet.ETHERTYPE_ARP
                   for received in answers(link))
    finally:
        link.close()
