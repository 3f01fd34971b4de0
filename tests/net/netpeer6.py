"""A scripted IPv6 peer for the stack's unit tests: builds the frames a neighbour or a
router sends and decodes what the device answers."""

from __future__ import annotations

from dataclasses import dataclass

from netpeer import DEVICE_MAC, PEER_MAC, SECOND

from levante.codecs import ethernet, icmpv6, ipv6, mld, ndp, udp
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ipv6_extensions import parse_chain
from levante.net.stack import InterfaceSettings, NetworkStack
from levante.net.stack.ipv6_settings import Ipv6Settings, multicast_mac, solicited_node_group

DEVICE_LINK_LOCAL = "fe80::200:5eff:fe00:5301"
DEVICE_GLOBAL = "2001:db8::1"
PEER_LINK_LOCAL = "fe80::200:5eff:fe00:5302"
PEER_GLOBAL = "2001:db8::2"
ROUTER_MAC = "00:00:5e:00:53:fe"
ROUTER_LINK_LOCAL = "fe80::1"
ALL_NODES = "ff02::1"
__all__ = ["DEVICE_MAC", "PEER_MAC", "SECOND"]


def make_stack(*, static: str | None = DEVICE_GLOBAL, settle: bool = True,
               **settings: object) -> NetworkStack:
    """A stack with IPv6 (no IPv4), its link up; `settle`: past DAD, its start-up
    frames taken."""
    ipv6_settings = Ipv6Settings(static_address=static, **settings)  # type: ignore[arg-type]
    stack = NetworkStack(InterfaceSettings(mac=DEVICE_MAC, ipv6=ipv6_settings))
    stack.link_up(0)
    if settle:
        stack.advance(SECOND)
        stack.take_outgoing()
    return stack


def frame(packet: Ipv6Packet, *, source_mac: str = PEER_MAC,
          destination_mac: str | None = None) -> bytes:
    if destination_mac is None:
        destination_mac = multicast_mac(packet.destination) \
            if packet.destination.startswith("ff") else DEVICE_MAC
    return ethernet.encode(ethernet.EthernetFrame(
        destination=destination_mac, source=source_mac,
        ethertype=ethernet.ETHERTYPE_IPV6, payload=ipv6.encode(packet)))


def icmp_packet(message: Icmpv6Message, *, source: str = PEER_GLOBAL,
                destination: str = DEVICE_GLOBAL, hop_limit: int = 64,
                extension: bytes = b"") -> Ipv6Packet:
    data = icmpv6.encode(message, source=source, destination=destination)
    if extension:  # extension headers, the last naming ICMPv6 as next header
        return Ipv6Packet(next_header=extension[-1], hop_limit=hop_limit, source=source,
                          destination=destination, payload=extension[:-1] + data)
    return Ipv6Packet(next_header=ipv6.NEXT_ICMPV6, hop_limit=hop_limit, source=source,
                      destination=destination, payload=data)


def echo_request(*, source: str = PEER_GLOBAL, destination: str = DEVICE_GLOBAL,
                 sequence: int = 1, data: bytes = b"levante ping", **fields: object) -> bytes:
    message = icmpv6.echo_message(icmpv6.ECHO_REQUEST, icmpv6.Echo(0x4C56, sequence, data))
    return frame(icmp_packet(message, source=source, destination=destination),
                 **fields)  # type: ignore[arg-type]


def nd_frame(message: ndp.NdpMessage, *, source: str = PEER_GLOBAL,
             destination: str = DEVICE_GLOBAL, hop_limit: int = 255, code: int = 0,
             source_mac: str = PEER_MAC) -> bytes:
    encoded = ndp.encode(message)
    if code:
        encoded = Icmpv6Message(type=encoded.type, code=code, body=encoded.body)
    return frame(icmp_packet(encoded, source=source, destination=destination,
                             hop_limit=hop_limit), source_mac=source_mac)


def solicitation(target: str = DEVICE_GLOBAL, *, source: str = PEER_GLOBAL,
                 mac: str | None = PEER_MAC, destination: str | None = None,
                 **fields: object) -> bytes:
    options = (ndp.LinkLayerAddress(ndp.SOURCE_LINK_LAYER, mac),) if mac else ()
    return nd_frame(ndp.NeighborSolicitation(target, options), source=source,
                    destination=destination or solicited_node_group(target),
                    **fields)  # type: ignore[arg-type]


def advertisement(target: str = PEER_GLOBAL, *, solicited: bool = True,
                  override: bool = True, router: bool = False, mac: str | None = PEER_MAC,
                  destination: str = DEVICE_GLOBAL, **fields: object) -> bytes:
    options = (ndp.LinkLayerAddress(ndp.TARGET_LINK_LAYER, mac),) if mac else ()
    return nd_frame(ndp.NeighborAdvertisement(target, router, solicited, override, options),
                    source=fields.pop("source", target),  # type: ignore[arg-type]
                    destination=destination, **fields)  # type: ignore[arg-type]


def router_advertisement(*options: ndp.NdpOption, lifetime: int = 1800,
                         source: str = ROUTER_LINK_LOCAL,
                         **fields: object) -> bytes:
    message = ndp.RouterAdvertisement(
        current_hop_limit=fields.pop("current_hop_limit", 0),  # type: ignore[arg-type]
        router_lifetime=lifetime,
        options=(ndp.LinkLayerAddress(ndp.SOURCE_LINK_LAYER, ROUTER_MAC), *options))
    return nd_frame(message, source=source, destination=ALL_NODES, source_mac=ROUTER_MAC,
                    **fields)  # type: ignore[arg-type]


def prefix(text: str = "2001:db8:1::", *, valid: int = 86400, preferred: int = 14400,
           length: int = 64, autonomous: bool = True,
           on_link: bool = True) -> ndp.PrefixInformation:
    return ndp.PrefixInformation(length, on_link, autonomous, valid, preferred, text)


def udp_frame(port: int, payload: bytes = b"hello", *, source: str = PEER_GLOBAL,
              destination: str = DEVICE_GLOBAL, source_port: int = 40000,
              checksum: int | None = None) -> bytes:
    data = udp.encode(udp.UdpDatagram(source_port=source_port, destination_port=port,
                                      payload=payload, checksum=checksum),
                      source=source, destination=destination)
    return frame(Ipv6Packet(next_header=ipv6.NEXT_UDP, source=source,
                            destination=destination, payload=data))


def mld_query(group: str = "::", *, version: int = 2, delay_ms: int = 10_000,
              source: str = ROUTER_LINK_LOCAL, hop_limit: int = 1) -> bytes:
    message = mld.encode_query(mld.MldQuery(version, delay_ms, group))
    return frame(icmp_packet(message, source=source, destination=ALL_NODES,
                             hop_limit=hop_limit), source_mac=ROUTER_MAC)


@dataclass(frozen=True)
class Sent6:
    """An IPv6 frame the device sent, decoded down to what the tests look at."""

    frame: ethernet.EthernetFrame
    packet: Ipv6Packet
    upper: bytes

    @property
    def icmp(self) -> Icmpv6Message:
        return icmpv6.decode(self.upper, source=self.packet.source,
                             destination=self.packet.destination)


def sent(stack: NetworkStack) -> list[Sent6]:
    result = []
    for data in stack.take_outgoing():
        decoded = ethernet.decode(data)
        if decoded.ethertype != ethernet.ETHERTYPE_IPV6:
            continue
        packet = ipv6.decode(decoded.payload)
        chain = parse_chain(packet, destination_is_multicast=packet.destination[:2] == "ff")
        result.append(Sent6(decoded, packet, chain.upper_data(packet)))
    return result
