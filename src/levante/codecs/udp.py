"""UDP datagrams (RFC 768), with the IPv4 or IPv6 (RFC 8200 §8.1) pseudo-header checksum."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from levante.codecs.addresses import ipv4_from_text, ipv6_from_text, is_ipv6_text
from levante.codecs.checksum import (
    internet_checksum,
    ipv6_pseudo_header,
    is_valid,
    pseudo_header,
)
from levante.codecs.errors import CodecError

HEADER_LENGTH = 8
MAX_LENGTH = 0xFFFF
PROTOCOL_NUMBER = 17

_HEADER = struct.Struct("!HHHH")


class UdpError(CodecError):
    """A malformed UDP datagram."""

    protocol = "udp"


class UdpChecksumError(UdpError):
    """The checksum does not match the datagram and its pseudo-header."""


@dataclass(frozen=True, kw_only=True)
class UdpDatagram:
    """A UDP datagram. `checksum=None` asks `encode` to compute it (0 = none was sent)."""

    source_port: int
    destination_port: int
    checksum: int | None = None
    payload: bytes = b""


def decode(data: bytes, *, source: str | None = None,
           destination: str | None = None) -> UdpDatagram:
    """Bytes → `UdpDatagram`. With the IP `source` and `destination`, the checksum is
    verified too (over IPv6 it is mandatory). Bytes beyond the UDP length are ignored."""
    available = len(data)
    if available < HEADER_LENGTH:
        raise UdpError(f"truncated header: {available} bytes, need {HEADER_LENGTH}")
    source_port, destination_port, length, checksum = _HEADER.unpack_from(data)
    # RFC 768 "Length": octets of header plus data, so at least 8, and all of them here.
    if length < HEADER_LENGTH:
        raise UdpError(f"length {length} is below the header size {HEADER_LENGTH}")
    if length > available:
        raise UdpError(f"truncated datagram: length {length}, {available} bytes")
    # RFC 768 "Checksum": zero means the sender computed none; otherwise it covers the
    # pseudo-header (source, destination, protocol, UDP length), header and data.
    # RFC 8200 §8.1: over IPv6 the checksum is not optional; a zero one is discarded.
    if checksum == 0 and destination is not None and is_ipv6_text(destination):
        raise UdpChecksumError("a UDP datagram over IPv6 has no checksum")
    if checksum != 0 and source is not None and destination is not None:
        if not is_valid(_pseudo_header(source, destination, length) + data[:length]):
            raise UdpChecksumError(f"checksum {checksum:#06x} does not match")
    return UdpDatagram(
        source_port=source_port,
        destination_port=destination_port,
        checksum=checksum,
        payload=bytes(data[HEADER_LENGTH:length]),
    )


def encode(datagram: UdpDatagram, *, source: str | None = None,
           destination: str | None = None) -> bytes:
    """`UdpDatagram` → bytes. When `checksum` is None it is computed from the IP
    `source` and `destination`, or left 0 (no checksum) if they are not given."""
    length = HEADER_LENGTH + len(datagram.payload)
    if length > MAX_LENGTH:
        raise UdpError(f"datagram of {length} bytes exceeds 65535")
    for name, value in (("source port", datagram.source_port),
                        ("destination port", datagram.destination_port)):
        if not 0 <= value <= 0xFFFF:
            raise UdpError(f"{name} {value} outside 0..65535")
    header = _HEADER.pack(datagram.source_port, datagram.destination_port, length, 0)
    checksum = datagram.checksum
    if checksum is None:
        checksum = 0
        if source is not None and destination is not None:
            covered = _pseudo_header(source, destination, length) + header + datagram.payload
            # RFC 768: a computed zero is sent as all ones, since zero means "none".
            checksum = internet_checksum(covered) or 0xFFFF
    elif not 0 <= checksum <= 0xFFFF:
        raise UdpError(f"checksum {checksum} outside 0..65535")
    return header[:6] + checksum.to_bytes(2, "big") + datagram.payload


def _pseudo_header(source: str, destination: str, length: int) -> bytes:
    if is_ipv6_text(source) or is_ipv6_text(destination):
        return ipv6_pseudo_header(ipv6_from_text(source, UdpError),
                                  ipv6_from_text(destination, UdpError),
                                  PROTOCOL_NUMBER, length)
    return pseudo_header(
        ipv4_from_text(source, UdpError), ipv4_from_text(destination, UdpError),
        PROTOCOL_NUMBER, length,
    )
