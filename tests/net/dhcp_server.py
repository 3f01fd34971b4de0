"""A scripted DHCPv4 server for the client's unit tests: reads what the device sent and
builds the replies a server (or an attacker) would send."""

from __future__ import annotations

import random
from dataclasses import replace

from netpeer import DEVICE_MAC, PEER_IP, PEER_MAC, SECOND, frame, sent

from levante.codecs import arp, dhcpv4, ethernet, ipv4, udp
from levante.codecs.arp import ArpOperation, ArpPacket
from levante.codecs.dhcpv4 import DhcpMessage, MessageType, Operation
from levante.net.stack import InterfaceSettings, NetworkStack
from levante.net.stack.dhcpv4_client import Dhcpv4Client

SERVER_IP = PEER_IP
SERVER_MAC = PEER_MAC
OFFERED = "192.0.2.50"


def seeded(seed: int = 7) -> random.Random:
    return random.Random(seed)


def make_client(seed: int = 7, events: list[str] | None = None,
                delay_max: int = 10) -> tuple[NetworkStack, Dhcpv4Client]:
    stack = NetworkStack(InterfaceSettings(mac=DEVICE_MAC))
    stack.link_up(0)
    stack.take_outgoing()
    source = seeded(seed)
    client = Dhcpv4Client(stack, source.randbytes, delay_max,
                          events.append if events is not None else None)
    return stack, client


def client_messages(stack: NetworkStack) -> list[tuple[ipv4.Ipv4Packet, DhcpMessage]]:
    """The DHCP messages among the frames the device sent."""
    found = []
    for item in sent(stack):
        if item.ip is None or item.ip.protocol != ipv4.PROTOCOL_UDP:
            continue
        datagram = udp.decode(item.ip.payload)
        if datagram.destination_port == dhcpv4.SERVER_PORT:
            found.append((item.ip, dhcpv4.decode(datagram.payload)))
    return found


def run_until_message(stack: NetworkStack, limit_s: int = 200) -> tuple[int, ipv4.Ipv4Packet,
                                                                         DhcpMessage]:
    """Advance to the stack's deadlines until the device sends a DHCP message."""
    now = 0
    while now < limit_s * SECOND:
        deadline = stack.next_deadline()
        assert deadline is not None, "the client has no timer"
        now = max(now, deadline)
        stack.advance(now)
        messages = client_messages(stack)
        if messages:
            return now, *messages[-1]
    raise AssertionError("no DHCP message")


def reply(request: DhcpMessage, kind: MessageType, **changes: object) -> DhcpMessage:
    message = DhcpMessage(
        operation=Operation.BOOTREPLY, transaction_id=request.transaction_id,
        client_mac=request.client_mac, flags=request.flags, your_address=OFFERED,
        message_type=kind, server_identifier=SERVER_IP, subnet_mask="255.255.255.0",
        routers=("192.0.2.254",), dns_servers=("192.0.2.53",), lease_time=3600)
    if kind is MessageType.NAK:
        message = replace(message, your_address="0.0.0.0", subnet_mask=None, routers=(),
                          dns_servers=(), lease_time=None)
    return replace(message, **changes)  # type: ignore[arg-type]


def server_frame(message: DhcpMessage | bytes, *, destination: str = "255.255.255.255",
                 link_destination: str = "ff:ff:ff:ff:ff:ff") -> bytes:
    payload = message if isinstance(message, bytes) else dhcpv4.encode(message)
    data = udp.encode(udp.UdpDatagram(source_port=dhcpv4.SERVER_PORT,
                                      destination_port=dhcpv4.CLIENT_PORT, payload=payload),
                      source=SERVER_IP, destination=destination)
    packet = ipv4.encode(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_UDP, source=SERVER_IP,
                                         destination=destination, payload=data))
    return frame(packet, source=SERVER_MAC, destination=link_destination)


def bind(stack: NetworkStack, client: Dhcpv4Client) -> int:
    """Take the client through DISCOVER, OFFER, REQUEST, ACK; the instant it bound."""
    client.start(0)
    now, _, discover = run_until_message(stack)
    stack.receive(server_frame(reply(discover, MessageType.OFFER)), now)
    (_, request), = client_messages(stack)
    stack.receive(server_frame(reply(request, MessageType.ACK)), now)
    return now


def server_arp_reply(target_ip: str = OFFERED) -> bytes:
    """The server answers the device's ARP request for it (at its leased address)."""
    packet = ArpPacket(operation=ArpOperation.REPLY, sender_mac=SERVER_MAC,
                       sender_ip=SERVER_IP, target_mac=DEVICE_MAC, target_ip=target_ip)
    return frame(arp.encode(packet), ethertype=ethernet.ETHERTYPE_ARP, source=SERVER_MAC)
