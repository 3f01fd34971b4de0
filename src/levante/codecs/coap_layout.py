"""Where a decoded CoAP message's parts lie in its datagram, and whether each registered
option's value has the length and format its option allows (RFC 7252 §5.4.3, §5.10).

The option encoding is canonical (a delta or length of 0-12 fits the nibble, 13-268 takes
one extension byte, 269 and up two), so each option's header size follows from the
decoded numbers alone: offsets are computed, the bytes are never walked a second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs.coap import HEADER_SIZE, CoapMessage
from levante.codecs.coap_errors import CoapOptionValueError
from levante.codecs.coap_options import (
    BLOCK_MAX_BYTES,
    OBSERVE_MAX_BYTES,
    OptionNumber,
    decode_block,
)

ONE_BYTE_FROM, TWO_BYTES_FROM = 13, 269

# RFC 7252 §5.10 (and RFC 7641 §2, RFC 7959 §2.1 and §4): each registered option's
# value length range.  A value outside it is treated as an unrecognised option
# (§5.4.3): for a critical option, 4.02 Bad Option.
VALUE_LENGTHS: dict[int, tuple[int, int]] = {
    OptionNumber.IF_MATCH: (0, 8),
    OptionNumber.URI_HOST: (1, 255),
    OptionNumber.ETAG: (1, 8),
    OptionNumber.IF_NONE_MATCH: (0, 0),
    OptionNumber.OBSERVE: (0, OBSERVE_MAX_BYTES),
    OptionNumber.URI_PORT: (0, 2),
    OptionNumber.LOCATION_PATH: (0, 255),
    OptionNumber.URI_PATH: (0, 255),
    OptionNumber.CONTENT_FORMAT: (0, 2),
    OptionNumber.MAX_AGE: (0, 4),
    OptionNumber.URI_QUERY: (0, 255),
    OptionNumber.ACCEPT: (0, 2),
    OptionNumber.LOCATION_QUERY: (0, 255),
    OptionNumber.BLOCK2: (0, BLOCK_MAX_BYTES),
    OptionNumber.BLOCK1: (0, BLOCK_MAX_BYTES),
    OptionNumber.SIZE2: (0, 4),
    OptionNumber.PROXY_URI: (1, 1034),
    OptionNumber.PROXY_SCHEME: (1, 255),
    OptionNumber.SIZE1: (0, 4),
}


@dataclass(frozen=True, slots=True)
class Layout:
    """The token's end (the header's length), each option value's offset in option
    order, and the payload's offset (the datagram's length when there is none)."""

    header_length: int
    value_offsets: tuple[int, ...]
    options_length: int
    payload_offset: int


def _extension_size(value: int) -> int:
    if value < ONE_BYTE_FROM:
        return 0
    return 1 if value < TWO_BYTES_FROM else 2


def layout(message: CoapMessage) -> Layout:
    """The offsets of a message `decode` returned, in the datagram it came from."""
    header_length = HEADER_SIZE + len(message.token)
    position = header_length
    previous = 0
    offsets = []
    for option in message.options:
        delta = option.number - previous
        position += 1 + _extension_size(delta) + _extension_size(len(option.value))
        offsets.append(position)
        position += len(option.value)
        previous = option.number
    options_length = position - header_length
    payload_offset = position + 1 if message.payload else position
    return Layout(header_length, tuple(offsets), options_length, payload_offset)


def check_option_values(message: CoapMessage) -> None:
    """Raise CoapOptionValueError for the first registered option whose value breaks its
    length range or format (a Block option with SZX 7)."""
    for option in message.options:
        bounds = VALUE_LENGTHS.get(option.number)
        if bounds is not None and not bounds[0] <= len(option.value) <= bounds[1]:
            raise CoapOptionValueError(
                f"option {option.number} value of {len(option.value)} bytes, "
                f"allowed {bounds[0]}-{bounds[1]}")
        if option.number in (OptionNumber.BLOCK1, OptionNumber.BLOCK2):
            decode_block(option.value)
