"""ARP (RFC 826) for IPv4 over Ethernet: who-has requests and is-at replies."""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from levante.codecs.addresses import ipv4_from_text, ipv4_to_text, mac_from_text, mac_to_text
from levante.codecs.errors import CodecError

# RFC 826 "Packet format": hardware type, protocol type, the two address lengths, the
# opcode, then sender and target addresses. Only Ethernet (1) carrying IPv4 (0x0800) is
# accepted, so the address lengths must be exactly 6 and 4.
HARDWARE_ETHERNET = 1
PROTOCOL_IPV4 = 0x0800
PACKET_LENGTH = 28

_PACKET = struct.Struct("!HHBBH6s4s6s4s")


class ArpError(CodecError):
    """A malformed or unsupported ARP packet."""

    protocol = "arp"


class ArpOperation(enum.IntEnum):
    """RFC 826 opcodes (ares_op$REQUEST, ares_op$REPLY)."""

    REQUEST = 1
    REPLY = 2


@dataclass(frozen=True, kw_only=True)
class ArpPacket:
    """An Ethernet/IPv4 ARP packet."""

    operation: ArpOperation
    sender_mac: str
    sender_ip: str
    target_mac: str
    target_ip: str


def decode(data: bytes) -> ArpPacket:
    """Bytes → `ArpPacket`; trailing bytes (Ethernet padding) are ignored."""
    if len(data) < PACKET_LENGTH:
        raise ArpError(f"truncated packet: {len(data)} bytes, need {PACKET_LENGTH}")
    (hardware, protocol, hardware_length, protocol_length, operation,
     sender_mac, sender_ip, target_mac, target_ip) = _PACKET.unpack_from(data)
    if hardware != HARDWARE_ETHERNET or protocol != PROTOCOL_IPV4:
        raise ArpError(
            f"unsupported hardware/protocol {hardware}/{protocol:#06x}: only Ethernet/IPv4"
        )
    if hardware_length != 6 or protocol_length != 4:
        raise ArpError(
            f"address lengths {hardware_length}/{protocol_length} do not match Ethernet/IPv4"
        )
    if operation not in _OPERATIONS:
        raise ArpError(f"unsupported operation {operation}: only request (1) and reply (2)")
    return ArpPacket(
        operation=_OPERATIONS[operation],
        sender_mac=mac_to_text(sender_mac),
        sender_ip=ipv4_to_text(sender_ip),
        target_mac=mac_to_text(target_mac),
        target_ip=ipv4_to_text(target_ip),
    )


_OPERATIONS = {operation.value: operation for operation in ArpOperation}


def encode(packet: ArpPacket) -> bytes:
    """`ArpPacket` → 28 bytes."""
    if packet.operation not in _OPERATIONS:
        raise ArpError(f"unsupported operation {packet.operation}")
    return _PACKET.pack(
        HARDWARE_ETHERNET, PROTOCOL_IPV4, 6, 4, int(packet.operation),
        mac_from_text(packet.sender_mac, ArpError), ipv4_from_text(packet.sender_ip, ArpError),
        mac_from_text(packet.target_mac, ArpError), ipv4_from_text(packet.target_ip, ArpError),
    )
