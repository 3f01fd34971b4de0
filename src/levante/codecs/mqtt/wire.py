"""MQTT data representations: integers, variable byte integers, UTF-8 strings, binary data.

Decoding goes through `Reader`, a cursor over one packet's bytes that can never read past
the end it was given; every shortfall becomes an `MqttMalformedError`.
"""

from __future__ import annotations

from levante.codecs.mqtt.errors import MqttEncodeError, MqttMalformedError

# MQTT 3.1.1 §2.2.3 / 5.0 §1.5.5: at most four bytes of seven bits each.
VBI_MAX = 268_435_455
VBI_MAX_BYTES = 4
# MQTT 5.0 §1.5.4 / 3.1.1 §1.5.3: strings and binary data carry a two-byte length.
FIELD_MAX = 0xFFFF


class Reader:
    """A bounded cursor over one packet's variable header and payload."""

    __slots__ = ("data", "position", "end")

    def __init__(self, data: bytes, position: int = 0, end: int | None = None) -> None:
        self.data = data
        self.position = position
        self.end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        return self.end - self.position

    def _need(self, count: int, what: str) -> int:
        start = self.position
        if self.end - start < count:
            raise MqttMalformedError(f"packet ends inside {what}")
        self.position = start + count
        return start

    def byte(self, what: str = "a byte field") -> int:
        return self.data[self._need(1, what)]

    def u16(self, what: str = "a two-byte integer") -> int:
        start = self._need(2, what)
        return (self.data[start] << 8) | self.data[start + 1]

    def u32(self, what: str = "a four-byte integer") -> int:
        start = self._need(4, what)
        return int.from_bytes(self.data[start : start + 4], "big")

    def take(self, count: int, what: str) -> bytes:
        start = self._need(count, what)
        return bytes(self.data[start : start + count])

    def rest(self) -> bytes:
        start, self.position = self.position, self.end
        return bytes(self.data[start : self.end])

    def variable_byte_integer(self, what: str = "a variable byte integer") -> int:
        value, self.position = decode_variable_byte_integer(
            self.data, self.position, self.end, what
        )
        return value

    def binary(self, what: str = "binary data") -> bytes:
        return self.take(self.u16(what), what)

    def string(self, what: str = "a UTF-8 string") -> str:
        length = self.u16(what)
        start = self._need(length, what)
        return decode_utf8(self.data[start : start + length], what)


def decode_variable_byte_integer(
    data: bytes, position: int, end: int, what: str = "a variable byte integer"
) -> tuple[int, int]:
    """(value, position after it); at most four bytes, minimal encoding only."""
    value = 0
    shift = 0
    for index in range(VBI_MAX_BYTES):
        if position + index >= end:
            raise MqttMalformedError(f"packet ends inside {what}")
        digit = data[position + index]
        value |= (digit & 0x7F) << shift
        if not digit & 0x80:
            # MQTT 5.0 §1.5.5: the value must use the fewest bytes possible, so a
            # trailing zero digit after the first byte is a second spelling of a value.
            if digit == 0 and index > 0:
                raise MqttMalformedError(f"{what} is not minimally encoded")
            return value, position + index + 1
        shift += 7
    # CVE-2020-10062: a fifth byte would push the value past 28 bits.
    raise MqttMalformedError(f"{what} is longer than {VBI_MAX_BYTES} bytes")


def encode_variable_byte_integer(value: int) -> bytes:
    if not 0 <= value <= VBI_MAX:
        raise MqttEncodeError(f"{value} does not fit a variable byte integer")
    if value < 0x80:
        return bytes((value,))
    digits = bytearray()
    while True:
        digit = value & 0x7F
        value >>= 7
        if value:
            digits.append(digit | 0x80)
        else:
            digits.append(digit)
            return bytes(digits)


def decode_utf8(raw: bytes, what: str = "a UTF-8 string") -> str:
    """MQTT 5.0 §1.5.4: well-formed UTF-8, no surrogates (ill-formed), no U+0000."""
    try:
        # Python's strict codec already refuses overlongs and encoded surrogates.
        text = str(raw, "utf-8")
    except UnicodeDecodeError as error:
        raise MqttMalformedError(f"{what} is not well-formed UTF-8: {error.reason}") from None
    if "\x00" in text:
        raise MqttMalformedError(f"{what} contains U+0000")
    return text


def encode_utf8(text: str, what: str = "a UTF-8 string") -> bytes:
    if "\x00" in text:
        raise MqttEncodeError(f"{what} contains U+0000")
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        raise MqttEncodeError(f"{what} contains a lone surrogate") from None
    return length_prefixed(raw, what)


def length_prefixed(raw: bytes, what: str = "binary data") -> bytes:
    if len(raw) > FIELD_MAX:
        raise MqttEncodeError(f"{what} is longer than {FIELD_MAX} bytes")
    return len(raw).to_bytes(2, "big") + raw


def encode_u16(value: int, what: str) -> bytes:
    if not 0 <= value <= 0xFFFF:
        raise MqttEncodeError(f"{what} {value} does not fit two bytes")
    return value.to_bytes(2, "big")


def encode_u32(value: int, what: str) -> bytes:
    if not 0 <= value <= 0xFFFF_FFFF:
        raise MqttEncodeError(f"{what} {value} does not fit four bytes")
    return value.to_bytes(4, "big")


def encode_byte(value: int, what: str) -> bytes:
    if not 0 <= value <= 0xFF:
        raise MqttEncodeError(f"{what} {value} does not fit a byte")
    return bytes((value,))
