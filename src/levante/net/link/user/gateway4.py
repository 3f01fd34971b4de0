"""The user-mode gateway's IPv4 answers at the link and address level: ARP for the
addresses it owns, asking the device's MAC, and DHCP replies addressed as RFC 2131 says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.codecs import arp, dhcpv4, ethernet
from levante.net.link.user.plan import GATEWAY_MAC

if TYPE_CHECKING:
    from levante.net.link.user.gateway import UserGateway

BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"
LIMITED_BROADCAST = "255.255.255.255"


def answer_arp(gateway: UserGateway, packet: arp.ArpPacket) -> None:
    if packet.operation != arp.ArpOperation.REQUEST:
        return
    if packet.target_ip not in gateway.plan.owned or packet.sender_ip == packet.target_ip:
        return
    gateway.counters["arp.replied"] += 1
    reply = arp.ArpPacket(operation=arp.ArpOperation.REPLY, sender_mac=GATEWAY_MAC,
                          sender_ip=packet.target_ip, target_mac=packet.sender_mac,
                          target_ip=packet.sender_ip)
    gateway.queue_frame(packet.sender_mac, ethernet.ETHERTYPE_ARP, arp.encode(reply))


def ask_device_mac(gateway: UserGateway, source: str, device: str) -> None:
    """The device has not spoken yet (a configured device's announcement was missed):
    ask for its MAC; what was dropped comes again (TCP retransmits), or the device
    answers and is known from then on."""
    if device == LIMITED_BROADCAST or not gateway.plan.is_on_subnet(device):
        return
    request = arp.ArpPacket(operation=arp.ArpOperation.REQUEST, sender_mac=GATEWAY_MAC,
                            sender_ip=source if source in gateway.plan.owned
                            else gateway.plan.router,
                            target_mac="00:00:00:00:00:00", target_ip=device)
    gateway.counters["arp.asked"] += 1
    gateway.queue_frame(BROADCAST_MAC, ethernet.ETHERTYPE_ARP, arp.encode(request))


def answer_dhcp(gateway: UserGateway, payload: bytes) -> None:
    request = dhcpv4.decode(payload)
    reply = gateway.dhcp.answer(request, gateway.clock())
    if reply is None:
        return
    assert reply.message_type is not None  # the server always says what it sends
    gateway.counters[f"dhcp.{reply.message_type.name.lower()}"] += 1
    # RFC 2131 §4.1: to ciaddr when the client has one; a NAK, or a client that
    # asked for broadcast, by broadcast; else to yiaddr at the client's MAC.
    if request.client_address != "0.0.0.0" and reply.message_type != dhcpv4.MessageType.NAK:
        destination, mac = request.client_address, request.client_mac
    elif reply.message_type == dhcpv4.MessageType.NAK or request.wants_broadcast:
        destination, mac = LIMITED_BROADCAST, BROADCAST_MAC
    else:
        destination, mac = reply.your_address, request.client_mac
    if reply.message_type == dhcpv4.MessageType.ACK and reply.your_address != "0.0.0.0":
        gateway.device_address = reply.your_address
    gateway.send_udp((gateway.plan.router, dhcpv4.SERVER_PORT, destination,
                      dhcpv4.CLIENT_PORT, dhcpv4.encode(reply)), mac)
