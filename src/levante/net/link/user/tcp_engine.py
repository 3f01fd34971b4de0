"""The TCP engines the gateway's TCP relay speaks through: one `TcpLayer` of the stack per
gateway address (IPv4 or IPv6), whose packets are collected for the device; and the
reset a closed port answers with, in the family of the segment it answers."""

from __future__ import annotations

from levante.codecs import ipv4, ipv6, tcp
from levante.codecs.addresses import is_ipv6_text
from levante.codecs.ipv4 import Ipv4Packet
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.tcp import TcpSegment
from levante.net.link.user.plan import GATEWAY_MAC
from levante.net.stack.ipv4 import ProtocolInput
from levante.net.stack.ipv6 import Ipv6Input
from levante.net.stack.settings import InterfaceSettings, Ipv4Settings, TcpSettings
from levante.net.stack.stats import NetStats
from levante.net.stack.tcp import TcpLayer
from levante.net.stack.tcp_sequence import seq_add

# A packet to or from the device, of either family.
IpPacket = Ipv4Packet | Ipv6Packet
# The gateway's side offers the largest window without scaling, and as much to send.
GATEWAY_TCP = TcpSettings(send_buffer=0xFFFF, receive_window=0xFFFF)
LINK_MTU = 1500
HOP_LIMIT = 64


class _AddressIp:
    """The IPv4 below one gateway address's engine (no IPv4 at all for an IPv6 one):
    what it sends is collected."""

    def __init__(self, address: str | None, outgoing: list[IpPacket]) -> None:
        # Netmask 0: every address is on link, the device being the gateway's only peer.
        self.settings = InterfaceSettings(
            mac=GATEWAY_MAC, ipv4=Ipv4Settings(address, "0.0.0.0") if address else None,
            tcp=GATEWAY_TCP)
        self.protocols: dict[int, ProtocolInput] = {}
        self.address = address or ""
        self._outgoing = outgoing

    def send(self, destination: str, protocol: int, payload: bytes, now: int) -> bool:
        self._outgoing.append(Ipv4Packet(protocol=protocol, source=self.address,
                                         destination=destination, payload=payload))
        return True


class _OneAddress:
    """The IPv6 addresses of one engine: its own, only."""

    def __init__(self, address: str) -> None:
        self.address = address

    def is_ours(self, address: str) -> bool:
        return address == self.address


class _AddressIp6:
    """The IPv6 below one gateway address's engine: what it sends is collected."""

    def __init__(self, address: str, outgoing: list[IpPacket]) -> None:
        self.protocols: dict[int, Ipv6Input] = {}
        self.address = address
        self._addresses = _OneAddress(address)
        self._outgoing = outgoing

    @property
    def addresses(self) -> _OneAddress:
        return self._addresses

    def source_for(self, destination: str) -> str | None:
        return self.address

    def send(self, destination: str, next_header: int, payload: bytes, now: int, *,
             source: str) -> bool:
        self._outgoing.append(Ipv6Packet(next_header=next_header, hop_limit=HOP_LIMIT,
                                         source=source, destination=destination,
                                         payload=payload))
        return True


def engine_for(address: str, outgoing: list[IpPacket], stats: NetStats,
               isn_key: bytes) -> TcpLayer:
    """The engine speaking as `address` (raises SettingsError for one it cannot)."""
    if is_ipv6_text(address):
        layer = TcpLayer(_AddressIp(None, outgoing), stats, GATEWAY_TCP, isn_key)
        layer.attach_ipv6(_AddressIp6(address, outgoing), LINK_MTU)
        return layer
    return TcpLayer(_AddressIp(address, outgoing), stats, GATEWAY_TCP, isn_key)


def engine_receive(layer: TcpLayer, packet: IpPacket, now: int) -> None:
    """The device's segment (the packet's payload) into `layer`."""
    if isinstance(packet, Ipv6Packet):
        layer.receive_ipv6(packet, packet.payload, False, now)
    else:
        layer.receive(packet, b"", False, now)


def reset_for(packet: IpPacket, segment: TcpSegment) -> IpPacket | None:
    """RFC 9293 §3.10.7.1 (CLOSED): the reset answering `segment` (none for a RST)."""
    if segment.has("RST"):
        return None
    if segment.has("ACK"):
        reply = TcpSegment(source_port=segment.destination_port,
                           destination_port=segment.source_port,
                           sequence_number=segment.acknowledgment_number, flags=("RST",))
    else:
        length = len(segment.payload) + segment.has("SYN") + segment.has("FIN")
        reply = TcpSegment(source_port=segment.destination_port,
                           destination_port=segment.source_port,
                           acknowledgment_number=seq_add(segment.sequence_number, length),
                           flags=("ACK", "RST"))
    payload = tcp.encode(reply, source=packet.destination, destination=packet.source)
    if isinstance(packet, Ipv6Packet):
        return Ipv6Packet(next_header=ipv6.NEXT_TCP, hop_limit=HOP_LIMIT,
                          source=packet.destination, destination=packet.source,
                          payload=payload)
    return Ipv4Packet(protocol=ipv4.PROTOCOL_TCP, source=packet.destination,
                      destination=packet.source, payload=payload)
