"""The Internet checksum (RFC 1071) shared by IPv4, ICMP, UDP and TCP."""

from __future__ import annotations

# RFC 1071 §1: the checksum is the ones' complement of the ones' complement sum of the
# data taken as 16-bit big-endian words, an odd final byte padded with a zero byte.
#
# Why the modulo: 2**16 ≡ 1 (mod 0xFFFF), so the whole buffer read as one big integer is
# congruent to the sum of its 16-bit words, and the end-around carry of ones' complement
# addition is exactly reduction modulo 0xFFFF. One C-level bignum operation replaces a
# Python loop over the words. The only ambiguity is 0 versus 0xFFFF (both ≡ 0): a ones'
# complement sum is 0 only when every word is 0, so any non-zero input that reduces to 0
# really sums to 0xFFFF.

_FOLD = 0xFFFF


def ones_complement_sum(data: bytes | bytearray | memoryview) -> int:
    """The 16-bit ones' complement sum of `data` (0..0xFFFF)."""
    value = int.from_bytes(data, "big")
    if len(data) & 1:
        value <<= 8  # the pad byte goes after the last byte, as the low half of a word
    if value == 0:
        return 0
    return value % _FOLD or _FOLD


def combine(*sums: int) -> int:
    """Ones' complement sum of partial sums of even-length pieces."""
    total = sum(sums)
    if total == 0:
        return 0
    return total % _FOLD or _FOLD


def internet_checksum(data: bytes | bytearray | memoryview, partial: int = 0) -> int:
    """The checksum field value for `data` (with its checksum field zeroed).

    `partial` is a sum already taken over a leading even-length piece, such as the
    TCP/UDP pseudo-header.
    """
    return ~combine(partial, ones_complement_sum(data)) & 0xFFFF


def is_valid(data: bytes | bytearray | memoryview, partial: int = 0) -> bool:
    """True when `data`, checksum field included, sums to all ones (RFC 1071 §1, step 3)."""
    return combine(partial, ones_complement_sum(data)) == _FOLD


def pseudo_header(source: bytes, destination: bytes, protocol: int, length: int) -> bytes:
    """RFC 9293 §3.1 / RFC 768: the 12-byte IPv4 pseudo-header that TCP and UDP checksums
    cover (addresses, a zero byte, the protocol, the transport length). Prefixing it to
    the segment lets one sum cover both."""
    return source + destination + bytes((0, protocol)) + length.to_bytes(2, "big")


def ipv6_pseudo_header(source: bytes, destination: bytes, next_header: int,
                       length: int) -> bytes:
    """RFC 8200 §8.1: the 40-byte IPv6 pseudo-header of upper-layer checksums (addresses,
    a 32-bit upper-layer length, three zero bytes, the next header value)."""
    return source + destination + length.to_bytes(4, "big") + bytes((0, 0, 0, next_header))
