"""Thumb-2 instruction scanning: lengths, hint instructions, and where the hardware
divides are."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

from levante.image.layout import Symbol


def is_32bit_instruction(first_halfword: int) -> bool:
    """ARMv7-M ARM A5.1: 0b11101, 0b11110 and 0b11111 prefixes start 32-bit encodings."""
    return (first_halfword >> 11) >= 0b11101


def instruction_count(code: bytes) -> int:
    """How many instructions `code` holds, decoded from its start (a trailing half of a
    32-bit instruction counts as one, as the block clock counts it)."""
    offset = count = 0
    while offset + 1 < len(code):
        first = code[offset] | code[offset + 1] << 8
        offset += 4 if is_32bit_instruction(first) else 2
        count += 1
    return count


def is_divide(first_halfword: int, second_halfword: int) -> bool:
    """SDIV (0xFB90) or UDIV (0xFBB0), encoding T1, with the fixed 0xF0F0 bits set."""
    return (first_halfword & 0xFFD0) == 0xFB90 and (second_halfword & 0xF0F0) == 0xF0F0


# ARMv7-M ARM A7.7: hint numbers, shared by the 16-bit (0xBFn0) and 32-bit (0xF3AF 0x80nn)
# encodings.
HINT_NOP, HINT_YIELD, HINT_WFE, HINT_WFI, HINT_SEV = 0, 1, 2, 3, 4


def last_instruction(code: bytes) -> bytes:
    """The last whole instruction of `code`, decoded from its start (as QEMU translates a
    block: from its first instruction on)."""
    offset = last = 0
    while offset + 2 <= len(code):
        last = offset
        first = struct.unpack_from("<H", code, offset)[0]
        offset += 4 if is_32bit_instruction(first) else 2
    return code[last:offset] if offset <= len(code) else b""


def hint_number(instruction: bytes) -> int | None:
    """The hint an instruction encodes (NOP, YIELD, WFE, WFI, SEV, ...), or None."""
    if len(instruction) == 2:
        halfword = struct.unpack("<H", instruction)[0]
        # 0xBFxy with y != 0 is IT, not a hint.
        return (halfword >> 4) & 0xF if halfword & 0xFF0F == 0xBF00 else None
    if len(instruction) == 4:
        first, second = struct.unpack("<HH", instruction)
        return second & 0xFF if first == 0xF3AF and second & 0xFF00 == 0x8000 else None
    return None


def _instructions(code: bytes, base: int) -> Iterator[tuple[int, int, int]]:
    offset = 0
    while offset + 2 <= len(code):
        first = struct.unpack_from("<H", code, offset)[0]
        if is_32bit_instruction(first) and offset + 4 <= len(code):
            second = struct.unpack_from("<H", code, offset + 2)[0]
            yield base + offset, first, second
            offset += 4
        else:
            yield base + offset, first, -1
            offset += 2


def find_divisions(functions: Iterable[Symbol], read: dict[int, bytes]) -> list[int]:
    """Addresses of SDIV/UDIV instructions, decoding each function from its start so
    literal pools between functions cannot shift the instruction stream."""
    found = []
    for function in functions:
        code = _slice(read, function.address, function.size)
        if code is None:
            continue
        for address, first, second in _instructions(code, function.address):
            if second >= 0 and is_divide(first, second):
                found.append(address)
    return sorted(set(found))


def _slice(sections: dict[int, bytes], address: int, size: int) -> bytes | None:
    for base, data in sections.items():
        if base <= address and address + size <= base + len(data):
            return data[address - base: address - base + size]
    return None
