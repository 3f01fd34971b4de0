"""GDB's remote serial protocol, framing only (sans-IO): packets, checksums, acks.

Bytes from GDB go in through `receive`, which returns what they carried: packets (their
payload, checked) and interrupt requests (the 0x03 byte GDB sends for Ctrl-C).  Replies
are framed by `frame`.  The acknowledgements GDB expects (`+` for a good packet, `-` for a
damaged one, and the last packet again when GDB answers `-`) collect in an outbox the
transport sends with the replies.  After `QStartNoAckMode` neither side acknowledges.

Payloads stay as they were sent: escapes (`}`) belong to the binary data of the packets
that carry it (X, qXfer replies), and run-length encoding only to replies.
"""

from __future__ import annotations

from dataclasses import dataclass

INTERRUPT = 0x03
ESCAPE = 0x7D  # '}': the next byte is XORed with 0x20
_ESCAPED = frozenset(b"#$}*")
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")  # what binary data may not carry as itself
_MAX_RUN = 97  # the longest repeat count a printable character encodes (chr(29 + 97))
_FORBIDDEN_COUNTS = (6, 7)  # chr(29 + 6) is '#', chr(29 + 7) is '$'

# The largest packet payload this side accepts and says it accepts (qSupported).
PACKET_SIZE = 0x1000


class RspError(Exception):
    """A packet that makes no sense (the command layer answers it with an error)."""


@dataclass(frozen=True)
class Packet:
    """A packet whose checksum was right: its payload, escapes and all."""

    payload: bytes


@dataclass(frozen=True)
class Interrupt:
    """GDB asked the running target to stop (Ctrl-C)."""


Event = Packet | Interrupt


def checksum(payload: bytes) -> int:
    return sum(payload) & 0xFF


def escape_binary(data: bytes) -> bytes:
    """Binary data as a packet may carry it: '#', '$', '}' and '*' escaped."""
    out = bytearray()
    for byte in data:
        if byte in _ESCAPED:
            out += bytes((ESCAPE, byte ^ 0x20))
        else:
            out.append(byte)
    return bytes(out)


def unescape_binary(data: bytes) -> bytes:
    """The binary data of an X packet, escapes undone; a trailing lone '}' is refused."""
    out = bytearray()
    position = 0
    while position < len(data):
        byte = data[position]
        if byte == ESCAPE:
            if position + 1 >= len(data):
                raise RspError("binary data ends inside an escape")
            out.append(data[position + 1] ^ 0x20)
            position += 2
        else:
            out.append(byte)
            position += 1
    return bytes(out)


def run_length_encode(text: bytes) -> bytes:
    """A reply with runs of a character written as `c*n` (n = chr(29 + repeats)); for
    text replies only (hex), never for binary data, which may hold '*' itself."""
    out = bytearray()
    position = 0
    while position < len(text):
        byte = text[position]
        run = 1
        while position + run < len(text) and text[position + run] == byte:
            run += 1
        repeats = min(run - 1, _MAX_RUN)
        if repeats in _FORBIDDEN_COUNTS:
            repeats = 5
        if repeats >= 3:  # shorter runs cost no more written out
            out += bytes((byte, ord("*"), 29 + repeats))
            position += repeats + 1
        else:
            out.append(byte)
            position += 1
    return bytes(out)


class RspFraming:
    """One connection's framing state: packets being received, acknowledgements."""

    def __init__(self, max_payload: int = PACKET_SIZE) -> None:
        self.acknowledging = True
        self._max_payload = max_payload
        self._incoming: bytearray | None = None  # inside a packet: its payload so far
        self._checksum_digits: bytearray | None = None  # after '#': the checksum so far
        self._oversized = False
        self._outbox = bytearray()
        self._unacknowledged: bytes | None = None

    def receive(self, data: bytes) -> list[Event]:
        """What `data` completes: packets (acknowledged in the outbox) and interrupts."""
        events: list[Event] = []
        for byte in data:
            event = self._take(byte)
            if event is not None:
                events.append(event)
        return events

    def frame(self, payload: bytes) -> bytes:
        """`$payload#xx`, kept for a resend until GDB acknowledges it."""
        framed = b"$" + payload + b"#" + f"{checksum(payload):02x}".encode()
        if self.acknowledging:
            self._unacknowledged = framed
        return framed

    def stop_acknowledging(self) -> None:
        """QStartNoAckMode has been answered: from now on nothing is acknowledged."""
        self.acknowledging = False
        self._unacknowledged = None

    def data_to_send(self) -> bytes:
        """Acknowledgements and resends owed to GDB since the last call."""
        data = bytes(self._outbox)
        self._outbox.clear()
        return data

    def _take(self, byte: int) -> Event | None:
        if self._checksum_digits is not None:
            self._checksum_digits.append(byte)
            return self._finish() if len(self._checksum_digits) == 2 else None
        if byte == ord("$"):  # a new packet (even inside a damaged one: resynchronise)
            self._incoming, self._oversized = bytearray(), False
            return None
        if self._incoming is not None:
            if byte == ord("#"):
                self._checksum_digits = bytearray()
            elif len(self._incoming) < self._max_payload:
                self._incoming.append(byte)
            else:
                self._oversized = True
            return None
        if byte == INTERRUPT:
            return Interrupt()
        if byte == ord("+"):
            self._unacknowledged = None
        elif byte == ord("-") and self._unacknowledged is not None:
            self._outbox += self._unacknowledged
        return None  # anything else between packets is line noise

    def _finish(self) -> Event | None:
        assert self._incoming is not None and self._checksum_digits is not None
        payload, digits = bytes(self._incoming), bytes(self._checksum_digits)
        self._incoming = self._checksum_digits = None
        good = (all(digit in _HEX_DIGITS for digit in digits)
                and int(digits, 16) == checksum(payload) and not self._oversized)
        if self.acknowledging:
            self._outbox += b"+" if good else b"-"
        return Packet(payload) if good else None
