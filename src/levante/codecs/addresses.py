"""Text forms of MAC, IPv4 and IPv6 addresses, converted strictly both ways for the codecs."""

from __future__ import annotations

import functools
import ipaddress

from levante.codecs.errors import CodecError


def mac_to_text(raw: bytes) -> str:
    """6 bytes → 'aa:bb:cc:dd:ee:ff'."""
    return raw.hex(":")


def mac_from_text(text: str, error: type[CodecError]) -> bytes:
    """'aa:bb:cc:dd:ee:ff' → 6 bytes; anything else raises `error`."""
    parts = text.split(":")
    if len(parts) != 6 or not all(len(part) == 2 for part in parts):
        raise error(f"bad MAC address {text!r}: use six hex pairs joined by ':'")
    try:
        return bytes.fromhex("".join(parts))
    except ValueError:
        raise error(f"bad MAC address {text!r}: not hexadecimal") from None


def ipv4_to_text(raw: bytes) -> str:
    """4 bytes → dotted decimal."""
    return f"{raw[0]}.{raw[1]}.{raw[2]}.{raw[3]}"


# Checksums over the pseudo-header convert the same few addresses for every segment of a
# flow: remembering recent conversions keeps that off the per-packet cost. Bounded.
@functools.lru_cache(maxsize=1024)
def ipv4_from_text(text: str, error: type[CodecError]) -> bytes:
    """Dotted decimal (exactly four decimal parts, 0..255) → 4 bytes; else raises `error`.

    Stricter than inet_aton on purpose: '1', '0x7f.1', '127.1' or '010.0.0.1' are refused,
    so one address has one spelling and checks on the text cannot be dodged.
    """
    parts = text.split(".")
    if len(parts) != 4 or not all(part.isdigit() and part.isascii() for part in parts):
        raise error(f"bad IPv4 address {text!r}: use four decimal numbers joined by '.'")
    values = [int(part) for part in parts]
    if any(value > 255 or (len(part) > 1 and part[0] == "0")
           for value, part in zip(values, parts, strict=True)):
        raise error(f"bad IPv4 address {text!r}: each part must be 0..255, no leading zeros")
    return bytes(values)


@functools.lru_cache(maxsize=1024)
def ipv6_from_text(text: str, error: type[CodecError]) -> bytes:
    """An IPv6 address in RFC 4291 §2.2 text form → 16 bytes; else raises `error`.

    A zone (`%eth0`) is refused: an address on the wire has none.
    """
    if "%" in text or not text.isascii():
        raise error(f"bad IPv6 address {text!r}: no zone or non-ASCII characters allowed")
    try:
        return ipaddress.IPv6Address(text).packed
    except ValueError:
        raise error(f"bad IPv6 address {text!r}") from None


@functools.lru_cache(maxsize=1024)
def ipv6_to_text(raw: bytes) -> str:
    """16 bytes → the RFC 5952 canonical text form (one spelling per address)."""
    return ipaddress.IPv6Address(raw).compressed


def canonical_ipv6(text: str, error: type[CodecError]) -> str:
    """Any accepted spelling of an IPv6 address → its canonical one."""
    if "%" in text or not text.isascii():
        raise error(f"bad IPv6 address {text!r}: no zone or non-ASCII characters allowed")
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        raise error(f"bad IPv6 address {text!r}") from None


def is_ipv6_text(text: str) -> bool:
    """Whether an address string is IPv6 (IPv4 text never holds a colon)."""
    return ":" in text
