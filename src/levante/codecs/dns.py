"""DNS messages (RFC 1035 §4): header, questions and resource records, both ways.

Names are text ('example.com', '' for the root), labels joined by '.'. Decoding follows
compression pointers (RFC 1035 §4.1.4) only backwards, so a message cannot make a loop,
and keeps every name within 255 octets and every label within 63; a label holding a
'.' or an octet outside printable ASCII is refused rather than given an ambiguous text
form. The record data a resolver reads is typed: `address` for A and AAAA, `target` for
the names of CNAME, NS and PTR (expanded, since they may be compressed); other types
keep their raw `data`. Encoding writes names uncompressed.
"""

from __future__ import annotations

import enum
import ipaddress
import struct
from dataclasses import dataclass

from levante.codecs.addresses import ipv4_from_text, ipv4_to_text
from levante.codecs.errors import CodecError

PORT = 53
HEADER_LENGTH = 12
# RFC 1035 §4.2.1: 512 octets over UDP without EDNS; RFC 6891 §6.2.5 lets a requester
# offer more. Decoding accepts up to the largest UDP payload, nothing longer.
UDP_PAYLOAD_LIMIT = 512
MAX_MESSAGE_LENGTH = 65_535
MAX_NAME_LENGTH = 255   # RFC 1035 §2.3.4, in wire octets
MAX_LABEL_LENGTH = 63
# Records per section decoded at most: a stub resolver and a forwarder need few, and
# the bound keeps the work of one hostile message small whatever its counts claim.
MAX_RECORDS_PER_SECTION = 64

_HEADER = struct.Struct("!HHHHHH")
_RECORD_FIXED = struct.Struct("!HHIH")


class DnsError(CodecError):
    """A malformed or unacceptable DNS message."""

    protocol = "dns"


class RecordType(enum.IntEnum):
    """TYPE and QTYPE values a stub resolver meets (RFC 1035 §3.2.2, RFC 3596, RFC 6891)."""

    A = 1
    NS = 2
    CNAME = 5
    SOA = 6
    PTR = 12
    MX = 15
    TXT = 16
    AAAA = 28
    SRV = 33
    OPT = 41
    ANY = 255


CLASS_INTERNET = 1


class Opcode(enum.IntEnum):
    QUERY = 0
    INVERSE_QUERY = 1
    STATUS = 2


class ResponseCode(enum.IntEnum):
    """RCODE (RFC 1035 §4.1.1)."""

    NO_ERROR = 0
    FORMAT_ERROR = 1
    SERVER_FAILURE = 2
    NAME_ERROR = 3        # NXDOMAIN
    NOT_IMPLEMENTED = 4
    REFUSED = 5


_NAME_TYPES = (RecordType.CNAME, RecordType.NS, RecordType.PTR)


@dataclass(frozen=True, kw_only=True)
class Question:
    name: str
    record_type: int
    record_class: int = CLASS_INTERNET


@dataclass(frozen=True, kw_only=True)
class ResourceRecord:
    """One record. A/AAAA carry `address` (text), CNAME/NS/PTR `target` (a name); other
    types carry `data`, their RDATA as it was on the wire."""

    name: str
    record_type: int
    record_class: int = CLASS_INTERNET
    ttl: int = 0
    address: str | None = None
    target: str | None = None
    data: bytes = b""


@dataclass(frozen=True, kw_only=True)
class DnsMessage:
    identifier: int
    is_response: bool = False
    opcode: int = Opcode.QUERY
    authoritative: bool = False
    truncated: bool = False
    recursion_desired: bool = False
    recursion_available: bool = False
    response_code: int = ResponseCode.NO_ERROR
    questions: tuple[Question, ...] = ()
    answers: tuple[ResourceRecord, ...] = ()
    authorities: tuple[ResourceRecord, ...] = ()
    additionals: tuple[ResourceRecord, ...] = ()


def same_name(first: str, second: str) -> bool:
    """RFC 1035 §2.3.3 / RFC 4343: names compare without regard to ASCII case."""
    return first.lower().rstrip(".") == second.lower().rstrip(".")


# --- Decoding -----------------------------------------------------------------------


