"""Classic libpcap capture files, read sans-IO: feed bytes, get records (Ethernet only).

Format (libpcap's savefile, described in draft-ietf-opsawg-pcap): a 24-byte file header
whose magic number gives the byte order and the timestamp resolution, then records of a
16-byte header and the captured bytes. A record that cannot be trusted becomes a
`PcapRecordError` event for that frame; only a bad file header raises `PcapError`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from levante.codecs.errors import CodecError

MAGIC_MICROSECONDS = 0xA1B2C3D4
MAGIC_NANOSECONDS = 0xA1B23C4D
LINKTYPE_ETHERNET = 1
FILE_HEADER_LENGTH = 24
RECORD_HEADER_LENGTH = 16
# libpcap's MAXIMUM_SNAPLEN: no valid record is longer, whatever the header claims.
MAX_RECORD_LENGTH = 262_144
_LINK_TYPE_MASK = 0x0FFF_FFFF  # the high bits may carry FCS information, not the type
_LINK_TYPE_NAMES = {0: "NULL", 101: "RAW", 105: "IEEE802_11", 113: "LINUX_SLL",
                    127: "IEEE802_11_RADIOTAP", 276: "LINUX_SLL2"}


class PcapError(CodecError):
    """A capture file that cannot be read at all."""

    protocol = "pcap"


@dataclass(frozen=True, kw_only=True)
class PcapHeader:
    byte_order: str  # "little" or "big"
    nanoseconds: bool
    version_major: int
    version_minor: int
    snaplen: int
    link_type: int


@dataclass(frozen=True, kw_only=True)
class PcapRecord:
    """One captured frame; `number` counts from 1, `fraction` is µs or ns by the header."""

    number: int
    seconds: int
    fraction: int
    original_length: int
    data: bytes


@dataclass(frozen=True, kw_only=True)
class PcapRecordError:
    """A record that could not be read: its number and the problem."""

    number: int
    message: str


PcapEvent = PcapRecord | PcapRecordError


class PcapReader:
    """Incremental reader: `feed` chunks of the file, then `close` at its end."""

    def __init__(self, *, max_record_length: int = MAX_RECORD_LENGTH) -> None:
        self.max_record_length = max_record_length
        self.header: PcapHeader | None = None
        self._buffer = bytearray()
        self._record = struct.Struct("<IIII")
        self._number = 0
        self._stopped = False  # after a record whose length cannot be trusted

    def feed(self, chunk: bytes) -> list[PcapEvent]:
        """Add bytes; return every record now complete. Raises `PcapError` for a bad
        file header."""
        if self._stopped:
            return []
        self._buffer += chunk
        events: list[PcapEvent] = []
        if self.header is None:
            if len(self._buffer) < FILE_HEADER_LENGTH:
                return events
            self.header = self._read_file_header(bytes(self._buffer[:FILE_HEADER_LENGTH]))
            del self._buffer[:FILE_HEADER_LENGTH]
        offset = 0
        buffer = self._buffer
        snaplen = self.header.snaplen
        while len(buffer) - offset >= RECORD_HEADER_LENGTH and not self._stopped:
            seconds, fraction, captured, original = self._record.unpack_from(buffer, offset)
            problem = self._check_lengths(captured, original, snaplen)
            if problem is not None and self._stopped:
                self._number += 1
                events.append(PcapRecordError(number=self._number, message=problem))
                break
            end = offset + RECORD_HEADER_LENGTH + captured
            if end > len(buffer):
                break  # wait for the rest of the record
            self._number += 1
            if problem is not None:
                events.append(PcapRecordError(number=self._number, message=problem))
            else:
                events.append(PcapRecord(
                    number=self._number, seconds=seconds, fraction=fraction,
                    original_length=original,
                    data=bytes(buffer[offset + RECORD_HEADER_LENGTH:end]),
                ))
            offset = end
        del buffer[:offset]
        if self._stopped:
            buffer.clear()
        return events

    def close(self) -> list[PcapEvent]:
        """The end of the file: leftover bytes are a truncated record (or header)."""
        if self._stopped or not self._buffer and self.header is not None:
            return []
        if self.header is None:
            raise PcapError(
                f"truncated file header: {len(self._buffer)} bytes, need {FILE_HEADER_LENGTH}"
            )
        self._number += 1
        leftover = len(self._buffer)
        self._buffer.clear()
        self._stopped = True
        return [PcapRecordError(
            number=self._number, message=f"truncated record: file ends {leftover} bytes into it"
        )]

    def _read_file_header(self, raw: bytes) -> PcapHeader:
        # The magic number is written in the writer's byte order: read it both ways.
        orders: tuple[Literal["little", "big"], ...] = ("little", "big")
        for byte_order in orders:
            magic = int.from_bytes(raw[:4], byte_order)
            if magic in (MAGIC_MICROSECONDS, MAGIC_NANOSECONDS):
                break
        else:
            raise PcapError(
                f"not a libpcap file (magic {raw[:4].hex()}; pcapng is not supported)"
            )
        prefix = "<" if byte_order == "little" else ">"
        self._record = struct.Struct(prefix + "IIII")
        major, minor, _zone, _sigfigs, snaplen, link = struct.unpack(prefix + "HHiIII", raw[4:])
        if major != 2:
            raise PcapError(f"unsupported pcap version {major}.{minor}, expected 2.x")
        link_type = link & _LINK_TYPE_MASK
        if link_type != LINKTYPE_ETHERNET:
            name = _LINK_TYPE_NAMES.get(link_type, "unknown")
            raise PcapError(
                f"link type {link_type} ({name}) is not supported: only Ethernet (1)"
            )
        return PcapHeader(byte_order=byte_order, nanoseconds=magic == MAGIC_NANOSECONDS,
                          version_major=major, version_minor=minor, snaplen=snaplen,
                          link_type=link_type)

    def _check_lengths(self, captured: int, original: int, snaplen: int) -> str | None:
        if captured > self.max_record_length:
            # A length this large means the framing is lost: later records cannot be found.
            self._stopped = True
            return (f"captured length {captured} exceeds the limit of "
                    f"{self.max_record_length}; the rest of the file is unreadable")
        if snaplen and captured > snaplen:
            return f"captured length {captured} exceeds the snapshot length {snaplen}"
        if captured > original:
            return f"captured length {captured} exceeds the original length {original}"
        return None


def read_pcap(data: bytes) -> tuple[PcapHeader, list[PcapEvent]]:
    """A whole capture file in memory → its header and events."""
    reader = PcapReader()
    events = reader.feed(data) + reader.close()
    if reader.header is None:  # unreachable: close() raises first; this satisfies the types
        raise PcapError("no file header")
    return reader.header, events


def file_header(*, nanoseconds: bool = False, byte_order: str = "little",
                snaplen: int = 65_535) -> bytes:
    """The 24-byte file header of a capture with Ethernet link type."""
    prefix = "<" if byte_order == "little" else ">"
    magic = MAGIC_NANOSECONDS if nanoseconds else MAGIC_MICROSECONDS
    return struct.pack(prefix + "IHHiIII", magic, 2, 4, 0, 0, snaplen, LINKTYPE_ETHERNET)


def record(seconds: int, fraction: int, frame: bytes, *, byte_order: str = "little") -> bytes:
    """One record: its 16-byte header (the whole frame captured) and the frame."""
    prefix = "<" if byte_order == "little" else ">"
    return struct.pack(prefix + "IIII", seconds, fraction, len(frame), len(frame)) + frame


def write_pcap(frames: Iterable[tuple[int, int, bytes]], *, nanoseconds: bool = False,
               byte_order: str = "little", snaplen: int = 65_535) -> bytes:
    """(seconds, fraction, frame) triples → a libpcap file with Ethernet link type."""
    out = bytearray(file_header(nanoseconds=nanoseconds, byte_order=byte_order,
                                snaplen=snaplen))
    for seconds, fraction, frame in frames:
        out += record(seconds, fraction, frame, byte_order=byte_order)
    return bytes(out)
