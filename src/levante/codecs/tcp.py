"""TCP segment headers and options (RFC 9293 §3.1); the state machine lives in the stack."""

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
from levante.codecs.tcp_errors import TcpChecksumError, TcpError, TcpOptionError
from levante.codecs.tcp_options import TcpOption, decode_options, encode_options

__all__ = [
    "FLAG_NAMES", "TcpChecksumError", "TcpError", "TcpOptionError", "TcpSegment",
    "decode", "encode",
]

HEADER_LENGTH = 20
MAX_LENGTH = 0xFFFF - 20  # what fits in one IPv4 packet with a minimal header
PROTOCOL_NUMBER = 6

# RFC 9293 §3.1: the eight control bits, most significant first.
FLAG_NAMES = ("CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN")
_FLAG_BITS = {name: 0x80 >> index for index, name in enumerate(FLAG_NAMES)}
# Every flags octet's tuple of names, built once: decoding is then one lookup.
_FLAGS_BY_OCTET = tuple(
    tuple(name for name in FLAG_NAMES if octet & _FLAG_BITS[name]) for octet in range(256)
)
_HEADER = struct.Struct("!HHIIBBHHH")


@dataclass(frozen=True, kw_only=True)
class TcpSegment:
    """A TCP segment. `checksum=None` asks `encode` to compute it.

    `flags` names the control bits set, in header order ("CWR" ... "FIN"); `reserved`
    holds the four reserved bits, which RFC 9293 says receivers must ignore, not refuse.
    """

    source_port: int
    destination_port: int
    sequence_number: int = 0
    acknowledgment_number: int = 0
    reserved: int = 0
    flags: tuple[str, ...] = ()
    window: int = 0
    checksum: int | None = None
    urgent_pointer: int = 0
    options: tuple[TcpOption, ...] = ()
    payload: bytes = b""

    def has(self, flag: str) -> bool:
        return flag in self.flags


def decode(data: bytes, *, source: str | None = None,
           destination: str | None = None) -> TcpSegment:
    """Bytes of one whole segment → `TcpSegment`. With the IPv4 or IPv6 `source`
    and `destination`, the checksum is verified too."""
    available = len(data)
    if available < HEADER_LENGTH:
        raise TcpError(f"truncated header: {available} bytes, need {HEADER_LENGTH}")
    if available > MAX_LENGTH:
        raise TcpError(f"segment of {available} bytes exceeds {MAX_LENGTH}")
    (source_port, destination_port, sequence, acknowledgment, offset_reserved, flags,
     window, checksum, urgent) = _HEADER.unpack_from(data)
    # RFC 9293 §3.1 "Data Offset": header length in 32-bit words, at least 5.
    header_length = (offset_reserved >> 4) * 4
    if header_length < HEADER_LENGTH:
        raise TcpError(f"data offset {header_length // 4} words is below 5")
    if header_length > available:
        raise TcpError(f"data offset {header_length} bytes exceeds the {available} available")
    # RFC 9293 §3.1 "Checksum": over the pseudo-header (addresses, protocol, TCP length),
    # the header and the data.
    if source is not None and destination is not None:
        covered = _pseudo_header(source, destination, available) + data
        if not is_valid(covered):
            raise TcpChecksumError(f"checksum {checksum:#06x} does not match")
    options = decode_options(data[HEADER_LENGTH:header_length]) if header_length > 20 else ()
    return TcpSegment(
        source_port=source_port,
        destination_port=destination_port,
        sequence_number=sequence,
        acknowledgment_number=acknowledgment,
        reserved=offset_reserved & 0x0F,
        flags=_FLAGS_BY_OCTET[flags],
        window=window,
        checksum=checksum,
        urgent_pointer=urgent,
        options=options,
        payload=bytes(data[header_length:]),
    )


def encode(segment: TcpSegment, *, source: str | None = None,
           destination: str | None = None) -> bytes:
    """`TcpSegment` → bytes. A None checksum is computed, which needs the IPv4 or IPv6
    `source` and `destination`."""
    options = encode_options(segment.options) if segment.options else b""
    header_length = HEADER_LENGTH + len(options)
    length = header_length + len(segment.payload)
    if length > MAX_LENGTH:
        raise TcpError(f"segment of {length} bytes exceeds {MAX_LENGTH}")
    flags = 0
    for name in segment.flags:
        if name not in _FLAG_BITS:
            raise TcpError(f"unknown flag {name!r}: use {', '.join(FLAG_NAMES)}")
        flags |= _FLAG_BITS[name]
    if not 0 <= segment.reserved <= 0x0F:
        raise TcpError(f"reserved bits {segment.reserved} do not fit 4 bits")
    try:
        header = _HEADER.pack(
            segment.source_port, segment.destination_port, segment.sequence_number,
            segment.acknowledgment_number, header_length // 4 << 4 | segment.reserved, flags,
            segment.window, 0, segment.urgent_pointer,
        )
    except struct.error as error:
        raise TcpError(f"cannot encode the header: {error}") from None
    checksum = segment.checksum
    if checksum is None:
        if source is None or destination is None:
            raise TcpError("computing the checksum needs the source and destination addresses")
        covered = _pseudo_header(source, destination, length) + header + options + \
            segment.payload
        checksum = internet_checksum(covered)
    elif not 0 <= checksum <= 0xFFFF:
        raise TcpError(f"checksum {checksum} outside 0..65535")
    return header[:16] + checksum.to_bytes(2, "big") + header[18:] + options + segment.payload


def _pseudo_header(source: str, destination: str, length: int) -> bytes:
    """RFC 9293 §3.1's pseudo-header over IPv4, RFC 8200 §8.1's over IPv6."""
    if is_ipv6_text(source) or is_ipv6_text(destination):
        return ipv6_pseudo_header(ipv6_from_text(source, TcpError),
                                  ipv6_from_text(destination, TcpError),
                                  PROTOCOL_NUMBER, length)
    return pseudo_header(ipv4_from_text(source, TcpError),
                         ipv4_from_text(destination, TcpError), PROTOCOL_NUMBER, length)