def decode(data: bytes) -> DnsMessage:
    """Bytes → `DnsMessage`; anything malformed raises `DnsError`. Octets after the last
    record are refused too (a message is exactly its sections)."""
    if len(data) > MAX_MESSAGE_LENGTH:
        raise DnsError(f"message of {len(data)} octets exceeds {MAX_MESSAGE_LENGTH}")
    if len(data) < HEADER_LENGTH:
        raise DnsError(f"truncated header: {len(data)} octets, need {HEADER_LENGTH}")
    identifier, flags, qdcount, ancount, nscount, arcount = _HEADER.unpack_from(data)
    for section, count in (("question", qdcount), ("answer", ancount),
                           ("authority", nscount), ("additional", arcount)):
        if count > MAX_RECORDS_PER_SECTION:
            raise DnsError(f"{count} {section} records exceed {MAX_RECORDS_PER_SECTION}")
    position = HEADER_LENGTH
    questions = []
    for _ in range(qdcount):
        name, position = _read_name(data, position)
        if position + 4 > len(data):
            raise DnsError("truncated question")
        record_type, record_class = struct.unpack_from("!HH", data, position)
        position += 4
        questions.append(Question(name=name, record_type=record_type,
                                  record_class=record_class))
    sections: list[tuple[ResourceRecord, ...]] = []
    for count in (ancount, nscount, arcount):
        records = []
        for _ in range(count):
            record, position = _read_record(data, position)
            records.append(record)
        sections.append(tuple(records))
    if position != len(data):
        raise DnsError(f"{len(data) - position} octets after the last record")
    return DnsMessage(
        identifier=identifier, is_response=bool(flags & 0x8000), opcode=(flags >> 11) & 0xF,
        authoritative=bool(flags & 0x0400), truncated=bool(flags & 0x0200),
        recursion_desired=bool(flags & 0x0100), recursion_available=bool(flags & 0x0080),
        response_code=flags & 0xF, questions=tuple(questions), answers=sections[0],
        authorities=sections[1], additionals=sections[2],
    )


def _read_name(data: bytes, position: int) -> tuple[str, int]:
    """The name at `position` and the position after it (after its first pointer)."""
    labels: list[str] = []
    wire_length = 1  # the root's zero octet
    resume: int | None = None
    floor = position  # a pointer must go strictly before where this part started
    while True:
        if position >= len(data):
            raise DnsError("name runs past the end of the message")
        length = data[position]
        if length & 0xC0 == 0xC0:
            if position + 1 >= len(data):
                raise DnsError("truncated compression pointer")
            target = ((length & 0x3F) << 8) | data[position + 1]
            if target >= floor:
                raise DnsError(f"compression pointer to {target} does not point back")
            if resume is None:
                resume = position + 2
            position = floor = target
            continue
        if length & 0xC0:
            raise DnsError(f"label type {length >> 6:#x} is not supported")
        position += 1
        if length == 0:
            return ".".join(labels), resume if resume is not None else position
        if position + length > len(data):
            raise DnsError("label runs past the end of the message")
        wire_length += 1 + length
        if wire_length > MAX_NAME_LENGTH:
            raise DnsError(f"name longer than {MAX_NAME_LENGTH} octets")
        raw = data[position:position + length]
        if not all(0x21 <= octet <= 0x7E and octet != 0x2E for octet in raw):
            raise DnsError(f"label {raw!r} has a '.', a space or an octet outside ASCII")
        labels.append(raw.decode("ascii"))
        position += length


def _read_record(data: bytes, position: int) -> tuple[ResourceRecord, int]:
    name, position = _read_name(data, position)
    if position + _RECORD_FIXED.size > len(data):
        raise DnsError("truncated resource record")
    record_type, record_class, ttl, rdlength = _RECORD_FIXED.unpack_from(data, position)
    position += _RECORD_FIXED.size
    end = position + rdlength
    if end > len(data):
        raise DnsError(f"record data of {rdlength} octets runs past the end")
    rdata = data[position:end]
    address = target = None
    if record_type == RecordType.A and record_class == CLASS_INTERNET:
        if rdlength != 4:
            raise DnsError(f"A record data of {rdlength} octets, not 4")
        address = ipv4_to_text(rdata)
    elif record_type == RecordType.AAAA and record_class == CLASS_INTERNET:
        if rdlength != 16:
            raise DnsError(f"AAAA record data of {rdlength} octets, not 16")
        address = ipaddress.IPv6Address(rdata).compressed
    elif record_type in _NAME_TYPES:
        target, after = _read_name(data, position)
        if after != end:
            raise DnsError("record data longer or shorter than its name")
    typed = address is not None or target is not None
    return ResourceRecord(name=name, record_type=record_type, record_class=record_class,
                          ttl=ttl, address=address, target=target,
                          data=b"" if typed else bytes(rdata)), end


