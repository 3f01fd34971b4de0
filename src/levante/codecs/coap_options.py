"""CoAP option numbers and value formats: uint (RFC 7252 §3.2), Block1/Block2 (RFC 7959),
Observe (RFC 7641)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from levante.codecs.coap_errors import CoapEncodeError, CoapOptionValueError


class OptionNumber(enum.IntEnum):
    """Registered option numbers: RFC 7252 §5.10, RFC 7641 §2, RFC 7959 §2.1 and §4."""

    IF_MATCH = 1
    URI_HOST = 3
    ETAG = 4
    IF_NONE_MATCH = 5
    OBSERVE = 6
    URI_PORT = 7
    LOCATION_PATH = 8
    URI_PATH = 11
    CONTENT_FORMAT = 12
    MAX_AGE = 14
    URI_QUERY = 15
    ACCEPT = 17
    LOCATION_QUERY = 20
    BLOCK2 = 23
    BLOCK1 = 27
    SIZE2 = 28
    PROXY_URI = 35
    PROXY_SCHEME = 39
    SIZE1 = 60


# RFC 7252 §3.1: option numbers are 16-bit; no accumulated delta may go beyond this.
MAX_OPTION_NUMBER = 0xFFFF


# RFC 7252 §5.4.6: odd numbers are critical, bit 1 marks unsafe-to-forward, and
# numbers whose bits 1-4 read 0b1110 are not part of the cache key.
def is_critical(number: int) -> bool:
    return bool(number & 0x01)


def is_unsafe(number: int) -> bool:
    return bool(number & 0x02)


def is_no_cache_key(number: int) -> bool:
    return number & 0x1E == 0x1C


# RFC 7252 §3.2: a uint value is big-endian in as few bytes as possible (0 is empty);
# a receiver still accepts leading zero bytes.
def decode_uint(value: bytes, max_bytes: int, what: str) -> int:
    if len(value) > max_bytes:
        raise CoapOptionValueError(f"{what} is {len(value)} bytes long, at most {max_bytes}")
    return int.from_bytes(value, "big")


def encode_uint(number: int, max_bytes: int, what: str) -> bytes:
    if not 0 <= number < 1 << (8 * max_bytes):
        raise CoapEncodeError(f"{what} {number} does not fit {max_bytes} bytes")
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


# RFC 7641 §2: the Observe value is a sequence number of up to 3 bytes (0..2^24-1);
# in a GET, 0 registers and 1 deregisters.
OBSERVE_MAX_BYTES = 3
OBSERVE_REGISTER = 0
OBSERVE_DEREGISTER = 1


def decode_observe(value: bytes) -> int:
    return decode_uint(value, OBSERVE_MAX_BYTES, "Observe")


def encode_observe(sequence: int) -> bytes:
    return encode_uint(sequence, OBSERVE_MAX_BYTES, "Observe")


# RFC 7959 §2.2: a Block option value is a uint of 0-3 bytes holding NUM (the block
# number), M (more blocks follow) in bit 3 and SZX (size exponent) in bits 0-2.
BLOCK_MAX_BYTES = 3
BLOCK_MAX_NUMBER = (1 << 20) - 1
# RFC 7959 §2.2: SZX 7 is reserved and must be treated as an error.
BLOCK_RESERVED_SZX = 7


@dataclass(frozen=True, slots=True)
class Block:
    """A Block1 or Block2 option value; block size = 2 ** (szx + 4) bytes (16 to 1024)."""

    number: int
    more: bool
    szx: int

    @property
    def size(self) -> int:
        return 1 << (self.szx + 4)

    @property
    def offset(self) -> int:
        """Where this block starts in the whole body."""
        return self.number * self.size


def decode_block(value: bytes) -> Block:
    raw = decode_uint(value, BLOCK_MAX_BYTES, "Block option")
    szx = raw & 0x07
    if szx == BLOCK_RESERVED_SZX:
        raise CoapOptionValueError("Block option with reserved SZX 7")
    return Block(raw >> 4, bool(raw & 0x08), szx)


def encode_block(block: Block) -> bytes:
    if not 0 <= block.szx < BLOCK_RESERVED_SZX:
        raise CoapEncodeError(f"Block SZX {block.szx} is not in 0..6")
    if not 0 <= block.number <= BLOCK_MAX_NUMBER:
        raise CoapEncodeError(f"Block number {block.number} does not fit 20 bits")
    raw = (block.number << 4) | (0x08 if block.more else 0) | block.szx
    return encode_uint(raw, BLOCK_MAX_BYTES, "Block option")
