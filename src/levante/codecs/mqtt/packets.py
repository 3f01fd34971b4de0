"""MQTT control packets as frozen dataclasses, shared by MQTT 3.1.1 and 5.0.

Fields that only MQTT 5.0 can carry (properties, most reason codes) default to empty or
zero, so a 3.1.1 packet is the same object with those left alone. Reason codes stay plain
integers: one value names different things in different packets (0x00 is "Success",
"Granted QoS 0" and "Normal disconnection").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import ClassVar


class PacketType(enum.IntEnum):
    """MQTT 5.0 §2.1.2: the high nibble of the first byte; 0 is reserved."""

    CONNECT = 1
    CONNACK = 2
    PUBLISH = 3
    PUBACK = 4
    PUBREC = 5
    PUBREL = 6
    PUBCOMP = 7
    SUBSCRIBE = 8
    SUBACK = 9
    UNSUBSCRIBE = 10
    UNSUBACK = 11
    PINGREQ = 12
    PINGRESP = 13
    DISCONNECT = 14
    AUTH = 15


class ProtocolLevel(enum.IntEnum):
    """The protocol level byte of CONNECT (3.1.1 §3.1.2.2, 5.0 §3.1.2.2)."""

    MQTT_3_1_1 = 4
    MQTT_5 = 5


class PropertyId(enum.IntEnum):
    """MQTT 5.0 §2.2.2.2: property identifiers."""

    PAYLOAD_FORMAT_INDICATOR = 0x01
    MESSAGE_EXPIRY_INTERVAL = 0x02
    CONTENT_TYPE = 0x03
    RESPONSE_TOPIC = 0x08
    CORRELATION_DATA = 0x09
    SUBSCRIPTION_IDENTIFIER = 0x0B
    SESSION_EXPIRY_INTERVAL = 0x11
    ASSIGNED_CLIENT_IDENTIFIER = 0x12
    SERVER_KEEP_ALIVE = 0x13
    AUTHENTICATION_METHOD = 0x15
    AUTHENTICATION_DATA = 0x16
    REQUEST_PROBLEM_INFORMATION = 0x17
    WILL_DELAY_INTERVAL = 0x18
    REQUEST_RESPONSE_INFORMATION = 0x19
    RESPONSE_INFORMATION = 0x1A
    SERVER_REFERENCE = 0x1C
    REASON_STRING = 0x1F
    RECEIVE_MAXIMUM = 0x21
    TOPIC_ALIAS_MAXIMUM = 0x22
    TOPIC_ALIAS = 0x23
    MAXIMUM_QOS = 0x24
    RETAIN_AVAILABLE = 0x25
    USER_PROPERTY = 0x26
    MAXIMUM_PACKET_SIZE = 0x27
    WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28
    SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29
    SHARED_SUBSCRIPTION_AVAILABLE = 0x2A


PropertyValue = int | str | bytes | tuple[str, str]


@dataclass(frozen=True, slots=True)
class Property:
    """One MQTT 5.0 property; a User Property's value is a (name, value) pair."""

    identifier: PropertyId
    value: PropertyValue


Properties = tuple[Property, ...]


@dataclass(frozen=True, slots=True)
class Will:
    """The Will Message a CONNECT deposits with the server."""

    topic: str
    payload: bytes = b""
    qos: int = 0
    retain: bool = False
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class Connect:
    packet_type: ClassVar[PacketType] = PacketType.CONNECT
    client_id: str = ""
    protocol_level: int = ProtocolLevel.MQTT_3_1_1
    clean_start: bool = True
    keep_alive: int = 60
    will: Will | None = None
    username: str | None = None
    password: bytes | None = None
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class ConnAck:
    packet_type: ClassVar[PacketType] = PacketType.CONNACK
    session_present: bool = False
    reason_code: int = 0
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class Publish:
    packet_type: ClassVar[PacketType] = PacketType.PUBLISH
    topic: str
    payload: bytes = b""
    qos: int = 0
    retain: bool = False
    dup: bool = False
    packet_id: int | None = None
    properties: Properties = ()


