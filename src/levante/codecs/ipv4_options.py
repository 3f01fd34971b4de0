"""IPv4 options (RFC 791 §3.1): parsed with every length and pointer bounded, never wrapped.

An option list is a tuple of the dataclasses below, in wire order. End-of-option-list
stops parsing; the bytes after it are padding and must be zero. Each option carries an
`option` field with its name, so the JSON form says what it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar

from levante.codecs.addresses import ipv4_from_text, ipv4_to_text
from levante.codecs.ipv4_errors import Ipv4OptionError
from levante.codecs.option_list import (
    END_OF_OPTION_LIST,
    NO_OPERATION,
    decode_option_list,
)

# The one-octet options IPv4 and TCP share, re-exported as this protocol's own.
from levante.codecs.option_list import EndOfOptionList as EndOfOptionList
from levante.codecs.option_list import NoOperation as NoOperation

MAX_OPTIONS_LENGTH = 40  # RFC 791: IHL is at most 15 words, 5 of them fixed header

RECORD_ROUTE = 7
TIMESTAMP = 68
LOOSE_SOURCE_ROUTE = 131
STRICT_SOURCE_ROUTE = 137
# Options with one defined length: Security (RFC 791, 11), Stream ID (RFC 791, 4) and
# Router Alert (RFC 2113, 4). Any other length is malformed.
_FIXED_LENGTHS = {130: 11, 136: 4, 148: 4}

# RFC 791 §3.1 (record route, source routes): the pointer indexes the option from 1, so
# the first address slot starts at octet 4; the smallest legal pointer is 4.
ROUTE_FIRST_POINTER = 4
# RFC 791 §3.1 (timestamp): the first entry starts at octet 5; the smallest pointer is 5.
TIMESTAMP_FIRST_POINTER = 5
MAX_OVERFLOW = 15  # the 4-bit overflow counter


class TimestampFlag(enum.IntEnum):
    """RFC 791 timestamp flags: what each entry holds."""

    TIMESTAMPS_ONLY = 0
    ADDRESS_AND_TIMESTAMP = 1
    PRESPECIFIED_ADDRESSES = 3




@dataclass(frozen=True, kw_only=True)
class RouteOption:
    """Record route or a source route: a pointer and the address slots, filled or not."""

    option: str = field(default="route", init=False)
    pointer: int
    addresses: tuple[str, ...]

    TYPE: ClassVar[int] = 0  # overridden by each kind

    @property
    def length(self) -> int:
        return 3 + 4 * len(self.addresses)


@dataclass(frozen=True, kw_only=True)
class RecordRoute(RouteOption):
    option: str = field(default="record_route", init=False)
    TYPE = RECORD_ROUTE


@dataclass(frozen=True, kw_only=True)
class LooseSourceRoute(RouteOption):
    option: str = field(default="loose_source_route", init=False)
    TYPE = LOOSE_SOURCE_ROUTE


@dataclass(frozen=True, kw_only=True)
class StrictSourceRoute(RouteOption):
    option: str = field(default="strict_source_route", init=False)
    TYPE = STRICT_SOURCE_ROUTE


@dataclass(frozen=True, kw_only=True)
class TimestampEntry:
    """One slot: a timestamp, preceded by an address unless the flag is TIMESTAMPS_ONLY."""

    address: str | None
    timestamp: int


@dataclass(frozen=True, kw_only=True)
class Timestamp:
    option: str = field(default="timestamp", init=False)
    pointer: int
    overflow: int
    flag: TimestampFlag
    entries: tuple[TimestampEntry, ...]

    @property
    def entry_size(self) -> int:
        return 4 if self.flag is TimestampFlag.TIMESTAMPS_ONLY else 8

    @property
    def length(self) -> int:
        return 4 + self.entry_size * len(self.entries)


@dataclass(frozen=True, kw_only=True)
class UnknownOption:
    """An option Levante does not interpret, kept as its type and data."""

    option: str = field(default="unknown", init=False)
    type: int
    data: bytes


Ipv4Option = (
    EndOfOptionList | NoOperation | RouteOption | Timestamp | UnknownOption
)

_TIMESTAMP_FLAGS = frozenset(TimestampFlag)
# Options without values are immutable and all alike: decoding hands out one instance.
_ROUTE_KINDS: dict[int, type[RouteOption]] = {
    RECORD_ROUTE: RecordRoute,
    LOOSE_SOURCE_ROUTE: LooseSourceRoute,
    STRICT_SOURCE_ROUTE: StrictSourceRoute,
}


def check_route_pointer(pointer: int, length: int) -> None:
    """RFC 791 §3.1: a route pointer is ≥ 4, on a slot boundary, and at most length + 1
    (which means "full"). Anything else is refused: never clamped or wrapped."""
    if pointer < ROUTE_FIRST_POINTER:
        raise Ipv4OptionError(f"route pointer {pointer} is below the minimum of 4")
    if pointer > length + 1:
        raise Ipv4OptionError(f"route pointer {pointer} is beyond the option length {length}")
    if (pointer - ROUTE_FIRST_POINTER) % 4:
        raise Ipv4OptionError(f"route pointer {pointer} is not on an address boundary")


def check_timestamp_pointer(pointer: int, length: int, entry_size: int) -> None:
    """RFC 791 §3.1: a timestamp pointer is ≥ 5, on an entry boundary, at most length + 1."""
    if pointer < TIMESTAMP_FIRST_POINTER:
        raise Ipv4OptionError(f"timestamp pointer {pointer} is below the minimum of 5")
    if pointer > length + 1:
        raise Ipv4OptionError(
            f"timestamp pointer {pointer} is beyond the option length {length}"
        )
    if (pointer - TIMESTAMP_FIRST_POINTER) % entry_size:
        raise Ipv4OptionError(f"timestamp pointer {pointer} is not on an entry boundary")


def decode_options(area: bytes) -> tuple[Ipv4Option, ...]:
    """The options area (IHL*4 - 20 bytes) → options; raises `Ipv4OptionError`."""
    seen: set[int] = set()

    def decode_one(kind: int, length: int, data: bytes, offset: int) -> Ipv4Option:
        return _decode_one(kind, length, data[offset + 2:offset + length], seen)

    return decode_option_list(area, Ipv4OptionError, decode_one)


def _decode_one(kind: int, length: int, body: bytes, seen: set[int]) -> Ipv4Option:
    # A second route or timestamp option is ambiguous (which pointer wins?): refuse it,
    # as RFC 1812 §5.2.4.1 routers do for source routes.
    family = LOOSE_SOURCE_ROUTE if kind == STRICT_SOURCE_ROUTE else kind
    if family in seen:
        raise Ipv4OptionError(f"option {kind} appears twice")
    seen.add(family)
    if kind in _ROUTE_KINDS:
        return _decode_route(kind, length, body)
    if kind == TIMESTAMP:
        return _decode_timestamp(length, body)
    expected = _FIXED_LENGTHS.get(kind)
    if expected is not None and length != expected:
        raise Ipv4OptionError(f"option {kind} has length {length}, must be {expected}")
    return UnknownOption(type=kind, data=bytes(body))


def _decode_route(kind: int, length: int, body: bytes) -> RouteOption:
    # RFC 791 §3.1 record route: type, length, pointer, then whole 4-octet addresses.
    if length < 3 or (length - 3) % 4:
        raise Ipv4OptionError(f"route option length {length} is not 3 + 4n")
    pointer = body[0]
    check_route_pointer(pointer, length)
    addresses = tuple(ipv4_to_text(body[index:index + 4]) for index in range(1, len(body), 4))
    return _ROUTE_KINDS[kind](pointer=pointer, addresses=addresses)


def _decode_timestamp(length: int, body: bytes) -> Timestamp:
    # RFC 791 §3.1 internet timestamp: type, length, pointer, overflow|flag, then entries
    # of 4 octets (timestamps) or 8 (address + timestamp).
    if length < 4:
        raise Ipv4OptionError(f"timestamp option length {length} is below 4")
    pointer = body[0]
    overflow, flag_value = body[1] >> 4, body[1] & 0x0F
    try:
        flag = TimestampFlag(flag_value)
    except ValueError:
        raise Ipv4OptionError(f"timestamp flag {flag_value} is undefined") from None
    entry_size = 4 if flag is TimestampFlag.TIMESTAMPS_ONLY else 8
    if (length - 4) % entry_size:
        raise Ipv4OptionError(f"timestamp option length {length} is not 4 + {entry_size}n")
    check_timestamp_pointer(pointer, length, entry_size)
    entries = []
    for index in range(2, len(body), entry_size):
        if entry_size == 4:
            entries.append(TimestampEntry(
                address=None, timestamp=int.from_bytes(body[index:index + 4], "big")))
        else:
            entries.append(TimestampEntry(
                address=ipv4_to_text(body[index:index + 4]),
                timestamp=int.from_bytes(body[index + 4:index + 8], "big"),
            ))
    return Timestamp(pointer=pointer, overflow=overflow, flag=flag, entries=tuple(entries))


def encode_options(options: tuple[Ipv4Option, ...]) -> bytes:
    """Options → the options area, zero-padded to a 4-octet boundary."""
    out = bytearray()
    for option in options:
        out += _encode_one(option)
    if len(out) % 4:
        out += bytes(4 - len(out) % 4)
    if len(out) > MAX_OPTIONS_LENGTH:
        raise Ipv4OptionError(f"options take {len(out)} bytes, more than 40")
    return bytes(out)


def _encode_one(option: Ipv4Option) -> bytes:
    if isinstance(option, EndOfOptionList):
        return bytes([END_OF_OPTION_LIST])
    if isinstance(option, NoOperation):
        return bytes([NO_OPERATION])
    if isinstance(option, RouteOption):
        if option.length > MAX_OPTIONS_LENGTH:
            raise Ipv4OptionError(f"route option of {len(option.addresses)} addresses")
        check_route_pointer(option.pointer, option.length)
        addresses = b"".join(ipv4_from_text(a, Ipv4OptionError) for a in option.addresses)
        return bytes([option.TYPE, option.length, option.pointer]) + addresses
    if isinstance(option, Timestamp):
        return _encode_timestamp(option)
    if not 2 <= option.type <= 255 or len(option.data) > MAX_OPTIONS_LENGTH - 2:
        raise Ipv4OptionError(f"option {option.type} with {len(option.data)} data bytes")
    return bytes([option.type, len(option.data) + 2]) + option.data


def _encode_timestamp(option: Timestamp) -> bytes:
    if option.length > MAX_OPTIONS_LENGTH:
        raise Ipv4OptionError(f"timestamp option of {len(option.entries)} entries")
    if option.flag not in _TIMESTAMP_FLAGS:
        raise Ipv4OptionError(f"timestamp flag {option.flag} is undefined")
    check_timestamp_pointer(option.pointer, option.length, option.entry_size)
    if not 0 <= option.overflow <= MAX_OVERFLOW:
        raise Ipv4OptionError(f"timestamp overflow {option.overflow} outside 0..15")
    out = bytearray([TIMESTAMP, option.length, option.pointer,
                     option.overflow << 4 | option.flag])
    for entry in option.entries:
        if (entry.address is None) != (option.flag is TimestampFlag.TIMESTAMPS_ONLY):
            raise Ipv4OptionError("timestamp entries must have addresses unless flag is 0")
        if entry.address is not None:
            out += ipv4_from_text(entry.address, Ipv4OptionError)
        if not 0 <= entry.timestamp <= 0xFFFF_FFFF:
            raise Ipv4OptionError(f"timestamp {entry.timestamp} does not fit 32 bits")
        out += entry.timestamp.to_bytes(4, "big")
    return bytes(out)
