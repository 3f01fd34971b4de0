"""Sans-IO CoAP message codec (RFC 7252), with Block1/Block2 (RFC 7959) and Observe (RFC 7641).

Design note: option numbers are sent as deltas from the previous option. The sum is
checked against 65535 after every option, and every length is checked against the bytes
actually present before anything is sliced, so no claimed delta or length can wrap
(CVE-2020-10063) or make the codec read or allocate beyond the datagram it was given.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from levante.codecs.coap_errors import (
    CoapEncodeError,
    CoapError,
    CoapFormatError,
    CoapLimitError,
    CoapOptionValueError,
    CoapTruncatedError,
    CoapVersionError,
)
from levante.codecs.coap_options import (
    MAX_OPTION_NUMBER,
    Block,
    OptionNumber,
    decode_block,
    decode_observe,
    encode_block,
    encode_observe,
)

__all__ = [
    "Block", "CoapEncodeError", "CoapError", "CoapFormatError", "CoapLimitError", "CoapLimits",
    "CoapMessage", "CoapOption", "CoapOptionValueError", "CoapTruncatedError",
    "CoapVersionError", "MessageType", "OptionNumber", "decode", "encode", "encode_block",
    "encode_observe", "format_code",
]

VERSION = 1
HEADER_SIZE = 4
PAYLOAD_MARKER = 0xFF
# RFC 7252 §3: token lengths 9-15 are reserved.
MAX_TOKEN_LENGTH = 8
# RFC 7252 §3.1: nibble 13 adds one byte (value - 13), 14 adds two (value - 269), 15 is
# reserved for the payload marker.
ONE_BYTE_EXTENSION, TWO_BYTE_EXTENSION, RESERVED_NIBBLE = 13, 14, 15
ONE_BYTE_BASE, TWO_BYTE_BASE = 13, 269
MAX_OPTION_LENGTH = 0xFFFF + TWO_BYTE_BASE


class MessageType(enum.IntEnum):
    """RFC 7252 §3: the T field."""

    CONFIRMABLE = 0
    NON_CONFIRMABLE = 1
    ACKNOWLEDGEMENT = 2
    RESET = 3


@dataclass(frozen=True, slots=True)
class CoapLimits:
    """What one decode may accept; a message over any of these raises CoapLimitError."""

    max_message_size: int = 8192
    max_token_length: int = MAX_TOKEN_LENGTH
    max_options: int = 64


DEFAULT_LIMITS = CoapLimits()


@dataclass(frozen=True, slots=True)
class CoapOption:
    number: int
    value: bytes = b""


@dataclass(frozen=True, slots=True)
class CoapMessage:
    """One CoAP message; `code` is the 8-bit class.detail value (0x45 is 2.05 Content)."""

    type: MessageType
    code: int
    message_id: int
    token: bytes = b""
    options: tuple[CoapOption, ...] = ()
    payload: bytes = b""

    def option_values(self, number: int) -> list[bytes]:
        return [option.value for option in self.options if option.number == number]

    def _single(self, number: int) -> bytes | None:
        values = self.option_values(number)
        return values[0] if values else None

    @property
    def uri_path(self) -> list[str]:
        values = self.option_values(OptionNumber.URI_PATH)
        return [value.decode("utf-8", "replace") for value in values]

    @property
    def observe(self) -> int | None:
        value = self._single(OptionNumber.OBSERVE)
        return None if value is None else decode_observe(value)

    @property
    def block1(self) -> Block | None:
        value = self._single(OptionNumber.BLOCK1)
        return None if value is None else decode_block(value)

    @property
    def block2(self) -> Block | None:
        value = self._single(OptionNumber.BLOCK2)
        return None if value is None else decode_block(value)


def format_code(code: int) -> str:
    """RFC 7252 §3: "c.dd", the 3-bit class and the 5-bit detail."""
    return f"{code >> 5}.{code & 0x1F:02d}"


def _extended(nibble: int, data: bytes, position: int, end: int, what: str) -> tuple[int, int]:
    """(value, position after) for an option delta or length nibble (§3.1)."""
    if nibble < ONE_BYTE_EXTENSION:
        return nibble, position
    if nibble == ONE_BYTE_EXTENSION:
        if position >= end:
            raise CoapTruncatedError(f"message ends inside an extended option {what}")
        return data[position] + ONE_BYTE_BASE, position + 1
    if nibble == TWO_BYTE_EXTENSION:
        if position + 2 > end:
            raise CoapTruncatedError(f"message ends inside an extended option {what}")
        return ((data[position] << 8) | data[position + 1]) + TWO_BYTE_BASE, position + 2
    # §3.1: 15 is reserved except as the whole payload marker byte 0xFF.
    raise CoapFormatError(f"reserved option {what} nibble 15")


def decode(data: bytes, limits: CoapLimits = DEFAULT_LIMITS) -> CoapMessage:
    """One whole datagram → one message (§3), or a CoapError."""
    data = bytes(data)
    end = len(data)
    if end > limits.max_message_size:
        raise CoapLimitError(f"message of {end} bytes exceeds {limits.max_message_size}")
    # §3: Ver (2 bits), T (2 bits), TKL (4 bits), Code (8 bits), Message ID (16 bits).
    if end < HEADER_SIZE:
        raise CoapTruncatedError(f"message of {end} bytes is shorter than the 4-byte header")
    first = data[0]
    if first >> 6 != VERSION:
        raise CoapVersionError(f"version {first >> 6}, expected {VERSION}")
    message_type = MessageType((first >> 4) & 0x03)
    token_length = first & 0x0F
    code = data[1]
    message_id = (data[2] << 8) | data[3]
    if token_length > MAX_TOKEN_LENGTH:
        raise CoapFormatError(f"reserved token length {token_length}")
    if token_length > limits.max_token_length:
        raise CoapLimitError(f"token of {token_length} bytes exceeds {limits.max_token_length}")
    position = HEADER_SIZE + token_length
    if position > end:
        raise CoapTruncatedError("message ends inside the token")
    token = data[HEADER_SIZE:position]
    # §4.1: an Empty message (code 0.00) is the header alone; anything more is a format error.
    if code == 0 and end > HEADER_SIZE:
        raise CoapFormatError("Empty message with a token, options or payload")
    options: list[CoapOption] = []
    number = 0
    payload = b""
    while position < end:
        byte = data[position]
        position += 1
        # §3: the payload marker; a marker followed by a zero-length payload is an error.
        if byte == PAYLOAD_MARKER:
            if position == end:
                raise CoapFormatError("payload marker without a payload")
            payload = data[position:end]
            break
        delta, position = _extended(byte >> 4, data, position, end, "delta")
        length, position = _extended(byte & 0x0F, data, position, end, "length")
        number += delta
        if number > MAX_OPTION_NUMBER:
            raise CoapFormatError(f"option number {number} exceeds {MAX_OPTION_NUMBER}")
        if length > end - position:
            raise CoapTruncatedError(
                f"option {number} claims {length} bytes, {end - position} left"
            )
        if len(options) == limits.max_options:
            raise CoapLimitError(f"more than {limits.max_options} options")
        options.append(CoapOption(number, data[position : position + length]))
        position += length
    return CoapMessage(message_type, code, message_id, token, tuple(options), payload)


def _option_header_part(value: int) -> tuple[int, bytes]:
    """(nibble, extension bytes) for an option delta or length (§3.1)."""
    if value < ONE_BYTE_BASE:
        return value, b""
    if value < TWO_BYTE_BASE:
        return ONE_BYTE_EXTENSION, bytes((value - ONE_BYTE_BASE,))
    return TWO_BYTE_EXTENSION, (value - TWO_BYTE_BASE).to_bytes(2, "big")


def encode(message: CoapMessage) -> bytes:
    """The message's bytes; options go out sorted by number, repeats in their given order."""
    token = message.token
    if message.type not in (0, 1, 2, 3):
        raise CoapEncodeError(f"message type {message.type} is not 0..3")
    if not 0 <= message.code <= 0xFF:
        raise CoapEncodeError(f"code {message.code} does not fit a byte")
    if not 0 <= message.message_id <= 0xFFFF:
        raise CoapEncodeError(f"message ID {message.message_id} does not fit 16 bits")
    if len(token) > MAX_TOKEN_LENGTH:
        raise CoapEncodeError(f"token of {len(token)} bytes, at most {MAX_TOKEN_LENGTH}")
    if message.code == 0 and (token or message.options or message.payload):
        raise CoapEncodeError("an Empty message carries no token, options or payload")
    parts = [
        bytes((
            (VERSION << 6) | (message.type << 4) | len(token), message.code,
            message.message_id >> 8, message.message_id & 0xFF,
        )),
        token,
    ]
    previous = 0
    # sorted() is stable, so repeated options keep their order (§5.4.5).
    for option in sorted(message.options, key=lambda item: item.number):
        if not 0 <= option.number <= MAX_OPTION_NUMBER:
            raise CoapEncodeError(f"option number {option.number} is not in 0..65535")
        if len(option.value) > MAX_OPTION_LENGTH:
            raise CoapEncodeError(f"option {option.number} value is too long")
        delta_nibble, delta_bytes = _option_header_part(option.number - previous)
        length_nibble, length_bytes = _option_header_part(len(option.value))
        parts += (bytes(((delta_nibble << 4) | length_nibble,)), delta_bytes, length_bytes)
        parts.append(option.value)
        previous = option.number
    if message.payload:
        parts += (b"\xff", message.payload)
    return b"".join(parts)
