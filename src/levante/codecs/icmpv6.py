"""ICMPv6 messages (RFC 4443): type, code, the pseudo-header checksum, the message body.

Bodies are decoded by their own codecs (`ndp`, `mld`); echo is decoded here.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from levante.codecs import ipv6
from levante.codecs.addresses import ipv6_from_text
from levante.codecs.checksum import internet_checksum, ipv6_pseudo_header, is_valid
from levante.codecs.errors import CodecError

HEADER_LENGTH = 4  # type, code, checksum
MAX_LENGTH = ipv6.MAX_PAYLOAD_LENGTH
DESTINATION_UNREACHABLE = 1
PACKET_TOO_BIG = 2
TIME_EXCEEDED = 3
PARAMETER_PROBLEM = 4
ECHO_REQUEST = 128
ECHO_REPLY = 129
MLD_QUERY = 130
MLDV1_REPORT = 131
MLDV1_DONE = 132
ROUTER_SOLICITATION = 133
ROUTER_ADVERTISEMENT = 134
NEIGHBOR_SOLICITATION = 135
NEIGHBOR_ADVERTISEMENT = 136
REDIRECT = 137
MLDV2_REPORT = 143
# RFC 4443 §3.1 codes of Destination Unreachable.
NO_ROUTE = 0
ADDRESS_UNREACHABLE = 3
PORT_UNREACHABLE = 4
# RFC 4443 §3.3 code of Time Exceeded for a reassembly timeout.
REASSEMBLY_TIME_EXCEEDED = 1

_ECHO = struct.Struct("!HH")


class Icmpv6Error(CodecError):
    """A malformed ICMPv6 message."""

    protocol = "icmpv6"


class Icmpv6ChecksumError(Icmpv6Error):
    """The checksum does not match the message and its pseudo-header."""


@dataclass(frozen=True, kw_only=True)
class Icmpv6Message:
    """One ICMPv6 message: `body` is everything after the checksum. `checksum=None` asks
    `encode` to compute it."""

    type: int
    code: int = 0
    checksum: int | None = None
    body: bytes = b""

    @property
    def is_error(self) -> bool:
        """RFC 4443 §2.1: types 0..127 are errors, 128..255 informational."""
        return self.type < 128


@dataclass(frozen=True)
class Echo:
    """RFC 4443 §4: an echo request's or reply's identifier, sequence number and data."""

    identifier: int
    sequence: int
    data: bytes = b""


def decode(data: bytes, *, source: str, destination: str) -> Icmpv6Message:
    """The IPv6 upper-layer bytes of one message → `Icmpv6Message`; raises `Icmpv6Error`."""
    available = len(data)
    if available < HEADER_LENGTH:
        raise Icmpv6Error(f"truncated header: {available} bytes, need {HEADER_LENGTH}")
    if available > MAX_LENGTH:
        raise Icmpv6Error(f"message of {available} bytes exceeds {MAX_LENGTH}")
    # RFC 4443 §2.3: the checksum covers the pseudo-header (RFC 8200 §8.1) and message.
    if not is_valid(_pseudo_header(source, destination, available) + data):
        checksum = int.from_bytes(data[2:4], "big")
        raise Icmpv6ChecksumError(f"checksum {checksum:#06x} does not match")
    return Icmpv6Message(type=data[0], code=data[1],
                         checksum=int.from_bytes(data[2:4], "big"), body=bytes(data[4:]))


def encode(message: Icmpv6Message, *, source: str, destination: str) -> bytes:
    """`Icmpv6Message` → bytes, the checksum computed over the pseudo-header when None."""
    for name, value in (("type", message.type), ("code", message.code)):
        if not 0 <= value <= 0xFF:
            raise Icmpv6Error(f"{name} {value} outside 0..255")
    length = HEADER_LENGTH + len(message.body)
    if length > MAX_LENGTH:
        raise Icmpv6Error(f"message of {length} bytes exceeds {MAX_LENGTH}")
    checksum = message.checksum
    if checksum is None:
        checksum = internet_checksum(_pseudo_header(source, destination, length)
                                     + bytes((message.type, message.code, 0, 0))
                                     + message.body)
    elif not 0 <= checksum <= 0xFFFF:
        raise Icmpv6Error(f"checksum {checksum} outside 0..65535")
    return bytes((message.type, message.code)) + checksum.to_bytes(2, "big") + message.body


def decode_echo(message: Icmpv6Message) -> Echo:
    if message.type not in (ECHO_REQUEST, ECHO_REPLY):
        raise Icmpv6Error(f"type {message.type} is not an echo")
    if len(message.body) < _ECHO.size:
        raise Icmpv6Error("truncated echo header")
    identifier, sequence = _ECHO.unpack_from(message.body)
    return Echo(identifier, sequence, message.body[_ECHO.size:])


def echo_message(echo_type: int, echo: Echo) -> Icmpv6Message:
    if not (0 <= echo.identifier <= 0xFFFF and 0 <= echo.sequence <= 0xFFFF):
        raise Icmpv6Error("echo identifier and sequence are 16-bit values")
    return Icmpv6Message(type=echo_type,
                         body=_ECHO.pack(echo.identifier, echo.sequence) + echo.data)


def error_message(error_type: int, code: int, parameter: int, invoking: bytes) -> Icmpv6Message:
    """An error (RFC 4443 §3): the 32-bit parameter (MTU, pointer or unused) and as much
    of the invoking packet as the caller fits."""
    if not 0 <= parameter <= 0xFFFF_FFFF:
        raise Icmpv6Error(f"parameter {parameter} does not fit 32 bits")
    return Icmpv6Message(type=error_type, code=code,
                         body=parameter.to_bytes(4, "big") + invoking)


def _pseudo_header(source: str, destination: str, length: int) -> bytes:
    return ipv6_pseudo_header(ipv6_from_text(source, Icmpv6Error),
                              ipv6_from_text(destination, Icmpv6Error),
                              ipv6.NEXT_ICMPV6, length)
