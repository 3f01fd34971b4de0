"""SMP (the Simple Management Protocol of MCUmgr) frames: the 8-octet header and the CBOR
body, decoded with cbor2 under hard bounds on size, depth, entries and keys.

The header, as the SMP protocol description lays it out (all fields big-endian):

     0                   1                   2                   3
     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    | Res | V | Op  |     Flags     |          Data Length          |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |           Group ID            |   Sequence    |  Command ID   |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

    Res          3 bits, reserved: zero.
    V            2 bits, protocol version: 0 (SMP version 1), 1 (version 2, whose
                 errors are a map {"group", "rc"} under the key "err").
    Op           3 bits: 0 read, 1 read response, 2 write, 3 write response.
    Flags        8 bits, none defined.
    Data Length  16 bits: octets of CBOR data that follow the header.
    Group ID     16 bits: the management group (0 OS, 1 image, ... 64+ per-user).
    Sequence     8 bits: chosen by the client, echoed in the response.
    Command ID   8 bits: the command within the group.

The data is one CBOR map whose keys are text strings.  Lengths are allegations: the
Data Length must match the octets present, and a frame may not exceed the server's
buffer (CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE).  A frame whose header cannot be read is
dropped; one whose header reads but whose body is refused gets an error response from
the server (`SmpBodyError` carries the header).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Mapping
from dataclasses import dataclass

import cbor2

from levante.codecs.errors import CodecError

HEADER_SIZE = 8
_HEADER = struct.Struct("!BBHHBB")

OP_READ, OP_READ_RESPONSE, OP_WRITE, OP_WRITE_RESPONSE = 0, 1, 2, 3
VERSION_1, VERSION_2 = 0, 1

# CBOR values a body may hold: what SMP's commands use, nothing else (no tags, floats,
# undefined, or non-text keys).
SmpValue = int | bytes | str | bool | None | list["SmpValue"] | dict[str, "SmpValue"]
INT_MIN, INT_MAX = -(1 << 63), (1 << 64) - 1


class SmpError(CodecError):
    """A frame this codec refuses."""

    protocol = "smp"


class SmpHeaderError(SmpError):
    """The header cannot be read: nothing to answer."""


@dataclass(frozen=True)
class SmpHeader:
    op: int
    version: int
    flags: int
    length: int
    group: int
    sequence: int
    command: int

    def encode(self) -> bytes:
        return _HEADER.pack((self.version & 0x3) << 3 | (self.op & 0x7), self.flags,
                            self.length, self.group, self.sequence, self.command)

    def response(self, length: int) -> SmpHeader:
        """The header of this request's response, with `length` octets of data."""
        op = OP_READ_RESPONSE if self.op == OP_READ else OP_WRITE_RESPONSE
        return SmpHeader(op, self.version, 0, length, self.group, self.sequence,
                         self.command)


class SmpBodyError(SmpError):
    """The header read, the body is refused: the server answers with an error."""

    def __init__(self, message: str, header: SmpHeader) -> None:
        super().__init__(message)
        self.header = header


@dataclass(frozen=True)
class SmpLimits:
    """How much a decoded frame may hold."""

    max_frame: int = 2048  # header + data (CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE)
    max_depth: int = 4  # nested maps and arrays, the body's own map included
    max_entries: int = 16  # entries of one map, elements of one array
    max_key_length: int = 32  # octets of one map key
    max_values: int = 64  # values in the whole body


@dataclass(frozen=True)
class SmpFrame:
    header: SmpHeader
    body: Mapping[str, SmpValue]


def decode_header(data: bytes) -> SmpHeader:
    if len(data) < HEADER_SIZE:
        raise SmpHeaderError(f"{len(data)} octets: shorter than the 8-octet SMP header")
    first, flags, length, group, sequence, command = _HEADER.unpack_from(data)
    if first >> 5:
        raise SmpHeaderError("reserved header bits set")
    op, version = first & 0x7, (first >> 3) & 0x3
    if op > OP_WRITE_RESPONSE:
        raise SmpHeaderError(f"op {op} is not read, write or a response")
    if version > VERSION_2:
        raise SmpHeaderError(f"SMP version {version + 1} is unknown")
    return SmpHeader(op, version, flags, length, group, sequence, command)


def decode(data: bytes, limits: SmpLimits = SmpLimits()) -> SmpFrame:
    """One whole frame (a UDP datagram, a reassembled serial packet)."""
    if len(data) > limits.max_frame:
        raise SmpHeaderError(f"{len(data)} octets: over the {limits.max_frame}-octet buffer")
    header = decode_header(data)
    if header.length != len(data) - HEADER_SIZE:
        raise SmpHeaderError(f"data length {header.length} but {len(data) - HEADER_SIZE} "
                             "octets follow the header")
    if header.length == 0:
        return SmpFrame(header, {})
    return SmpFrame(header, _decode_body(data[HEADER_SIZE:], header, limits))


def _decode_body(data: bytes, header: SmpHeader, limits: SmpLimits) -> dict[str, SmpValue]:
    stream = io.BytesIO(data)
    try:
        decoder = cbor2.CBORDecoder(stream, max_depth=limits.max_depth,
                                    allow_indefinite=False, allow_duplicate_keys=False,
                                    strict_hashable_types=True)
        body = decoder.decode()
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError,
            MemoryError) as error:
        raise SmpBodyError(f"CBOR data refused: {error}", header) from None
    if stream.tell() != len(data):
        raise SmpBodyError(f"{len(data) - stream.tell()} octets after the CBOR map", header)
    if not isinstance(body, dict):
        raise SmpBodyError("the CBOR data is not a map", header)
    budget = [limits.max_values]
    _check(body, 1, limits, budget, header)
    return body


def _check(value: object, depth: int, limits: SmpLimits, budget: list[int],
           header: SmpHeader) -> None:
    """Walk the decoded value: only SMP's types, within the limits (a shared reference
    that loops back is stopped by the depth bound)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise SmpBodyError(f"more than {limits.max_values} values", header)
    if isinstance(value, bool) or value is None or isinstance(value, bytes | str):
        return
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise SmpBodyError("an integer beyond 64 bits", header)
        return
    if depth > limits.max_depth:
        raise SmpBodyError(f"nested deeper than {limits.max_depth}", header)
    if isinstance(value, list):
        if len(value) > limits.max_entries:
            raise SmpBodyError(f"an array of more than {limits.max_entries} elements", header)
        for element in value:
            _check(element, depth + 1, limits, budget, header)
        return
    if isinstance(value, dict):
        if len(value) > limits.max_entries:
            raise SmpBodyError(f"a map of more than {limits.max_entries} entries", header)
        for key, element in value.items():
            if not isinstance(key, str):
                raise SmpBodyError("a map key that is not a text string", header)
            if len(key.encode()) > limits.max_key_length:
                raise SmpBodyError(f"a map key longer than {limits.max_key_length} octets",
                                   header)
            _check(element, depth + 1, limits, budget, header)
        return
    raise SmpBodyError(f"a CBOR value of a kind SMP does not use ({type(value).__name__})",
                       header)


def encode(header: SmpHeader, body: Mapping[str, SmpValue]) -> bytes:
    """A frame: `header` with its length set to the encoded body's."""
    data = cbor2.dumps(dict(body))
    return SmpHeader(header.op, header.version, header.flags, len(data), header.group,
                     header.sequence, header.command).encode() + data
