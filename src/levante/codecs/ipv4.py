"""IPv4 packets (RFC 791): header checksum, options, fragments, and an ingress check.

`decode` checks the packet on its own; `check_ingress` (or `decode(..., interface=...)`)
also checks it against the interface it arrived on, which the bytes alone cannot tell.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from levante.codecs.addresses import ipv4_from_text, ipv4_to_text
from levante.codecs.checksum import internet_checksum, is_valid
from levante.codecs.ipv4_errors import (
    Ipv4ChecksumError,
    Ipv4Error,
    Ipv4IngressError,
    Ipv4OptionError,
)
from levante.codecs.ipv4_options import Ipv4Option, decode_options, encode_options

__all__ = [
    "Interface", "Ipv4ChecksumError", "Ipv4Error", "Ipv4IngressError", "Ipv4OptionError",
    "Ipv4Packet", "check_ingress", "decode", "encode",
]

HEADER_LENGTH = 20
MAX_PACKET_LENGTH = 0xFFFF  # the 16-bit total length
PROTOCOL_ICMP = 1
PROTOCOL_TCP = 6
PROTOCOL_UDP = 17

_HEADER = struct.Struct("!BBHHHBBH4s4s")
_RESERVED_FLAG = 0x8000
_DONT_FRAGMENT = 0x4000
_MORE_FRAGMENTS = 0x2000
_OFFSET_MASK = 0x1FFF


@dataclass(frozen=True, kw_only=True)
class Ipv4Packet:
    """An IPv4 packet. `checksum=None` asks `encode` to compute it; `decode` fills it in.

    `fragment_offset` is in units of 8 octets, as on the wire.
    """

    dscp: int = 0
    ecn: int = 0
    identification: int = 0
    dont_fragment: bool = False
    more_fragments: bool = False
    fragment_offset: int = 0
    ttl: int = 64
    protocol: int
    checksum: int | None = None
    source: str
    destination: str
    options: tuple[Ipv4Option, ...] = ()
    payload: bytes = b""

    @property
    def is_fragment(self) -> bool:
        """RFC 791 §3.2: a fragment has more to come, or starts beyond offset 0."""
        return self.more_fragments or self.fragment_offset != 0


@dataclass(frozen=True, kw_only=True)
class Interface:
    """What the receiving interface knows about itself, for `check_ingress`."""

    addresses: tuple[str, ...] = ()
    is_loopback: bool = False


def decode(data: bytes, *, interface: Interface | None = None) -> Ipv4Packet:
    """Bytes → `Ipv4Packet`; bytes beyond the total length (link padding) are ignored.

    Raises an `Ipv4Error`: truncated or inconsistent lengths, wrong version, bad header
    checksum, the reserved flag, a fragment reaching past 65535 octets, malformed options,
    and — when `interface` is given — addresses that may not arrive there.
    """
    available = len(data)
    if available < HEADER_LENGTH:
        raise Ipv4Error(f"truncated header: {available} bytes, need {HEADER_LENGTH}")
    (version_ihl, tos, total_length, identification, flags_offset, ttl, protocol,
     checksum, source, destination) = _HEADER.unpack_from(data)
    # RFC 791 §3.1: version 4; IHL counts 32-bit words and is at least 5.
    if version_ihl >> 4 != 4:
        raise Ipv4Error(f"version {version_ihl >> 4}, expected 4")
    header_length = (version_ihl & 0x0F) * 4
    if header_length < HEADER_LENGTH:
        raise Ipv4Error(f"header length {header_length} is below {HEADER_LENGTH}")
    # RFC 791 §3.1: total length covers header and data; it must hold the header and the
    # bytes must hold it (RFC 1122 §3.2.1.1 asks the same before anything is trusted).
    if total_length < header_length:
        raise Ipv4Error(f"total length {total_length} is smaller than the header")
    if total_length > available:
        raise Ipv4Error(f"truncated packet: total length {total_length}, {available} bytes")
    # RFC 791 §3.1: the checksum covers the header only; summed with itself it is all ones.
    if not is_valid(data[:header_length]):
        raise Ipv4ChecksumError(f"header checksum {checksum:#06x} does not match")
    # RFC 791 §3.1: bit 0 of the flags is reserved and must be zero.
    if flags_offset & _RESERVED_FLAG:
        raise Ipv4Error("reserved flag bit is set")
    fragment_offset = flags_offset & _OFFSET_MASK
    # RFC 791 §3.2: fragments are reassembled into at most 65535 octets; one that would
    # end beyond that (ping of death) cannot belong to a valid datagram.
    if fragment_offset * 8 + total_length - header_length > MAX_PACKET_LENGTH - HEADER_LENGTH:
        raise Ipv4Error("fragment ends beyond the largest IPv4 datagram (65535 octets)")
    options = decode_options(data[HEADER_LENGTH:header_length]) if header_length > 20 else ()
    packet = Ipv4Packet(
        dscp=tos >> 2,
        ecn=tos & 0x03,
        identification=identification,
        dont_fragment=bool(flags_offset & _DONT_FRAGMENT),
        more_fragments=bool(flags_offset & _MORE_FRAGMENTS),
        fragment_offset=fragment_offset,
        ttl=ttl,
        protocol=protocol,
        checksum=checksum,
        source=ipv4_to_text(source),
        destination=ipv4_to_text(destination),
        options=options,
        payload=bytes(data[header_length:total_length]),
    )
    if interface is not None:
        check_ingress(packet, interface)
    return packet


def check_ingress(packet: Ipv4Packet, interface: Interface) -> None:
    """Refuse addresses that cannot legitimately arrive on `interface`.

    CVE-2023-7060 (Zephyr): packets with a loopback source or destination, or with the
    host's own address as source, were accepted from the network, so a remote sender could
    reach services bound to 127.0.0.1 or pose as the host itself. RFC 1122 §3.2.1.3 says
    127/8 must never appear outside a host, and a source is never broadcast or multicast.
    """
    source = ipv4_from_text(packet.source, Ipv4IngressError)
    destination = ipv4_from_text(packet.destination, Ipv4IngressError)
    if source[0] >= 224:  # 224/4 multicast, 240/4 reserved, 255.255.255.255 broadcast
        raise Ipv4IngressError(f"source {packet.source} is multicast, broadcast or reserved")
    if interface.is_loopback:
        return
    if source[0] == 127:
        raise Ipv4IngressError(
            f"loopback source {packet.source} on a non-loopback interface (CVE-2023-7060)"
        )
    if destination[0] == 127:
        raise Ipv4IngressError(
            f"loopback destination {packet.destination} on a non-loopback interface "
            "(CVE-2023-7060)"
        )
    if packet.source in interface.addresses:
        raise Ipv4IngressError(f"source {packet.source} is this interface's own address")


def encode(packet: Ipv4Packet) -> bytes:
    """`Ipv4Packet` → bytes, computing the checksum when `packet.checksum` is None."""
    options = encode_options(packet.options) if packet.options else b""
    header_length = HEADER_LENGTH + len(options)
    total_length = header_length + len(packet.payload)
    if total_length > MAX_PACKET_LENGTH:
        raise Ipv4Error(f"packet of {total_length} bytes exceeds 65535")
    _check_field("dscp", packet.dscp, 6)
    _check_field("ecn", packet.ecn, 2)
    _check_field("identification", packet.identification, 16)
    _check_field("fragment offset", packet.fragment_offset, 13)
    _check_field("ttl", packet.ttl, 8)
    _check_field("protocol", packet.protocol, 8)
    flags_offset = (
        (_DONT_FRAGMENT if packet.dont_fragment else 0)
        | (_MORE_FRAGMENTS if packet.more_fragments else 0)
        | packet.fragment_offset
    )
    header = bytearray(_HEADER.pack(
        0x40 | header_length // 4, packet.dscp << 2 | packet.ecn, total_length,
        packet.identification, flags_offset, packet.ttl, packet.protocol, 0,
        ipv4_from_text(packet.source, Ipv4Error),
        ipv4_from_text(packet.destination, Ipv4Error),
    ))
    header += options
    checksum = packet.checksum
    if checksum is None:
        checksum = internet_checksum(header)
    else:
        _check_field("checksum", checksum, 16)
    header[10:12] = checksum.to_bytes(2, "big")
    return bytes(header) + packet.payload


def _check_field(name: str, value: int, bits: int) -> None:
    if not 0 <= value < 1 << bits:
        raise Ipv4Error(f"{name} {value} does not fit {bits} bits")
