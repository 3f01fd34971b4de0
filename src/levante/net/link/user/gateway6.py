"""The user-mode gateway over IPv6: the device's router and its one neighbour.

It answers Neighbor Solicitations for its addresses (`plan6.py`), Router Solicitations
with a Router Advertisement naming itself the default router and giving the prefix
(and advertises again every `READVERTISE_US` of simulated time once asked, so the
router and prefix lifetimes never run out), ping to its addresses, DNS at its DNS
address, and hands the device's UDP and TCP to the same relays as the IPv4 side (the
addresses that stand for the host reach ::1). The segment has one device, so the
gateway's neighbour cache is one entry: the device's MAC, shared with the IPv4 side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from levante.codecs import dns, ethernet, icmpv6, ipv6, ndp, tcp, udp
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ipv6_extensions import parse_chain
from levante.codecs.ndp import (
    LinkLayerAddress,
    MtuOption,
    NeighborAdvertisement,
    NeighborSolicitation,
    PrefixInformation,
    RouterAdvertisement,
    RouterSolicitation,
)
from levante.net.link.user.plan import GATEWAY_MAC
from levante.net.link.user.plan6 import PREFIX_LENGTH, Gateway6Plan
from levante.net.stack.ipv6_settings import (
    ALL_NODES,
    UNSPECIFIED,
    is_link_local,
    is_multicast,
    multicast_mac,
    solicited_node_group,
)

if TYPE_CHECKING:
    from levante.net.link.user.gateway import UserGateway

ND_HOP_LIMIT = 255  # RFC 4861 §6.1, §7.1: ND messages come and go with hop limit 255
HOP_LIMIT = 64
MTU = 1500
# RFC 4861 §6.2.1 defaults: MaxRtrAdvInterval 600 s; AdvDefaultLifetime at its largest
# (9000 s, §4.2) so one lost advertisement costs nothing; AdvValidLifetime 30 days,
# AdvPreferredLifetime 7 days.
READVERTISE_US = 600 * 1_000_000
ROUTER_LIFETIME = 9000
VALID_LIFETIME = 2_592_000
PREFERRED_LIFETIME = 604_800
MLD_TYPES = frozenset((130, 131, 132, 143))  # queries, reports (v1, v2), done


class Ipv6Side:
    """What the device sends over IPv6 in; what the gateway answers out, through the
    gateway's frame queue."""

    def __init__(self, gateway: UserGateway, plan: Gateway6Plan) -> None:
        self.gateway = gateway
        self.plan = plan
        self.counters = gateway.counters
        self.device_address: str | None = plan.device_static  # global: forwards reach it
        self.next_advertisement_at: int | None = None

    # --- From the device -------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """One IPv6 packet from the device (codec errors are the caller's to count)."""
        packet = ipv6.decode(data)
        if is_multicast(packet.source):
            self.counters["drop.ipv6-multicast-source"] += 1  # RFC 4291 §2.7
            return
        to_multicast = is_multicast(packet.destination)
        chain = parse_chain(packet, destination_is_multicast=to_multicast)
        if chain.fragment is not None:
            self.counters["drop.fragment"] += 1
            return
        # From here on the packet carries its upper layer only, extension headers off.
        packet = replace(packet, next_header=chain.upper_layer,
                         payload=chain.upper_data(packet))
        if packet.source == UNSPECIFIED and packet.next_header != ipv6.NEXT_ICMPV6:
            # RFC 4291 §2.5.2: the unspecified source is for DAD and solicitations only.
            self.counters["drop.unspecified-source"] += 1
            return
        self._learn(packet.source)
        if packet.next_header == ipv6.NEXT_ICMPV6:
            self._icmp(packet, to_multicast)
        elif packet.next_header == ipv6.NEXT_UDP:
            self._udp(packet, to_multicast)
        elif packet.next_header == ipv6.NEXT_TCP and not to_multicast and \
                self._may_relay(packet.destination):
            segment = tcp.decode(packet.payload, source=packet.source,
                                 destination=packet.destination)
            self.gateway.send_all(self.gateway.tcp.from_device(packet, segment,
                                                               self.gateway.now()))
        else:
            self.counters["drop.protocol"] += 1

    def _learn(self, source: str) -> None:
        """The device's global address, which `--forward` reaches over IPv6."""
        if source != UNSPECIFIED and not is_link_local(source) and \
                source not in self.plan.owned and self.plan.is_on_link(source):
            self.device_address = source

    def _may_relay(self, destination: str) -> bool:
        """A link-local destination that is not the gateway is nobody: the segment has
        no other node."""
        return destination in self.plan.owned or not is_link_local(destination)

    def _icmp(self, packet: Ipv6Packet, to_multicast: bool) -> None:
        message = icmpv6.decode(packet.payload, source=packet.source,
                                destination=packet.destination)
        if message.type in ndp.MINIMUM_LENGTH:
            self._neighbor_discovery(packet, message)
        elif message.type == icmpv6.ECHO_REQUEST and packet.destination in self.plan.owned:
            echo = icmpv6.decode_echo(message)
            self.counters["icmpv6.echo-replied"] += 1
            self._send_icmp(packet.destination, packet.source,
                            icmpv6.echo_message(icmpv6.ECHO_REPLY, echo), HOP_LIMIT)
        elif message.type in MLD_TYPES:
            self.counters["ipv6.mld-ignored"] += 1  # the gateway forwards no multicast
        else:
            self.counters["drop.icmpv6-not-relayed"] += 1  # no raw sockets without root

    # --- Neighbor Discovery (RFC 4861) -------------------------------------------------

    def _neighbor_discovery(self, packet: Ipv6Packet, message: Icmpv6Message) -> None:
        # §6.1.1, §7.1.1: hop limit 255 (from on the link) and code 0.
        if packet.hop_limit != ND_HOP_LIMIT or message.code != 0:
            self.counters["drop.ndp-invalid"] += 1
            return
        decoded = ndp.decode(message)
        source_mac = _source_link_layer(decoded.options)
        unspecified = packet.source == UNSPECIFIED
        if unspecified and source_mac is not None:
            self.counters["drop.ndp-invalid"] += 1  # §6.1.1, §7.1.1
            return
        if isinstance(decoded, NeighborSolicitation):
            self._solicitation(packet, decoded, source_mac)
        elif isinstance(decoded, RouterSolicitation):
            self.counters["ndp.router-solicitations"] += 1
            self._advertise(None if unspecified else packet.source, source_mac)
        else:
            self.counters["ndp.ignored"] += 1  # advertisements and redirects: no state

    def _solicitation(self, packet: Ipv6Packet, message: NeighborSolicitation,
                      source_mac: str | None) -> None:
        """§7.2.3-§7.2.4: an advertisement for our own target, as a router."""
        if is_multicast(message.target):
            self.counters["drop.ndp-invalid"] += 1
            return
        unspecified = packet.source == UNSPECIFIED
        if unspecified and packet.destination != solicited_node_group(message.target):
            self.counters["drop.ndp-invalid"] += 1  # §7.1.1
            return
        if message.target not in self.plan.owned:
            return  # another address of the segment: there is none
        self.counters["ndp.advertised"] += 1
        answer = ndp.encode(NeighborAdvertisement(
            message.target, router=True, solicited=not unspecified, override=True,
            options=(LinkLayerAddress(ndp.TARGET_LINK_LAYER, GATEWAY_MAC),)))
        # To the solicitor, or to all nodes when it has no address yet (a DAD probe of
        # one of the gateway's addresses, which this defends).
        destination = ALL_NODES if unspecified else packet.source
        self._send_icmp(message.target, destination, answer, ND_HOP_LIMIT, source_mac)

    def _advertise(self, solicitor: str | None, solicitor_mac: str | None) -> None:
        """§6.2.6: the answer to a solicitation, unicast to a solicitor that has an
        address (the MAY of §6.2.6, which needs no rate limit), else to all nodes."""
        advertisement = ndp.encode(RouterAdvertisement(
            current_hop_limit=HOP_LIMIT, router_lifetime=ROUTER_LIFETIME,
            options=(LinkLayerAddress(ndp.SOURCE_LINK_LAYER, GATEWAY_MAC), MtuOption(MTU),
                     PrefixInformation(PREFIX_LENGTH, on_link=True,
                                       autonomous=self.plan.autonomous,
                                       valid_lifetime=VALID_LIFETIME,
                                       preferred_lifetime=PREFERRED_LIFETIME,
                                       prefix=self.plan.prefix))))
        self.counters["ndp.router-advertisements"] += 1
        self._send_icmp(self.plan.link_local, solicitor or ALL_NODES, advertisement,
                        ND_HOP_LIMIT, solicitor_mac)
        self.next_advertisement_at = self.gateway.now() + READVERTISE_US

    def advance(self, now: int) -> None:
        """§6.2.4: unsolicited advertisements, once the device has asked for one."""
        if self.next_advertisement_at is not None and self.next_advertisement_at <= now:
            self._advertise(None, None)

    # --- UDP ----------------------------------------------------------------------------

    def _udp(self, packet: Ipv6Packet, to_multicast: bool) -> None:
        datagram = udp.decode(packet.payload, source=packet.source,
                              destination=packet.destination)
        if to_multicast or not self._may_relay(packet.destination):
            self.counters["drop.multicast" if to_multicast else "drop.not-routed"] += 1
            return
        port, destination = datagram.destination_port, packet.destination
        gateway = self.gateway
        if port == dns.PORT and destination == self.plan.dns:
            answer = gateway.dns.query(datagram.payload, (packet.source, datagram.source_port))
            self.counters["dns.queries"] += 1
            if answer is not None:
                gateway.send_udp((destination, dns.PORT, packet.source, datagram.source_port,
                                  answer))
            return
        if destination in self.plan.host_aliases and \
                gateway.forwards.answer(port, datagram.payload):
            self.counters["udp.forward-answers"] += 1
            return
        if destination in self.plan.owned and destination not in self.plan.host_aliases:
            return  # the DNS address serves DNS only
        if gateway.udp.send((packet.source, datagram.source_port), destination, port,
                            datagram.payload):
            self.counters["udp.relayed"] += 1
        else:
            self.counters["drop.udp-host-refused"] += 1

    # --- To the device -------------------------------------------------------------------

    def _send_icmp(self, source: str, destination: str, message: Icmpv6Message,
                   hop_limit: int, mac: str | None = None) -> None:
        payload = icmpv6.encode(message, source=source, destination=destination)
        self.send(Ipv6Packet(next_header=ipv6.NEXT_ICMPV6, hop_limit=hop_limit,
                             source=source, destination=destination, payload=payload), mac)

    def send(self, packet: Ipv6Packet, mac: str | None = None) -> None:
        if ipv6.HEADER_LENGTH + len(packet.payload) > MTU:
            self.counters["drop.over-mtu"] += 1  # RFC 8200 §5: the link's MTU, no more
            return
        if is_multicast(packet.destination):
            mac = multicast_mac(packet.destination)
        destination_mac = mac or self.gateway.device_mac
        if destination_mac is None:
            self.counters["drop.device-unknown"] += 1
            self._ask_device_mac(packet.destination)
            return
        self.gateway.queue_frame(destination_mac, ethernet.ETHERTYPE_IPV6,
                                 ipv6.encode(packet))

    def _ask_device_mac(self, device: str) -> None:
        """The device has not spoken yet: a Neighbor Solicitation for its address (what
        was dropped comes again, or its answer makes the device known)."""
        if not self.plan.is_on_link(device) or device in self.plan.owned:
            return
        solicitation = ndp.encode(NeighborSolicitation(
            device, (LinkLayerAddress(ndp.SOURCE_LINK_LAYER, GATEWAY_MAC),)))
        self.counters["ndp.asked"] += 1
        self._send_icmp(self.plan.link_local, solicited_node_group(device), solicitation,
                        ND_HOP_LIMIT)


def _source_link_layer(options: tuple[ndp.NdpOption, ...]) -> str | None:
    return next((option.mac for option in options if isinstance(option, LinkLayerAddress)
                 and option.type == ndp.SOURCE_LINK_LAYER), None)
