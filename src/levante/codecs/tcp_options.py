"""TCP options (RFC 9293 §3.1, RFC 7323, RFC 2018), each length checked exactly."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from levante.codecs.option_list import (
    END_OF_OPTION_LIST,
    NO_OPERATION,
    decode_option_list,
)

# The one-octet options IPv4 and TCP share, re-exported as this protocol's own.
from levante.codecs.option_list import EndOfOptionList as EndOfOptionList
from levante.codecs.option_list import NoOperation as NoOperation
from levante.codecs.tcp_errors import TcpOptionError

MAX_OPTIONS_LENGTH = 40  # data offset is at most 15 words, 5 of them fixed header

MAXIMUM_SEGMENT_SIZE = 2
WINDOW_SCALE = 3
SACK_PERMITTED = 4
SACK = 5
TIMESTAMPS = 8
# The defined lengths: RFC 9293 §3.2 (MSS 4), RFC 7323 §2.2 and §3.2 (window scale 3,
# timestamps 10), RFC 2018 §2 (SACK-permitted 2). SACK is 2 + 8n and checked apart.
_EXACT_LENGTHS = {MAXIMUM_SEGMENT_SIZE: 4, WINDOW_SCALE: 3, SACK_PERMITTED: 2, TIMESTAMPS: 10}
_SACK_BLOCK = struct.Struct("!II")
_TIMESTAMPS = struct.Struct("!II")




@dataclass(frozen=True, kw_only=True)
class MaximumSegmentSize:
    option: str = field(default="maximum_segment_size", init=False)
    value: int


@dataclass(frozen=True, kw_only=True)
class WindowScale:
    """RFC 7323 §2.3: a shift above 14 is kept as sent; the stack must use 14 instead."""

    option: str = field(default="window_scale", init=False)
    shift: int


@dataclass(frozen=True, kw_only=True)
class SackPermitted:
    option: str = field(default="sack_permitted", init=False)


@dataclass(frozen=True, kw_only=True)
class Sack:
    """RFC 2018 §3: blocks of (left edge, right edge) sequence numbers."""

    option: str = field(default="sack", init=False)
    blocks: tuple[tuple[int, int], ...]


@dataclass(frozen=True, kw_only=True)
class Timestamps:
    option: str = field(default="timestamps", init=False)
    value: int
    echo_reply: int


@dataclass(frozen=True, kw_only=True)
class UnknownTcpOption:
    option: str = field(default="unknown", init=False)
    kind: int
    data: bytes


# Options without values are immutable and all alike: decoding hands out one instance.
_SACK_PERMITTED = SackPermitted()

TcpOption = (
    EndOfOptionList | NoOperation | MaximumSegmentSize | WindowScale | SackPermitted | Sack
    | Timestamps | UnknownTcpOption
)


def decode_options(area: bytes) -> tuple[TcpOption, ...]:
    """The options area → options; raises `TcpOptionError`."""
    return decode_option_list(area, TcpOptionError, _decode_one)


def _decode_one(kind: int, length: int, area: bytes, offset: int) -> TcpOption:
    """The option of `kind` and `length` at `offset` (both already inside `area`)."""
    expected = _EXACT_LENGTHS.get(kind)
    if expected is not None and length != expected:
        raise TcpOptionError(f"option {kind} has length {length}, must be {expected}")
    # Values are read in place (unpack_from), not from a sliced copy: this is per packet.
    if kind == MAXIMUM_SEGMENT_SIZE:
        return MaximumSegmentSize(value=area[offset + 2] << 8 | area[offset + 3])
    if kind == TIMESTAMPS:
        value, echo_reply = _TIMESTAMPS.unpack_from(area, offset + 2)
        return Timestamps(value=value, echo_reply=echo_reply)
    if kind == WINDOW_SCALE:
        return WindowScale(shift=area[offset + 2])
    if kind == SACK_PERMITTED:
        return _SACK_PERMITTED
    body = area[offset + 2:offset + length]
    if kind == SACK:
        # RFC 2018 §3: length 2 + 8n with at least one block.
        if length < 10 or (length - 2) % 8:
            raise TcpOptionError(f"SACK option length {length} is not 2 + 8n with n >= 1")
        return Sack(blocks=tuple(_SACK_BLOCK.iter_unpack(body)))
    return UnknownTcpOption(kind=kind, data=bytes(body))


def encode_options(options: tuple[TcpOption, ...]) -> bytes:
    """Options → the options area, zero-padded to a 4-octet boundary."""
    out = bytearray()
    for option in options:
        out += _encode_one(option)
    if len(out) % 4:
        out += bytes(4 - len(out) % 4)
    if len(out) > MAX_OPTIONS_LENGTH:
        raise TcpOptionError(f"options take {len(out)} bytes, more than 40")
    return bytes(out)


def _encode_one(option: TcpOption) -> bytes:
    try:
        if isinstance(option, EndOfOptionList):
            return bytes([END_OF_OPTION_LIST])
        if isinstance(option, NoOperation):
            return bytes([NO_OPERATION])
        if isinstance(option, MaximumSegmentSize):
            return struct.pack("!BBH", MAXIMUM_SEGMENT_SIZE, 4, option.value)
        if isinstance(option, WindowScale):
            return struct.pack("!BBB", WINDOW_SCALE, 3, option.shift)
        if isinstance(option, SackPermitted):
            return bytes([SACK_PERMITTED, 2])
        if isinstance(option, Timestamps):
            return struct.pack("!BBII", TIMESTAMPS, 10, option.value, option.echo_reply)
        if isinstance(option, Sack):
            if not 1 <= len(option.blocks) <= 4:
                raise TcpOptionError(f"SACK with {len(option.blocks)} blocks, must be 1..4")
            blocks = b"".join(_SACK_BLOCK.pack(left, right) for left, right in option.blocks)
            return bytes([SACK, 2 + len(blocks)]) + blocks
        if not 2 <= option.kind <= 255 or len(option.data) > MAX_OPTIONS_LENGTH - 2:
            raise TcpOptionError(f"option {option.kind} with {len(option.data)} data bytes")
        return bytes([option.kind, 2 + len(option.data)]) + option.data
    except struct.error as error:
        raise TcpOptionError(f"cannot encode {option.option}: {error}") from None
