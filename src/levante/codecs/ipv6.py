"""IPv6 packets (RFC 8200 §3): the fixed header, checked against the bytes that carry it.

The extension headers after it are parsed by `ipv6_extensions.parse_chain`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from levante.codecs.addresses import ipv6_from_text, ipv6_to_text
from levante.codecs.ipv6_errors import Ipv6Error, Ipv6ParameterProblem

__all__ = ["Ipv6Error", "Ipv6Packet", "Ipv6ParameterProblem", "decode", "encode"]

HEADER_LENGTH = 40
MAX_PAYLOAD_LENGTH = 0xFFFF  # the 16-bit payload length (jumbograms are not supported)
# RFC 8200 §5: every link carries at least 1280 octets.
MINIMUM_MTU = 1280
NEXT_HOP_BY_HOP = 0
NEXT_TCP = 6
NEXT_UDP = 17
NEXT_ROUTING = 43
NEXT_FRAGMENT = 44
NEXT_ESP = 50
NEXT_AUTHENTICATION = 51
NEXT_ICMPV6 = 58
NEXT_NONE = 59
NEXT_DESTINATION_OPTIONS = 60
NEXT_HEADER_FIELD = 6  # the offset of the fixed header's Next Header field

_HEADER = struct.Struct("!IHBB16s16s")


@dataclass(frozen=True, kw_only=True)
class Ipv6Packet:
    """An IPv6 packet: the fixed header's fields and everything after it (`payload`,
    extension headers included)."""

    traffic_class: int = 0
    flow_label: int = 0
    next_header: int
    hop_limit: int = 64
    source: str
    destination: str
    payload: bytes = b""


def decode(data: bytes) -> Ipv6Packet:
    """Bytes → `Ipv6Packet`; bytes beyond the payload length (link padding) are ignored.

    Raises `Ipv6Error`: a truncated header or payload, a version other than 6.
    """
    available = len(data)
    if available < HEADER_LENGTH:
        raise Ipv6Error(f"truncated header: {available} bytes, need {HEADER_LENGTH}")
    first_word, payload_length, next_header, hop_limit, source, destination = \
        _HEADER.unpack_from(data)
    # RFC 8200 §3: version 6.
    if first_word >> 28 != 6:
        raise Ipv6Error(f"version {first_word >> 28}, expected 6")
    # RFC 8200 §3: the payload length counts what follows the fixed header; the frame
    # must hold all of it.
    if HEADER_LENGTH + payload_length > available:
        raise Ipv6Error(f"truncated packet: payload length {payload_length}, "
                        f"{available - HEADER_LENGTH} bytes")
    return Ipv6Packet(
        traffic_class=first_word >> 20 & 0xFF,
        flow_label=first_word & 0xFFFFF,
        next_header=next_header,
        hop_limit=hop_limit,
        source=ipv6_to_text(source),
        destination=ipv6_to_text(destination),
        payload=bytes(data[HEADER_LENGTH:HEADER_LENGTH + payload_length]),
    )


def encode(packet: Ipv6Packet) -> bytes:
    """`Ipv6Packet` → bytes."""
    if len(packet.payload) > MAX_PAYLOAD_LENGTH:
        raise Ipv6Error(f"payload of {len(packet.payload)} bytes exceeds 65535")
    for name, value, bits in (("traffic class", packet.traffic_class, 8),
                              ("flow label", packet.flow_label, 20),
                              ("next header", packet.next_header, 8),
                              ("hop limit", packet.hop_limit, 8)):
        if not 0 <= value < 1 << bits:
            raise Ipv6Error(f"{name} {value} does not fit {bits} bits")
    return _HEADER.pack(
        6 << 28 | packet.traffic_class << 20 | packet.flow_label, len(packet.payload),
        packet.next_header, packet.hop_limit, ipv6_from_text(packet.source, Ipv6Error),
        ipv6_from_text(packet.destination, Ipv6Error)) + packet.payload
