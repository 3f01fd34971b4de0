"""The option list IPv4 and TCP share: kind octets 0 (end of list) and 1 (no-operation)
alone, every other option kind, length, data (RFC 791 §3.1, RFC 9293 §3.1).

One walk bounds every length for both protocols, and the two one-octet options are the
same objects for both; each protocol decodes the options it knows through `decode_one`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from levante.codecs.errors import CodecError

END_OF_OPTION_LIST = 0
NO_OPERATION = 1



@dataclass(frozen=True, kw_only=True)
class EndOfOptionList:
    option: str = field(default="end_of_option_list", init=False)


@dataclass(frozen=True, kw_only=True)
class NoOperation:
    option: str = field(default="no_operation", init=False)


_END = EndOfOptionList()
_NOP = NoOperation()

Option = TypeVar("Option")
# (kind, length, area, offset) → the option; length >= 2 and the option lies in `area`.
DecodeOne = Callable[[int, int, bytes, int], Option]


def decode_option_list(
    area: bytes, error: type[CodecError], decode_one: DecodeOne[Option],
) -> tuple[Option | EndOfOptionList | NoOperation, ...]:
    """The options of `area` in wire order; malformed input raises `error`."""
    options: list[Option | EndOfOptionList | NoOperation] = []
    size = len(area)
    offset = 0
    while offset < size:
        kind = area[offset]
        if kind == END_OF_OPTION_LIST:
            options.append(_END)
            # What follows the end of the list is padding.
            if any(area[offset + 1:]):
                raise error("non-zero padding after end of option list")
            break
        if kind == NO_OPERATION:
            options.append(_NOP)
            offset += 1
            continue
        if offset + 1 >= size:
            raise error(f"option {kind} at offset {offset} has no length octet")
        length = area[offset + 1]
        if length < 2:
            raise error(f"option {kind} has length {length}, below 2")
        if offset + length > size:
            raise error(f"option {kind} of length {length} overruns the options area at {offset}")
        options.append(decode_one(kind, length, area, offset))
        offset += length
    return tuple(options)
