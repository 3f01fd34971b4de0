"""Entropy sources behind the board's TRNG device: the host's randomness, or a seeded
deterministic stream for reproducible runs (test mode)."""

from __future__ import annotations

import hashlib
import os
from typing import Protocol


class EntropySource(Protocol):
    """What the TRNG device reads: `get(n)` returns n bytes."""

    deterministic: bool

    def get(self, length: int) -> bytes: ...


class HostEntropy:
    """The host operating system's randomness (getrandom / urandom): the real TRNG."""

    deterministic = False

    def get(self, length: int) -> bytes:
        return os.urandom(length)


class SeededEntropy:
    """A reproducible stream: SHA-256(seed || block counter), block after block.

    Same seed → same bytes, in the same order, on every run (DESIGN invariant 5); a
    different seed gives an unrelated stream.  Never for a product: anyone who knows the
    seed knows every "random" number.
    """

    deterministic = True

    def __init__(self, seed: bytes) -> None:
        self.seed = bytes(seed)
        self._counter = 0
        self._buffer = b""

    def get(self, length: int) -> bytes:
        while len(self._buffer) < length:
            block = hashlib.sha256(self.seed + self._counter.to_bytes(8, "little")).digest()
            self._buffer += block
            self._counter += 1
        result, self._buffer = self._buffer[:length], self._buffer[length:]
        return result


def parse_seed(text: str) -> bytes:
    """A seed given on the command line: a decimal number or 0x-prefixed hex."""
    text = text.strip()
    if text.lower().startswith("0x"):
        digits = text[2:]
        if not digits or len(digits) % 2:
            digits = "0" + digits if digits else ""
        return bytes.fromhex(digits) if digits else b""
    value = int(text, 10)
    if value < 0:
        raise ValueError("negative seed")
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "little")
