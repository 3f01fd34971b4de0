"""Ethernet II frames (IEEE 802.3 with an EtherType): destination, source, type, payload."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from levante.codecs.addresses import mac_from_text, mac_to_text
from levante.codecs.errors import CodecError

HEADER_LENGTH = 14
# The largest frame accepted: a 64 KiB payload (what capture offload can hand over) plus
# the header. Bigger input is refused before anything is copied.
MAX_FRAME_LENGTH = 65_535 + HEADER_LENGTH
# IEEE 802.3 §3.2.6: values up to 1500 are a length (802.3 framing), from 0x0600 a type.
MIN_ETHERTYPE = 0x0600

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_ARP = 0x0806
ETHERTYPE_IPV6 = 0x86DD

_HEADER = struct.Struct("!6s6sH")


class EthernetError(CodecError):
    """A malformed Ethernet II frame."""

    protocol = "ethernet"


@dataclass(frozen=True, kw_only=True)
class EthernetFrame:
    """One Ethernet II frame as captured: no preamble and no frame check sequence."""

    destination: str
    source: str
    ethertype: int
    payload: bytes = b""


def decode(data: bytes) -> EthernetFrame:
    """Bytes of one frame → `EthernetFrame`; raises `EthernetError` when malformed."""
    length = len(data)
    if length < HEADER_LENGTH:
        raise EthernetError(f"truncated header: {length} bytes, need {HEADER_LENGTH}")
    if length > MAX_FRAME_LENGTH:
        raise EthernetError(f"frame of {length} bytes exceeds the limit of {MAX_FRAME_LENGTH}")
    destination, source, ethertype = _HEADER.unpack_from(data)
    if ethertype < MIN_ETHERTYPE:
        raise EthernetError(
            f"type field {ethertype} is an IEEE 802.3 length, not an Ethernet II EtherType"
        )
    return EthernetFrame(
        destination=mac_to_text(destination),
        source=mac_to_text(source),
        ethertype=ethertype,
        payload=bytes(data[HEADER_LENGTH:]),
    )


def encode(frame: EthernetFrame) -> bytes:
    """`EthernetFrame` → bytes (no padding to 60 bytes: the interface adds it)."""
    if not MIN_ETHERTYPE <= frame.ethertype <= 0xFFFF:
        raise EthernetError(f"EtherType {frame.ethertype:#x} outside 0x0600..0xffff")
    if len(frame.payload) + HEADER_LENGTH > MAX_FRAME_LENGTH:
        raise EthernetError(f"payload of {len(frame.payload)} bytes is too long")
    return (
        mac_from_text(frame.destination, EthernetError)
        + mac_from_text(frame.source, EthernetError)
        + frame.ethertype.to_bytes(2, "big")
        + frame.payload
    )
