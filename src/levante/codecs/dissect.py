"""Layer-by-layer dissection of captured Ethernet frames, as `levante decode --pcap` shows them.

Ethernet → ARP | IPv4 → ICMP | UDP | TCP → CoAP (UDP port 5683) | DHCPv4 (UDP ports 67,
68) | DNS (UDP port 53) | MQTT (TCP port 1883);
Ethernet → IPv6 → ICMPv6 (→ NDP | MLD) | UDP | TCP likewise.
Sans-IO like the codecs: frames in, JSON-ready dicts out. The only state is one MQTT
stream decoder per TCP flow direction, since MQTT packets span segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from levante.codecs import (
    arp,
    coap,
    dhcpv4,
    dns,
    ethernet,
    icmp,
    icmpv6,
    ipv4,
    ipv6,
    mld,
    mqtt,
    ndp,
    tcp,
    udp,
)
from levante.codecs.coap_view import describe as describe_coap
from levante.codecs.errors import CodecError
from levante.codecs.fields import to_json
from levante.codecs.ipv6_extensions import parse_chain

COAP_PORT = 5683
MQTT_PORT = 1883
MAX_TCP_FLOWS = 1024  # flow directions tracked at once; the oldest is forgotten first
_SEQUENCE_SPACE = 1 << 32


def error_object(error: CodecError) -> dict[str, str]:
    return {"layer": error.protocol, "message": error.message}


@dataclass
class _StreamDirection:
    """Reassembly state for one direction of a TCP flow carrying MQTT."""

    decoder: mqtt.StreamDecoder
    next_sequence: int | None = None
    lost: bool = False  # after a gap or a malformed packet: wait for a new SYN


@dataclass
class Dissector:
    """Decodes frames through every layer it knows, keeping MQTT state per TCP flow."""

    interface: ipv4.Interface | None = None
    _flows: dict[tuple[str, int, str, int], _StreamDirection] = field(default_factory=dict)

    def frame(self, data: bytes) -> dict[str, Any]:
        """One Ethernet frame → {"ethernet": ..., "ipv4": ..., ..., "error": ...}.

        Each layer's `payload` is dropped once the next layer has decoded it; on failure
        the "error" key names the layer and the problem, and the layers below remain.
        """
        layers: dict[str, Any] = {}
        try:
            self._dissect(data, layers)
        except CodecError as error:
            layers["error"] = error_object(error)
        return layers

    def _dissect(self, data: bytes, layers: dict[str, Any]) -> None:
        frame = ethernet.decode(data)
        layers["ethernet"] = to_json(frame)
        if frame.ethertype == ethernet.ETHERTYPE_ARP:
            _add(layers, "ethernet", "arp", arp.decode(frame.payload))
        elif frame.ethertype == ethernet.ETHERTYPE_IPV4:
            self._ipv4(frame.payload, layers)
        elif frame.ethertype == ethernet.ETHERTYPE_IPV6:
            self._ipv6(frame.payload, layers)

    def _ipv4(self, data: bytes, layers: dict[str, Any]) -> None:
        packet = ipv4.decode(data, interface=self.interface)
        _add(layers, "ethernet", "ipv4", packet)
        if packet.is_fragment:
            return  # RFC 791 §3.2: the transport header is only whole after reassembly
        if packet.protocol == ipv4.PROTOCOL_ICMP:
            _add(layers, "ipv4", "icmp", icmp.decode(packet.payload))
        else:
            self._transport("ipv4", packet.protocol, packet.payload, packet, layers)

    def _ipv6(self, data: bytes, layers: dict[str, Any]) -> None:
        packet = ipv6.decode(data)
        _add(layers, "ethernet", "ipv6", packet)
        chain = parse_chain(packet, destination_is_multicast=packet.destination[:2] == "ff")
        if chain.fragment is not None and not chain.fragment.is_atomic:
            return  # RFC 8200 §4.5: the upper-layer header is only whole after reassembly
        upper = chain.upper_data(packet)
        if chain.upper_layer != ipv6.NEXT_ICMPV6:
            self._transport("ipv6", chain.upper_layer, upper, packet, layers)
            return
        message = icmpv6.decode(upper, source=packet.source, destination=packet.destination)
        _add(layers, "ipv6", "icmpv6", message)
        if message.type in ndp.MINIMUM_LENGTH:
            _add(layers, "icmpv6", "ndp", ndp.decode(message))
        elif message.type == icmpv6.MLD_QUERY:
            _add(layers, "icmpv6", "mld", mld.decode_query(message))
        elif message.type == icmpv6.MLDV2_REPORT:
            _add(layers, "icmpv6", "mld", {"records": mld.decode_v2_report(message)})
        elif message.type in (icmpv6.ECHO_REQUEST, icmpv6.ECHO_REPLY):
            _add(layers, "icmpv6", "echo", icmpv6.decode_echo(message))

    def _transport(self, below: str, protocol: int, data: bytes,
                   packet: ipv4.Ipv4Packet | ipv6.Ipv6Packet, layers: dict[str, Any]) -> None:
        if protocol == ipv4.PROTOCOL_UDP:
            datagram = udp.decode(data, source=packet.source, destination=packet.destination)
            _add(layers, below, "udp", datagram)
            ports = (datagram.source_port, datagram.destination_port)
            if COAP_PORT in ports:
                _add(layers, "udp", "coap", describe_coap(coap.decode(datagram.payload)))
            elif dhcpv4.SERVER_PORT in ports and dhcpv4.CLIENT_PORT in ports:
                _add(layers, "udp", "dhcpv4", dhcpv4.decode(datagram.payload))
            elif dns.PORT in ports:
                _add(layers, "udp", "dns", dns.decode(datagram.payload))
        elif protocol == ipv4.PROTOCOL_TCP:
            # The TCP codec's checksum knows the IPv4 pseudo-header only: over IPv6 the
            # segment is shown unverified.
            if below == "ipv6":
                segment = tcp.decode(data)
            else:
                segment = tcp.decode(data, source=packet.source,
                                     destination=packet.destination)
            _add(layers, below, "tcp", segment)
            if MQTT_PORT in (segment.source_port, segment.destination_port):
                self._mqtt(packet, segment, layers)

    def _mqtt(self, packet: ipv4.Ipv4Packet | ipv6.Ipv6Packet, segment: tcp.TcpSegment,
              layers: dict[str, Any]) -> None:
        key = (packet.source, segment.source_port, packet.destination,
               segment.destination_port)
        if segment.has("SYN") or key not in self._flows:
            self._flows.pop(key, None)
            if len(self._flows) >= MAX_TCP_FLOWS:
                del self._flows[next(iter(self._flows))]
            self._flows[key] = _StreamDirection(mqtt.StreamDecoder())
        direction = self._flows[key]
        if segment.has("SYN"):
            direction.next_sequence = (segment.sequence_number + 1) % _SEQUENCE_SPACE
        payload = self._in_order_bytes(direction, segment)
        if segment.has("FIN") or segment.has("RST"):
            del self._flows[key]
        if not payload:
            return
        try:
            packets = direction.decoder.feed(payload)
        except CodecError:
            direction.lost = True
            raise
        if packets:
            layers["tcp"].pop("payload", None)
            layers["mqtt"] = [to_json(item) for item in packets]

    @staticmethod
    def _in_order_bytes(direction: _StreamDirection, segment: tcp.TcpSegment) -> bytes:
        """The segment's bytes that continue the stream: retransmitted ones are dropped,
        and a gap (a segment missing from the capture) stops decoding this direction."""
        payload = segment.payload
        if direction.lost or not payload:
            return b""
        # RFC 9293 §3.4: a SYN occupies the first sequence number of its segment, so
        # data a SYN carries (TCP Fast Open, RFC 7413) starts one after it.
        first = (segment.sequence_number + segment.has("SYN")) % _SEQUENCE_SPACE
        if direction.next_sequence is None:
            direction.next_sequence = first  # capture began mid-flow
        ahead = (first - direction.next_sequence) % _SEQUENCE_SPACE
        if ahead and ahead < _SEQUENCE_SPACE // 2:
            direction.lost = True
            raise StreamGapError(
                f"{ahead} bytes of the TCP stream are missing from the capture; "
                "MQTT decoding of this direction stops until a new connection"
            )
        behind = (_SEQUENCE_SPACE - ahead) % _SEQUENCE_SPACE
        fresh = payload[behind:]
        direction.next_sequence = (direction.next_sequence + len(fresh)) % _SEQUENCE_SPACE
        return fresh


class StreamGapError(tcp.TcpError):
    """Bytes of a TCP stream are missing, so the application stream cannot be followed."""


def _add(layers: dict[str, Any], below: str, name: str, packet: object) -> None:
    layers[below].pop("payload", None)  # shown decoded in the next layer instead
    layers[name] = to_json(packet)
