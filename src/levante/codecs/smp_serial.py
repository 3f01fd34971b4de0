"""SMP's serial framing (MCUmgr over a console UART): SMP frames carried as base64 text
lines among the console's own bytes.

A packet is `length (16 bits, big-endian) | SMP frame | CRC16 (big-endian)`, where the
length counts the frame and the CRC, and the CRC is CRC16-CCITT (polynomial 0x1021,
initial value 0, as XMODEM) over the frame.  The packet is base64 encoded and cut into
lines: the first starts with the octets 0x06 0x09, each later one with 0x04 0x14, and
every line ends with a newline; a line is at most 127 octets, its base64 a multiple of
four characters so that each line decodes alone.  Bytes outside such lines belong to
the console (the shell) and pass through untouched.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass, field

from levante.codecs.smp import SmpError

START = b"\x06\x09"
CONTINUATION = b"\x04\x14"
MAX_LINE = 127  # octets of one line: marker, base64, newline
_LENGTH = struct.Struct("!H")


class SmpSerialError(SmpError):
    """A serial packet this codec refuses."""


def crc16(data: bytes) -> int:
    """CRC16-CCITT, polynomial 0x1021, initial value 0, no reflection (XMODEM)."""
    crc = 0
    for octet in data:
        crc ^= octet << 8
        for _ in range(8):
            crc = (crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1
        crc &= 0xFFFF
    return crc


def encode(frame: bytes, max_line: int = MAX_LINE) -> bytes:
    """The lines that carry `frame`."""
    packet = _LENGTH.pack(len(frame) + 2) + frame + _LENGTH.pack(crc16(frame))
    text = base64.b64encode(packet)
    per_line = (max_line - len(START) - 1) // 4 * 4
    lines = []
    for index, start in enumerate(range(0, len(text), per_line)):
        marker = START if index == 0 else CONTINUATION
        lines.append(marker + text[start:start + per_line] + b"\n")
    return b"".join(lines)


@dataclass
class SerialEvents:
    """What one chunk of console bytes held: the console's own bytes and whole frames."""

    console: bytes = b""
    frames: list[bytes] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line per packet dropped


class SerialDecoder:
    """Reassembles SMP packets from console bytes, chunk by chunk.

    A packet may not exceed `max_frame` octets of SMP frame; a line longer than
    MAX_LINE, bad base64, a length beyond the bound or a CRC mismatch drops the packet
    being assembled (reported in `refused`), never the console's bytes.
    """

    def __init__(self, max_frame: int) -> None:
        self.max_frame = max_frame
        self._line: bytearray | None = None  # a marked line being read
        self._marker_half = False  # the octet before was a marker's first one
        self._marker_first = 0  # that octet
        self._packet = bytearray()  # the decoded octets of the packet so far
        self._expected: int | None = None  # the packet's length field, once read

    def feed(self, data: bytes) -> SerialEvents:
        events = SerialEvents()
        console = bytearray()
        for octet in data:
            if self._line is not None:
                if octet == 0x0A:
                    line, self._line = bytes(self._line), None
                    self._take_line(line, events)
                elif len(self._line) >= MAX_LINE:
                    self._line = None
                    self._drop(events, f"a line over {MAX_LINE} octets")
                else:
                    self._line.append(octet)
                continue
            if self._marker_half:
                self._marker_half = False
                pair = bytes((self._marker_first, octet))
                if pair in (START, CONTINUATION):
                    self._line = bytearray(pair)
                    continue
                console.append(self._marker_first)
            if octet in (START[0], CONTINUATION[0]):
                self._marker_half, self._marker_first = True, octet
                continue
            console.append(octet)
        events.console = bytes(console)
        return events

    def _take_line(self, line: bytes, events: SerialEvents) -> None:
        marker, text = line[:2], line[2:].rstrip(b"\r")
        if marker == START:
            self._packet.clear()
            self._expected = None
        elif self._expected is None:
            return  # a continuation with no packet begun: not ours to judge
        try:
            self._packet += base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            self._drop(events, "bad base64")
            return
        if self._expected is None and len(self._packet) >= _LENGTH.size:
            (self._expected,) = _LENGTH.unpack_from(self._packet)
            if not 2 < self._expected <= self.max_frame + 2:
                self._drop(events, f"a packet length of {self._expected}")
                return
        if self._expected is None:
            return
        body = len(self._packet) - _LENGTH.size
        if body > self._expected:
            self._drop(events, "more octets than the packet's length")
        elif body == self._expected:
            frame = bytes(self._packet[_LENGTH.size:-2])
            (sent,) = _LENGTH.unpack_from(self._packet, len(self._packet) - 2)
            self._packet.clear()
            self._expected = None
            if crc16(frame) != sent:
                events.refused.append("a CRC mismatch")
            else:
                events.frames.append(frame)

    def _drop(self, events: SerialEvents, reason: str) -> None:
        events.refused.append(reason)
        self._packet.clear()
        self._expected = None