# A frozen dataclass's generated __init__ assigns every field through
# object.__setattr__: 0.6 µs for Publish's seven, a quarter of what decoding a short
# PUBLISH used to cost in all. The decoder builds one Publish per message it receives, so
# it fills the slots through their member descriptors instead (the very thing
# object.__setattr__ ends up calling): same object, same immutability afterwards, about
# half the cost. Only for values already checked. The setters follow the dataclass's own
# field order, which new_publish's parameters repeat (a test holds them together).
_new_object = object.__new__
_SET_PUBLISH_FIELDS = tuple(Publish.__dict__[field.name].__set__ for field in fields(Publish))


def new_publish(
    topic: str, payload: bytes, qos: int, retain: bool, dup: bool, packet_id: int | None,
    properties: Properties = (),
) -> Publish:
    """Publish(topic, payload, qos, retain, dup, packet_id, properties), built quickly."""
    packet: Publish = _new_object(Publish)
    set_topic, set_payload, set_qos, set_retain, set_dup, set_id, set_properties = (
        _SET_PUBLISH_FIELDS
    )
    set_topic(packet, topic)
    set_payload(packet, payload)
    set_qos(packet, qos)
    set_retain(packet, retain)
    set_dup(packet, dup)
    set_id(packet, packet_id)
    set_properties(packet, properties)
    return packet


@dataclass(frozen=True, slots=True)
class PubAck:
    packet_type: ClassVar[PacketType] = PacketType.PUBACK
    packet_id: int
    reason_code: int = 0
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class PubRec:
    packet_type: ClassVar[PacketType] = PacketType.PUBREC
    packet_id: int
    reason_code: int = 0
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class PubRel:
    packet_type: ClassVar[PacketType] = PacketType.PUBREL
    packet_id: int
    reason_code: int = 0
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class PubComp:
    packet_type: ClassVar[PacketType] = PacketType.PUBCOMP
    packet_id: int
    reason_code: int = 0
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class Subscription:
    """One topic filter of a SUBSCRIBE with its options (5.0 §3.8.3.1)."""

    topic_filter: str
    qos: int = 0
    no_local: bool = False
    retain_as_published: bool = False
    retain_handling: int = 0


@dataclass(frozen=True, slots=True)
class Subscribe:
    packet_type: ClassVar[PacketType] = PacketType.SUBSCRIBE
    packet_id: int
    subscriptions: tuple[Subscription, ...]
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class SubAck:
    packet_type: ClassVar[PacketType] = PacketType.SUBACK
    packet_id: int
    reason_codes: tuple[int, ...]
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    packet_type: ClassVar[PacketType] = PacketType.UNSUBSCRIBE
    packet_id: int
    topic_filters: tuple[str, ...]
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class UnsubAck:
    """In MQTT 3.1.1 an UNSUBACK carries no reason codes; in 5.0 one per filter."""

    packet_type: ClassVar[PacketType] = PacketType.UNSUBACK
    packet_id: int
    reason_codes: tuple[int, ...] = ()
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class PingReq:
    packet_type: ClassVar[PacketType] = PacketType.PINGREQ


@dataclass(frozen=True, slots=True)
class PingResp:
    packet_type: ClassVar[PacketType] = PacketType.PINGRESP


@dataclass(frozen=True, slots=True)
class Disconnect:
    packet_type: ClassVar[PacketType] = PacketType.DISCONNECT
    reason_code: int = 0
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class Auth:
    """MQTT 5.0 only (§3.15): extended authentication exchange."""

    packet_type: ClassVar[PacketType] = PacketType.AUTH
    reason_code: int = 0
    properties: Properties = ()


MqttPacket = (
    Connect | ConnAck | Publish | PubAck | PubRec | PubRel | PubComp | Subscribe | SubAck
    | Unsubscribe | UnsubAck | PingReq | PingResp | Disconnect | Auth
)