# --- Encoding -----------------------------------------------------------------------


def encode(message: DnsMessage) -> bytes:
    """`DnsMessage` → bytes (names uncompressed)."""
    for name, value, limit in (("identifier", message.identifier, 0xFFFF),
                               ("opcode", message.opcode, 0xF),
                               ("response code", message.response_code, 0xF)):
        if not 0 <= value <= limit:
            raise DnsError(f"{name} {value} outside 0..{limit}")
    sections = (message.questions, message.answers, message.authorities,
                message.additionals)
    if any(len(section) > MAX_RECORDS_PER_SECTION for section in sections):
        raise DnsError(f"a section has more than {MAX_RECORDS_PER_SECTION} records")
    flags = ((message.is_response << 15) | (message.opcode << 11)
             | (message.authoritative << 10) | (message.truncated << 9)
             | (message.recursion_desired << 8) | (message.recursion_available << 7)
             | message.response_code)
    out = bytearray(_HEADER.pack(message.identifier, flags,
                                 *(len(section) for section in sections)))
    for question in message.questions:
        out += encode_name(question.name)
        out += struct.pack("!HH", _u16(question.record_type, "type"),
                           _u16(question.record_class, "class"))
    for record in message.answers + message.authorities + message.additionals:
        rdata = _record_data(record)
        if len(rdata) > 0xFFFF:
            raise DnsError("record data over 65535 octets")
        if not 0 <= record.ttl <= 0xFFFF_FFFF:
            raise DnsError(f"TTL {record.ttl} outside 0..2^32-1")
        out += encode_name(record.name)
        out += _RECORD_FIXED.pack(_u16(record.record_type, "type"),
                                  _u16(record.record_class, "class"), record.ttl, len(rdata))
        out += rdata
    if len(out) > MAX_MESSAGE_LENGTH:
        raise DnsError(f"message of {len(out)} octets exceeds {MAX_MESSAGE_LENGTH}")
    return bytes(out)


def encode_name(name: str) -> bytes:
    """'example.com' → its wire form (a trailing '.' is allowed; '' is the root)."""
    text = name[:-1] if name.endswith(".") else name
    out = bytearray()
    for label in text.split(".") if text else ():
        if not label or len(label) > MAX_LABEL_LENGTH:
            raise DnsError(f"name {name!r}: a label is empty or over {MAX_LABEL_LENGTH} octets")
        if not all("!" <= char <= "~" for char in label):
            raise DnsError(f"name {name!r}: a label has a space or a character outside ASCII")
        raw = label.encode("ascii")
        out += bytes([len(raw)]) + raw
    out.append(0)
    if len(out) > MAX_NAME_LENGTH:
        raise DnsError(f"name {name!r} is longer than {MAX_NAME_LENGTH} octets")
    return bytes(out)


def _record_data(record: ResourceRecord) -> bytes:
    if record.record_type == RecordType.A and record.address is not None:
        return ipv4_from_text(record.address, DnsError)
    if record.record_type == RecordType.AAAA and record.address is not None:
        try:
            return ipaddress.IPv6Address(record.address).packed
        except ValueError:
            raise DnsError(f"bad IPv6 address {record.address!r}") from None
    if record.record_type in _NAME_TYPES and record.target is not None:
        return encode_name(record.target)
    if record.address is not None or record.target is not None:
        raise DnsError(f"type {record.record_type} record cannot carry an address or target")
    return record.data


def _u16(value: int, what: str) -> int:
    if not 0 <= value <= 0xFFFF:
        raise DnsError(f"{what} {value} outside 0..65535")
    return value
