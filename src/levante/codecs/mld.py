"""Multicast Listener Discovery messages: MLDv2 (RFC 3810) queries and reports, and the
MLDv1 (RFC 2710) query and report a version 2 host must still speak (RFC 3810 §8)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from levante.codecs import icmpv6
from levante.codecs.addresses import ipv6_from_text, ipv6_to_text
from levante.codecs.errors import CodecError
from levante.codecs.icmpv6 import Icmpv6Message

MLDV1_LENGTH = 24  # RFC 2710 §3 (RFC 3810 §8.1: a query of exactly 24 octets is MLDv1)
MLDV2_QUERY_MINIMUM = 28  # RFC 3810 §5.1
# RFC 3810 §5.2.12 record types.
MODE_IS_INCLUDE = 1
MODE_IS_EXCLUDE = 2
CHANGE_TO_INCLUDE_MODE = 3
CHANGE_TO_EXCLUDE_MODE = 4
MAX_SOURCES = 89  # what a 1500-octet link carries in one query (RFC 3810 §5.1.10)
ALL_MLDV2_ROUTERS = "ff02::16"

_V2_QUERY = struct.Struct("!HH16sBBH")


class MldError(CodecError):
    """A malformed MLD message."""

    protocol = "mld"


@dataclass(frozen=True)
class MldQuery:
    """A query: `group` is '::' for a general query; `max_response_ms` decoded from the
    Maximum Response Code (RFC 3810 §5.1.3)."""

    version: int
    max_response_ms: int
    group: str
    sources: tuple[str, ...] = ()
    suppress_router_processing: bool = False
    robustness: int = 0
    query_interval_code: int = 0


def decode_query(message: Icmpv6Message) -> MldQuery:
    if message.type != icmpv6.MLD_QUERY:
        raise MldError(f"type {message.type} is not a query")
    length = icmpv6.HEADER_LENGTH + len(message.body)
    if length == MLDV1_LENGTH:
        delay = int.from_bytes(message.body[0:2], "big")
        return MldQuery(1, delay, ipv6_to_text(message.body[4:20]))
    # RFC 3810 §8.1: 25..27 octets are neither version: ignored.
    if length < MLDV2_QUERY_MINIMUM:
        raise MldError(f"query of {length} octets is neither MLDv1 nor MLDv2")
    code, _, group, flags, qqic, count = _V2_QUERY.unpack_from(message.body)
    if count > MAX_SOURCES or length < MLDV2_QUERY_MINIMUM + 16 * count:
        raise MldError(f"query names {count} sources it does not hold")
    base = _V2_QUERY.size
    sources = tuple(ipv6_to_text(message.body[base + 16 * index:base + 16 * index + 16])
                    for index in range(count))
    return MldQuery(2, maximum_response_ms(code), ipv6_to_text(group), sources,
                    bool(flags & 0x08), flags & 0x07, qqic)


def maximum_response_ms(code: int) -> int:
    """RFC 3810 §5.1.3: below 32768 the code is the delay; above, a floating-point form."""
    if code < 32768:
        return code
    mantissa = code & 0x0FFF
    exponent = code >> 12 & 0x07
    return (mantissa | 0x1000) << (exponent + 3)


def encode_query(query: MldQuery) -> Icmpv6Message:
    """A query (for tests and peers): MLDv1's 24 octets, or MLDv2's with its sources."""
    group = ipv6_from_text(query.group, MldError)
    if not 0 <= query.max_response_ms < 32768:
        raise MldError("only directly coded response delays (below 32768 ms) are encoded")
    if query.version == 1:
        return Icmpv6Message(type=icmpv6.MLD_QUERY,
                             body=query.max_response_ms.to_bytes(2, "big") + bytes(2) + group)
    if len(query.sources) > MAX_SOURCES:
        raise MldError(f"more than {MAX_SOURCES} sources")
    flags = (0x08 if query.suppress_router_processing else 0) | (query.robustness & 0x07)
    body = _V2_QUERY.pack(query.max_response_ms, 0, group, flags, query.query_interval_code
                          & 0xFF, len(query.sources))
    body += b"".join(ipv6_from_text(source, MldError) for source in query.sources)
    return Icmpv6Message(type=icmpv6.MLD_QUERY, body=body)


def encode_v2_report(records: tuple[tuple[int, str], ...]) -> Icmpv6Message:
    """An MLDv2 report (RFC 3810 §5.2) of (record type, group) records, each with no
    sources: a listener of every source is in EXCLUDE mode with an empty list."""
    body = bytes(2) + len(records).to_bytes(2, "big")
    for record_type, group in records:
        body += bytes((record_type, 0, 0, 0)) + ipv6_from_text(group, MldError)
    return Icmpv6Message(type=icmpv6.MLDV2_REPORT, body=body)


def decode_v2_report(message: Icmpv6Message) -> tuple[tuple[int, str], ...]:
    """The (record type, group) records of an MLDv2 report (sources skipped)."""
    body = message.body
    if message.type != icmpv6.MLDV2_REPORT or len(body) < 4:
        raise MldError("not an MLDv2 report")
    count = int.from_bytes(body[2:4], "big")
    records = []
    position = 4
    for _ in range(count):
        if position + 20 > len(body):
            raise MldError("truncated record")
        record_type, aux_words = body[position], body[position + 1]
        sources = int.from_bytes(body[position + 2:position + 4], "big")
        records.append((record_type, ipv6_to_text(body[position + 4:position + 20])))
        position += 20 + 16 * sources + 4 * aux_words
    if position > len(body):
        raise MldError("truncated record")
    return tuple(records)


def encode_v1_report(group: str, *, done: bool = False) -> Icmpv6Message:
    """RFC 2710 §3: a Multicast Listener Report (or Done) for `group`."""
    return Icmpv6Message(type=icmpv6.MLDV1_DONE if done else icmpv6.MLDV1_REPORT,
                         body=bytes(4) + ipv6_from_text(group, MldError))
