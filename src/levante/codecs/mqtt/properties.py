"""MQTT 5.0 properties (§2.2.2): identifiers, value types, where each may appear."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from levante.codecs.mqtt.errors import (
    MqttEncodeError,
    MqttError,
    MqttMalformedError,
    MqttPropertyError,
)
from levante.codecs.mqtt.packets import PacketType as T
from levante.codecs.mqtt.packets import Properties, Property, PropertyId, PropertyValue
from levante.codecs.mqtt.wire import (
    VBI_MAX,
    Reader,
    encode_u16,
    encode_u32,
    encode_utf8,
    encode_variable_byte_integer,
    length_prefixed,
)

# Will properties sit in the CONNECT payload, not in a packet of their own; 0 is the
# reserved packet type, so it cannot collide with a real one.
WILL_PROPERTIES = 0


class Kind(enum.Enum):
    """MQTT 5.0 §1.5: the data representations a property value may use."""

    BYTE = "byte"
    TWO_BYTE = "two-byte integer"
    FOUR_BYTE = "four-byte integer"
    VARIABLE = "variable byte integer"
    STRING = "UTF-8 string"
    BINARY = "binary data"
    STRING_PAIR = "UTF-8 string pair"


@dataclass(frozen=True)
class Rule:
    kind: Kind
    allowed_in: frozenset[int]
    # Only User Property, and Subscription Identifier in PUBLISH, may repeat (§2.2.2.2).
    repeatable_in: frozenset[int] = frozenset()
    # Values the spec calls a Protocol Error: booleans above 1, zero where zero is void.
    boolean: bool = False
    nonzero: bool = False


_PUBLISH_AND_WILL = frozenset({T.PUBLISH, WILL_PROPERTIES})
_EVERY_PACKET_WITH_PROPERTIES = frozenset(
    {WILL_PROPERTIES, *(t for t in T if t not in (T.PINGREQ, T.PINGRESP))}
)
_REASON_STRING_PACKETS = frozenset(
    {T.CONNACK, T.PUBACK, T.PUBREC, T.PUBREL, T.PUBCOMP, T.SUBACK, T.UNSUBACK,
     T.DISCONNECT, T.AUTH}
)

# MQTT 5.0 §2.2.2.2, table "Properties": identifier → type and the packets that carry it.
RULES: dict[int, Rule] = {
    PropertyId.PAYLOAD_FORMAT_INDICATOR: Rule(Kind.BYTE, _PUBLISH_AND_WILL, boolean=True),
    PropertyId.MESSAGE_EXPIRY_INTERVAL: Rule(Kind.FOUR_BYTE, _PUBLISH_AND_WILL),
    PropertyId.CONTENT_TYPE: Rule(Kind.STRING, _PUBLISH_AND_WILL),
    PropertyId.RESPONSE_TOPIC: Rule(Kind.STRING, _PUBLISH_AND_WILL),
    PropertyId.CORRELATION_DATA: Rule(Kind.BINARY, _PUBLISH_AND_WILL),
    PropertyId.SUBSCRIPTION_IDENTIFIER: Rule(
        Kind.VARIABLE, frozenset({T.PUBLISH, T.SUBSCRIBE}), frozenset({T.PUBLISH}),
        nonzero=True,
    ),
    PropertyId.SESSION_EXPIRY_INTERVAL: Rule(
        Kind.FOUR_BYTE, frozenset({T.CONNECT, T.CONNACK, T.DISCONNECT})
    ),
    PropertyId.ASSIGNED_CLIENT_IDENTIFIER: Rule(Kind.STRING, frozenset({T.CONNACK})),
    PropertyId.SERVER_KEEP_ALIVE: Rule(Kind.TWO_BYTE, frozenset({T.CONNACK})),
    PropertyId.AUTHENTICATION_METHOD: Rule(
        Kind.STRING, frozenset({T.CONNECT, T.CONNACK, T.AUTH})
    ),
    PropertyId.AUTHENTICATION_DATA: Rule(Kind.BINARY, frozenset({T.CONNECT, T.CONNACK, T.AUTH})),
    PropertyId.REQUEST_PROBLEM_INFORMATION: Rule(
        Kind.BYTE, frozenset({T.CONNECT}), boolean=True
    ),
    PropertyId.WILL_DELAY_INTERVAL: Rule(Kind.FOUR_BYTE, frozenset({WILL_PROPERTIES})),
    PropertyId.REQUEST_RESPONSE_INFORMATION: Rule(
        Kind.BYTE, frozenset({T.CONNECT}), boolean=True
    ),
    PropertyId.RESPONSE_INFORMATION: Rule(Kind.STRING, frozenset({T.CONNACK})),
    PropertyId.SERVER_REFERENCE: Rule(Kind.STRING, frozenset({T.CONNACK, T.DISCONNECT})),
    PropertyId.REASON_STRING: Rule(Kind.STRING, _REASON_STRING_PACKETS),
    PropertyId.RECEIVE_MAXIMUM: Rule(
        Kind.TWO_BYTE, frozenset({T.CONNECT, T.CONNACK}), nonzero=True
    ),
    PropertyId.TOPIC_ALIAS_MAXIMUM: Rule(Kind.TWO_BYTE, frozenset({T.CONNECT, T.CONNACK})),
    PropertyId.TOPIC_ALIAS: Rule(Kind.TWO_BYTE, frozenset({T.PUBLISH}), nonzero=True),
    PropertyId.MAXIMUM_QOS: Rule(Kind.BYTE, frozenset({T.CONNACK}), boolean=True),
    PropertyId.RETAIN_AVAILABLE: Rule(Kind.BYTE, frozenset({T.CONNACK}), boolean=True),
    PropertyId.USER_PROPERTY: Rule(
        Kind.STRING_PAIR, _EVERY_PACKET_WITH_PROPERTIES, _EVERY_PACKET_WITH_PROPERTIES
    ),
    PropertyId.MAXIMUM_PACKET_SIZE: Rule(
        Kind.FOUR_BYTE, frozenset({T.CONNECT, T.CONNACK}), nonzero=True
    ),
    PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE: Rule(
        Kind.BYTE, frozenset({T.CONNACK}), boolean=True
    ),
    PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE: Rule(
        Kind.BYTE, frozenset({T.CONNACK}), boolean=True
    ),
    PropertyId.SHARED_SUBSCRIPTION_AVAILABLE: Rule(
        Kind.BYTE, frozenset({T.CONNACK}), boolean=True
    ),
}


def _where(context: int) -> str:
    return "Will properties" if context == WILL_PROPERTIES else T(context).name


def _checked_value(identifier: PropertyId, rule: Rule, value: int) -> int:
    if rule.boolean and value > 1:
        raise MqttPropertyError(f"{identifier.name} must be 0 or 1, not {value}")
    if rule.nonzero and value == 0:
        raise MqttPropertyError(f"{identifier.name} must not be 0")
    return value


def _read_value(reader: Reader, identifier: PropertyId, rule: Rule) -> PropertyValue:
    what = identifier.name
    kind = rule.kind
    if kind is Kind.BYTE:
        return _checked_value(identifier, rule, reader.byte(what))
    if kind is Kind.TWO_BYTE:
        return _checked_value(identifier, rule, reader.u16(what))
    if kind is Kind.FOUR_BYTE:
        return _checked_value(identifier, rule, reader.u32(what))
    if kind is Kind.VARIABLE:
        return _checked_value(identifier, rule, reader.variable_byte_integer(what))
    if kind is Kind.STRING:
        return reader.string(what)
    if kind is Kind.BINARY:
        return reader.binary(what)
    return (reader.string(what), reader.string(what))


# §2.2.2.1: a variable byte integer length, then identifier/value pairs filling it exactly.
def read_properties(reader: Reader, context: int) -> Properties:
    length = reader.variable_byte_integer("property length")
    if length == 0:
        return ()
    if length > reader.remaining:
        raise MqttMalformedError(f"property length {length} runs past the packet")
    section = Reader(reader.data, reader.position, reader.position + length)
    reader.position += length
    found: list[Property] = []
    seen: set[int] = set()
    while section.remaining:
        number = section.variable_byte_integer("property identifier")
        rule = RULES.get(number)
        if rule is None:
            raise MqttPropertyError(f"unknown property identifier 0x{number:02x}")
        identifier = PropertyId(number)
        if context not in rule.allowed_in:
            raise MqttPropertyError(f"{identifier.name} is not allowed in {_where(context)}")
        if number in seen and context not in rule.repeatable_in:
            raise MqttPropertyError(f"{identifier.name} appears twice in {_where(context)}")
        seen.add(number)
        found.append(Property(identifier, _read_value(section, identifier, rule)))
    return tuple(found)


def _encode_value(identifier: PropertyId, rule: Rule, value: PropertyValue) -> bytes:
    what = identifier.name
    kind = rule.kind
    if kind in (Kind.BYTE, Kind.TWO_BYTE, Kind.FOUR_BYTE, Kind.VARIABLE):
        if not isinstance(value, int) or isinstance(value, bool):
            raise MqttEncodeError(f"{what} takes an integer")
        try:
            _checked_value(identifier, rule, value)
        except MqttError as error:
            raise MqttEncodeError(error.message) from None
        if kind is Kind.BYTE:
            if not 0 <= value <= 0xFF:
                raise MqttEncodeError(f"{what} {value} does not fit a byte")
            return bytes((value,))
        if kind is Kind.TWO_BYTE:
            return encode_u16(value, what)
        if kind is Kind.FOUR_BYTE:
            return encode_u32(value, what)
        if value > VBI_MAX:
            raise MqttEncodeError(f"{what} {value} exceeds {VBI_MAX}")
        return encode_variable_byte_integer(value)
    if kind is Kind.STRING:
        if not isinstance(value, str):
            raise MqttEncodeError(f"{what} takes a string")
        return encode_utf8(value, what)
    if kind is Kind.BINARY:
        if not isinstance(value, bytes):
            raise MqttEncodeError(f"{what} takes bytes")
        return length_prefixed(value, what)
    if not (isinstance(value, tuple) and len(value) == 2
            and all(isinstance(part, str) for part in value)):
        raise MqttEncodeError(f"{what} takes a (name, value) pair of strings")
    return encode_utf8(value[0], what) + encode_utf8(value[1], what)


def encode_properties(properties: Properties, context: int) -> bytes:
    if not properties:
        return b"\x00"
    parts: list[bytes] = []
    seen: set[int] = set()
    for item in properties:
        identifier = item.identifier
        rule = RULES.get(identifier)
        if rule is None:
            raise MqttEncodeError(f"unknown property identifier {identifier!r}")
        if context not in rule.allowed_in:
            raise MqttEncodeError(f"{identifier.name} is not allowed in {_where(context)}")
        if identifier in seen and context not in rule.repeatable_in:
            raise MqttEncodeError(f"{identifier.name} appears twice in {_where(context)}")
        seen.add(identifier)
        parts.append(encode_variable_byte_integer(identifier))
        parts.append(_encode_value(identifier, rule, item.value))
    body = b"".join(parts)
    return encode_variable_byte_integer(len(body)) + body
