"""ICMPv4 messages (RFC 792): echo request/reply, other types kept whole, echo replies built.

`echo_reply_for` answers an echo request carried in an `Ipv4Packet`, updating its record
route and timestamp options as RFC 1122 §3.2.2.6 asks — the place where a pointer below
its minimum once underflowed into a write before the option (see `_record_route`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace

from levante.codecs import ipv4
from levante.codecs.checksum import internet_checksum, is_valid
from levante.codecs.errors import CodecError
from levante.codecs.ipv4_options import (
    MAX_OVERFLOW,
    EndOfOptionList,
    Ipv4Option,
    NoOperation,
    RecordRoute,
    Timestamp,
    TimestampEntry,
    TimestampFlag,
    check_route_pointer,
    check_timestamp_pointer,
)

HEADER_LENGTH = 8
MAX_LENGTH = 0xFFFF - 20
ECHO_REPLY = 0
ECHO_REQUEST = 8

_HEADER = struct.Struct("!BBH4s")
_ECHO = struct.Struct("!BBHHH")


class IcmpError(CodecError):
    """A malformed ICMP message, or a request that cannot be answered."""

    protocol = "icmp"


class IcmpChecksumError(IcmpError):
    """The checksum does not match the message."""


@dataclass(frozen=True, kw_only=True)
class IcmpEcho:
    """RFC 792 echo (type 8) or echo reply (type 0)."""

    type: int
    code: int = 0
    checksum: int | None = None
    identifier: int = 0
    sequence: int = 0
    payload: bytes = b""


@dataclass(frozen=True, kw_only=True)
class IcmpMessage:
    """Any other ICMP message: its type, code, the 4 header bytes after the checksum,
    and the data (for errors, the offending datagram's header and first 8 octets)."""

    type: int
    code: int = 0
    checksum: int | None = None
    rest_of_header: bytes = bytes(4)
    payload: bytes = b""


def decode(data: bytes) -> IcmpEcho | IcmpMessage:
    """Bytes of one whole message (the IPv4 payload) → a message; raises `IcmpError`."""
    available = len(data)
    if available < HEADER_LENGTH:
        raise IcmpError(f"truncated header: {available} bytes, need {HEADER_LENGTH}")
    if available > MAX_LENGTH:
        raise IcmpError(f"message of {available} bytes exceeds {MAX_LENGTH}")
    # RFC 792: the checksum covers the whole ICMP message, from the type field on.
    if not is_valid(data):
        checksum = int.from_bytes(data[2:4], "big")
        raise IcmpChecksumError(f"checksum {checksum:#06x} does not match")
    if data[0] in (ECHO_REPLY, ECHO_REQUEST):
        message_type, code, checksum, identifier, sequence = _ECHO.unpack_from(data)
        return IcmpEcho(type=message_type, code=code, checksum=checksum,
                        identifier=identifier, sequence=sequence,
                        payload=bytes(data[HEADER_LENGTH:]))
    message_type, code, checksum, rest = _HEADER.unpack_from(data)
    return IcmpMessage(type=message_type, code=code, checksum=checksum,
                       rest_of_header=rest, payload=bytes(data[HEADER_LENGTH:]))


def encode(message: IcmpEcho | IcmpMessage) -> bytes:
    """A message → bytes, computing the checksum when it is None."""
    try:
        if isinstance(message, IcmpEcho):
            header = _ECHO.pack(message.type, message.code, 0, message.identifier,
                                message.sequence)
        else:
            if len(message.rest_of_header) != 4:
                raise IcmpError("rest_of_header must be exactly 4 bytes")
            header = _HEADER.pack(message.type, message.code, 0, message.rest_of_header)
    except struct.error as error:
        raise IcmpError(f"cannot encode the header: {error}") from None
    if HEADER_LENGTH + len(message.payload) > MAX_LENGTH:
        raise IcmpError(f"payload of {len(message.payload)} bytes is too long")
    checksum = message.checksum
    if checksum is None:
        checksum = internet_checksum(header + message.payload)
    elif not 0 <= checksum <= 0xFFFF:
        raise IcmpError(f"checksum {checksum} outside 0..65535")
    return header[:2] + checksum.to_bytes(2, "big") + header[4:] + message.payload


def echo_reply_for(request: ipv4.Ipv4Packet, *, own_address: str | None = None,
                   timestamp: int = 0, ttl: int = 64) -> ipv4.Ipv4Packet:
    """The IPv4 packet answering the echo request in `request`.

    RFC 792 (echo): swap the addresses, type 8 → 0, keep identifier, sequence and data.
    RFC 1122 §3.2.2.6: record route and timestamp options are updated with this host and
    carried back, so they describe the round trip. Source routes are not reversed (Levante
    answers along its normal route) and other options are not echoed. `timestamp` is this
    host's time in milliseconds since midnight UT; `own_address` defaults to the request's
    destination (give it when that was a broadcast or multicast address).
    """
    if request.protocol != ipv4.PROTOCOL_ICMP:
        raise IcmpError(f"IPv4 protocol {request.protocol} is not ICMP")
    if request.is_fragment:
        raise IcmpError("an echo request must be reassembled before it is answered")
    message = decode(request.payload)
    if not isinstance(message, IcmpEcho) or message.type != ECHO_REQUEST:
        raise IcmpError(f"ICMP type {message.type} is not an echo request")
    address = own_address if own_address is not None else request.destination
    try:
        options = tuple(
            updated for option in request.options
            if (updated := _reply_option(option, address, timestamp)) is not None
        )
    except ipv4.Ipv4Error as error:
        raise IcmpError(f"cannot answer: {error.message}") from None
    reply = IcmpEcho(type=ECHO_REPLY, identifier=message.identifier,
                     sequence=message.sequence, payload=message.payload)
    return ipv4.Ipv4Packet(
        dscp=request.dscp, identification=request.identification, ttl=ttl,
        protocol=ipv4.PROTOCOL_ICMP, source=address, destination=request.source,
        options=options, payload=encode(reply),
    )


def _reply_option(option: Ipv4Option, address: str, timestamp: int) -> Ipv4Option | None:
    if isinstance(option, EndOfOptionList | NoOperation):
        return option
    if isinstance(option, RecordRoute):
        return _record_route(option, address)
    if isinstance(option, Timestamp):
        return _timestamp(option, address, timestamp)
    return None


def _record_route(option: RecordRoute, address: str) -> RecordRoute:
    # The option may not come from `decode` (any caller can build one), so the pointer is
    # checked again here. RFC 791 §3.1: it is at least 4. The slot index is
    # (pointer - 4) / 4: a smaller pointer would give a negative index — in C an
    # underflowed offset, in Python a write to the last slot — so it is refused.
    check_route_pointer(option.pointer, option.length)
    slot = (option.pointer - 4) // 4
    if slot >= len(option.addresses):
        return option  # full: RFC 791 says forward without recording
    addresses = option.addresses[:slot] + (address,) + option.addresses[slot + 1:]
    return replace(option, pointer=option.pointer + 4, addresses=addresses)


def _timestamp(option: Timestamp, address: str, timestamp: int) -> Timestamp:
    # RFC 791 §3.1 (timestamp): pointer at least 5, entries of 4 or 8 octets; when full,
    # count the overflow, and when the overflow counter itself overflows the datagram is
    # in error.
    check_timestamp_pointer(option.pointer, option.length, option.entry_size)
    if not 0 <= timestamp <= 0xFFFF_FFFF:
        raise IcmpError(f"timestamp {timestamp} does not fit 32 bits")
    slot = (option.pointer - 5) // option.entry_size
    if slot >= len(option.entries):
        if option.overflow >= MAX_OVERFLOW:
            raise IcmpError("timestamp overflow counter is already at 15")
        return replace(option, overflow=option.overflow + 1)
    entry = option.entries[slot]
    if option.flag is TimestampFlag.PRESPECIFIED_ADDRESSES:
        if entry.address != address:
            return option  # not our turn: only the named host stamps this slot
        new_entry = TimestampEntry(address=address, timestamp=timestamp)
    elif option.flag is TimestampFlag.ADDRESS_AND_TIMESTAMP:
        new_entry = TimestampEntry(address=address, timestamp=timestamp)
    else:
        new_entry = TimestampEntry(address=None, timestamp=timestamp)
    entries = option.entries[:slot] + (new_entry,) + option.entries[slot + 1:]
    return replace(option, pointer=option.pointer + option.entry_size, entries=entries)
