"""xoshiro128++ (Blackman and Vigna, 2019): the fast, non-cryptographic generator behind
sys_rand_get with CONFIG_XOSHIRO_RANDOM_GENERATOR.

32-bit words, 128 bits of state; a state of all zeros never leaves zero, so a seed is
redrawn until it is not.  Predictable from its outputs: never for keys or nonces.
"""

from __future__ import annotations

import struct

_MASK = 0xFFFFFFFF
STATE_BYTES = 16


def _rotate_left(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK


class Xoshiro128PlusPlus:
    """One generator; `seed` takes 16 bytes that are not all zero."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != STATE_BYTES or not any(seed):
            raise ValueError("xoshiro128++ needs 16 bytes of seed, not all zero")
        self._state: list[int] = list(struct.unpack("<4I", seed))

    def next32(self) -> int:
        s = self._state
        result = (_rotate_left((s[0] + s[3]) & _MASK, 7) + s[0]) & _MASK
        t = (s[1] << 9) & _MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotate_left(s[3], 11)
        return result

    def fill(self, length: int) -> bytes:
        """`length` bytes: whole little-endian words, the last one cut short."""
        words = [self.next32() for _ in range(-(-length // 4))]
        return struct.pack(f"<{len(words)}I", *words)[:length]
