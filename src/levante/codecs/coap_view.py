"""CoAP messages as a person reads them (`levante decode coap`): the code's name, each
option's name and value in its format, per the registries.

RFC 7252 §12.1 (method and response codes), §5.10 (options and their formats: empty,
opaque, uint, string), §12.3 (content formats); Observe (RFC 7641 §2), Block1/Block2 and
Size2 (RFC 7959 §2.1, §4), 2.31 and 4.08 (RFC 7959 §2.9), FETCH/PATCH/iPATCH (RFC 8132).
"""

from __future__ import annotations

from typing import Any

from levante.codecs.coap import CoapMessage, CoapOption, format_code
from levante.codecs.coap_errors import CoapOptionValueError
from levante.codecs.coap_options import OptionNumber, decode_block, decode_uint

CODE_NAMES = {
    0x00: "Empty", 0x01: "GET", 0x02: "POST", 0x03: "PUT", 0x04: "DELETE",
    0x05: "FETCH", 0x06: "PATCH", 0x07: "iPATCH",
    0x41: "Created", 0x42: "Deleted", 0x43: "Valid", 0x44: "Changed", 0x45: "Content",
    0x5F: "Continue",
    0x80: "Bad Request", 0x81: "Unauthorized", 0x82: "Bad Option", 0x83: "Forbidden",
    0x84: "Not Found", 0x85: "Method Not Allowed", 0x86: "Not Acceptable",
    0x88: "Request Entity Incomplete", 0x8C: "Precondition Failed",
    0x8D: "Request Entity Too Large", 0x8F: "Unsupported Content-Format",
    0xA0: "Internal Server Error", 0xA1: "Not Implemented", 0xA2: "Bad Gateway",
    0xA3: "Service Unavailable", 0xA4: "Gateway Timeout", 0xA5: "Proxying Not Supported",
}

# Option name and value format.
OPTIONS: dict[int, tuple[str, str]] = {
    OptionNumber.IF_MATCH: ("If-Match", "opaque"),
    OptionNumber.URI_HOST: ("Uri-Host", "string"),
    OptionNumber.ETAG: ("ETag", "opaque"),
    OptionNumber.IF_NONE_MATCH: ("If-None-Match", "empty"),
    OptionNumber.OBSERVE: ("Observe", "uint"),
    OptionNumber.URI_PORT: ("Uri-Port", "uint"),
    OptionNumber.LOCATION_PATH: ("Location-Path", "string"),
    OptionNumber.URI_PATH: ("Uri-Path", "string"),
    OptionNumber.CONTENT_FORMAT: ("Content-Format", "format"),
    OptionNumber.MAX_AGE: ("Max-Age", "uint"),
    OptionNumber.URI_QUERY: ("Uri-Query", "string"),
    OptionNumber.ACCEPT: ("Accept", "format"),
    OptionNumber.LOCATION_QUERY: ("Location-Query", "string"),
    OptionNumber.BLOCK2: ("Block2", "block"),
    OptionNumber.BLOCK1: ("Block1", "block"),
    OptionNumber.SIZE2: ("Size2", "uint"),
    OptionNumber.PROXY_URI: ("Proxy-Uri", "string"),
    OptionNumber.PROXY_SCHEME: ("Proxy-Scheme", "string"),
    OptionNumber.SIZE1: ("Size1", "uint"),
}

CONTENT_FORMATS = {
    0: "text/plain;charset=utf-8", 40: "application/link-format", 41: "application/xml",
    42: "application/octet-stream", 47: "application/exi", 50: "application/json",
    60: "application/cbor",
}
_UINT_BYTES = 4  # the longest uint option (RFC 7252 §5.10: 0-4 bytes)


def describe_code(code: int) -> str:
    """"0.01 GET", "2.05 Content", or "c.dd" alone for an unassigned code."""
    name = CODE_NAMES.get(code)
    return f"{format_code(code)} {name}" if name else format_code(code)


def _value(option: CoapOption, kind: str) -> Any:
    value = option.value
    if kind == "string":
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"invalid_utf8": value.hex()}
    if kind in ("uint", "format"):
        number = decode_uint(value, _UINT_BYTES, "option value")
        if kind == "format":
            return {"number": number, "name": CONTENT_FORMATS.get(number, "unassigned")}
        return number
    if kind == "block":
        block = decode_block(value)
        return {"num": block.number, "more": block.more, "size": block.size}
    if kind == "empty":
        return "" if not value else {"unexpected": value.hex()}
    return value.hex()


def describe_option(option: CoapOption) -> dict[str, Any]:
    name, kind = OPTIONS.get(option.number, (None, "opaque"))
    described: dict[str, Any] = {"number": option.number,
                                 "name": name or f"unregistered option {option.number}"}
    try:
        described["value"] = _value(option, kind)
    except CoapOptionValueError as error:
        described["value"] = option.value.hex()
        described["problem"] = str(error)
    return described


# Content formats whose payload is text (shown as text when it decodes as UTF-8).
_TEXT_FORMATS = frozenset({0, 40, 41, 50})


def _content_format(message: CoapMessage) -> int | None:
    values = message.option_values(OptionNumber.CONTENT_FORMAT)
    try:
        return decode_uint(values[0], _UINT_BYTES, "Content-Format") if values else None
    except CoapOptionValueError:
        return None


def describe(message: CoapMessage) -> dict[str, Any]:
    """A message as JSON-ready values with names, for people: a text payload as text."""
    payload: Any = message.payload.hex()
    if _content_format(message) in _TEXT_FORMATS:
        try:
            payload = message.payload.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return {
        "type": message.type.name,
        "code": describe_code(message.code),
        "message_id": message.message_id,
        "token": message.token.hex(),
        "options": [describe_option(option) for option in message.options],
        "payload": payload,
    }
