"""What the MQTT system calls copy in from the runtime's structures, decoded and bounded.

The runtime (sdk/runtime/mqtt.c) passes flat records of words (their C side is in
<zephyr/net/mqtt.h>: struct z_levante_mqtt_connect, _message, _event); every pointer
in them is read through the caller's view with its length bounded first, and every
string must be UTF-8 (MQTT 3.1.1 §1.5.3), so what reaches the codec is checked values.
An MQTT 5.0 session's records carry more words at their ends (properties, reason codes):
they are read only for such a session, so a 3.1.1 client's records stay as they were.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.codecs.mqtt import (
    MQTT_5,
    Auth,
    Connect,
    Disconnect,
    MqttError,
    MqttPacket,
    PingReq,
    Properties,
    Property,
    PropertyId,
    PubAck,
    PubComp,
    Publish,
    PubRec,
    PubRel,
    Subscribe,
    Subscription,
    Unsubscribe,
    Will,
    encode,
    validate_topic_filter,
    validate_topic_name,
)
from levante.codecs.mqtt.properties import RULES, Kind
from levante.kernel.objects.mqtt_session import (
    CONNECT_FIELD_MAX,
    MAX_PACKET_SIZE,
    PROPERTIES_MAX,
    PROPERTY_TEXT_MAX,
    TOPIC_MAX,
    TOPICS_PER_REQUEST_MAX,
)

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect

EINVAL = -ERRNO["EINVAL"]
MQTT_VERSION_3_1_1 = 4
SUPPORTED_VERSIONS = (MQTT_VERSION_3_1_1, MQTT_5)
# struct z_levante_mqtt_connect: client id, user name, password, will topic, will
# message (pointer and length each), will QoS, flags, keep-alive, protocol version.
CONNECT_RECORD = struct.Struct("<14I")
# An MQTT 5.0 CONNECT's record goes on: its properties and its will's (array, count).
CONNECT_V5_TAIL = struct.Struct("<4I")
CONNECT_WILL_RETAIN = 1
CONNECT_CLEAN_SESSION = 2
# struct z_levante_mqtt_message: type, message id, flags, topics, topic count, payload,
# payload length.
MESSAGE_RECORD = struct.Struct("<7I")
# An MQTT 5.0 session's message record goes on: reason code, properties, their count.
MESSAGE_V5_TAIL = struct.Struct("<3I")
MESSAGE_QOS_MASK = 3
MESSAGE_DUP = 4
MESSAGE_RETAIN = 8
# Zephyr's struct mqtt_topic: const uint8_t *utf8, uint32_t size, uint8_t qos (padded).
TOPIC_RECORD = struct.Struct("<IIB3x")
# struct z_levante_mqtt_event: type, result, message id, qos, flags, data length,
# payload length.
EVENT_RECORD = struct.Struct("<Ii5I")
# An MQTT 5.0 session's event record: the seven words, then the reason code and the
# number of properties written (out), then the property array and its capacity (in).
EVENT_V5_RECORD = struct.Struct("<Ii7I")
EVENT_V5_PROPERTIES = struct.Struct("<2I")
# struct z_levante_mqtt_prop: identifier, integer value, data and length (a string, the
# binary data, or a user property's name), data and length again (its value).
PROPERTY_RECORD = struct.Struct("<6I")
EVENT_RETAIN = 1
EVENT_DUP = 2
EVENT_SESSION_PRESENT = 4

# MQTT packet types the application may send (the first byte's high nibble).
PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 3, 4, 5, 6, 7
SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT, AUTH = 8, 10, 12, 14, 15


def _text(kernel: Inspect, caller: Caller, pointer: int, length: int,
          limit: int) -> str | int:
    """A UTF-8 string of `length` bytes at `pointer`; -EINVAL when too long or not UTF-8."""
    if length > limit:
        return EINVAL
    raw = kernel.memory.read(caller, pointer, length) if length else b""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return EINVAL


def read_connect(kernel: Inspect, caller: Caller, record: int) -> Connect | int:
    """The CONNECT the application's client describes, or -errno (-EPROTONOSUPPORT for a
    protocol version other than 3.1.1)."""
    (client_id, client_id_len, user, user_len, password, password_len, will_topic,
     will_topic_len, will_message, will_message_len, will_qos, flags, keepalive,
     version) = CONNECT_RECORD.unpack(kernel.memory.read(caller, record, CONNECT_RECORD.size))
    if version not in SUPPORTED_VERSIONS:
        return -ERRNO["EPROTONOSUPPORT"]
    properties: Properties = ()
    will_properties: Properties = ()
    if version == MQTT_5:
        props, prop_count, will_props, will_prop_count = CONNECT_V5_TAIL.unpack(
            kernel.memory.read(caller, record + CONNECT_RECORD.size, CONNECT_V5_TAIL.size))
        listed = read_properties(kernel, caller, props, prop_count)
        if isinstance(listed, int):
            return listed
        properties = listed
        if will_topic:
            listed = read_properties(kernel, caller, will_props, will_prop_count)
            if isinstance(listed, int):
                return listed
            will_properties = listed
    if keepalive > 0xFFFF or will_qos > 2:
        return EINVAL
    identifier = _text(kernel, caller, client_id, client_id_len, CONNECT_FIELD_MAX)
    if isinstance(identifier, int):
        return identifier
    user_name: str | None = None
    if user:
        decoded = _text(kernel, caller, user, user_len, CONNECT_FIELD_MAX)
        if isinstance(decoded, int):
            return decoded
        user_name = decoded
    secret: bytes | None = None
    if password:
        if password_len > CONNECT_FIELD_MAX:
            return EINVAL
        secret = kernel.memory.read(caller, password, password_len)
    will: Will | None = None
    if will_topic:
        topic = _topic_name(kernel, caller, will_topic, will_topic_len)
        if isinstance(topic, int):
            return topic
        if will_message_len > MAX_PACKET_SIZE // 2:
            return EINVAL
        message = kernel.memory.read(caller, will_message, will_message_len) \
            if will_message and will_message_len else b""
        will = Will(topic, message, will_qos, bool(flags & CONNECT_WILL_RETAIN),
                    will_properties)
    connect = Connect(identifier, version, bool(flags & CONNECT_CLEAN_SESSION), keepalive,
                      will, user_name, secret, properties)
    return connect if _encodable(connect, version) else EINVAL


def _encodable(packet: MqttPacket, version: int) -> bool:
    """Whether the codec takes `packet` (a property where its packet may not carry it,
    one twice, a value out of range are the caller's errors, refused here)."""
    try:
        encode(packet, version)
    except MqttError:
        return False
    return True


def read_properties(kernel: Inspect, caller: Caller, pointer: int,
                    count: int) -> Properties | int:
    """A struct z_levante_mqtt_prop array as properties, each value checked against its
    identifier's kind; -EINVAL for an unknown identifier, too many, or a bad value.
    Where each may appear is the codec's to check when the packet is encoded."""
    if count == 0:
        return ()
    if count > PROPERTIES_MAX:
        return EINVAL
    raw = kernel.memory.read(caller, pointer, count * PROPERTY_RECORD.size)
    found: list[Property] = []
    for index in range(count):
        number, value, data, length, data2, length2 = PROPERTY_RECORD.unpack_from(
            raw, index * PROPERTY_RECORD.size)
        rule = RULES.get(number)
        if rule is None or number == PropertyId.SUBSCRIPTION_IDENTIFIER and value == 0:
            return EINVAL
        item: int | str | bytes | tuple[str, str]
        if rule.kind is Kind.STRING:
            text = _text(kernel, caller, data, length, PROPERTY_TEXT_MAX)
            if isinstance(text, int):
                return text
            item = text
        elif rule.kind is Kind.BINARY:
            if length > PROPERTY_TEXT_MAX:
                return EINVAL
            item = kernel.memory.read(caller, data, length) if length else b""
        elif rule.kind is Kind.STRING_PAIR:
            name = _text(kernel, caller, data, length, PROPERTY_TEXT_MAX)
            text = _text(kernel, caller, data2, length2, PROPERTY_TEXT_MAX)
            if isinstance(name, int) or isinstance(text, int):
                return EINVAL
            item = (name, text)
        else:
            item = value
        found.append(Property(PropertyId(number), item))
    return tuple(found)


def _topic_name(kernel: Inspect, caller: Caller, pointer: int, length: int) -> str | int:
    topic = _text(kernel, caller, pointer, length, TOPIC_MAX)
    if isinstance(topic, int):
        return topic
    try:
        return validate_topic_name(topic)
    except MqttError:
        return EINVAL


def _topic_list(kernel: Inspect, caller: Caller, pointer: int,
                count: int) -> list[tuple[str, int]] | int:
    """A Zephyr mqtt_topic array: each filter (checked as one) and its QoS."""
    if count == 0 or count > TOPICS_PER_REQUEST_MAX:
        return EINVAL
    raw = kernel.memory.read(caller, pointer, count * TOPIC_RECORD.size)
    topics = []
    for index in range(count):
        utf8, size, qos = TOPIC_RECORD.unpack_from(raw, index * TOPIC_RECORD.size)
        text = _text(kernel, caller, utf8, size, TOPIC_MAX)
        if isinstance(text, int):
            return text
        try:
            validate_topic_filter(text)
        except MqttError:
            return EINVAL
        if qos > 2:
            return EINVAL
        topics.append((text, qos))
    return topics


def read_message(kernel: Inspect, caller: Caller, record: int,
                 version: int = MQTT_VERSION_3_1_1) -> MqttPacket | int:
    """The packet a z_levante_mqtt_message describes for a session of protocol
    `version`, or -EINVAL."""
    kind, message_id, flags, topics, topic_count, payload, payload_len = \
        MESSAGE_RECORD.unpack(kernel.memory.read(caller, record, MESSAGE_RECORD.size))
    if version != MQTT_5:
        if kind == AUTH:
            return EINVAL  # MQTT 5.0 only
        return _message(kernel, caller, kind, message_id, flags, topics, topic_count,
                        payload, payload_len, 0, ())
    reason, props, prop_count = MESSAGE_V5_TAIL.unpack(
        kernel.memory.read(caller, record + MESSAGE_RECORD.size, MESSAGE_V5_TAIL.size))
    if reason > 0xFF:
        return EINVAL
    properties = read_properties(kernel, caller, props, prop_count)
    if isinstance(properties, int):
        return properties
    packet = _message(kernel, caller, kind, message_id, flags, topics, topic_count, payload,
                      payload_len, reason, properties)
    if isinstance(packet, int):
        return packet
    return packet if _encodable(packet, MQTT_5) else EINVAL


def _message(kernel: Inspect, caller: Caller, kind: int, message_id: int, flags: int,
             topics: int, topic_count: int, payload: int, payload_len: int, reason: int,
             properties: Properties) -> MqttPacket | int:
    needs_id = kind in (PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, UNSUBSCRIBE)
    if (needs_id or (kind == PUBLISH and flags & MESSAGE_QOS_MASK)) \
            and not 0 < message_id <= 0xFFFF:
        return EINVAL
    if kind == PUBLISH:
        return _publish(kernel, caller, message_id, flags, topics, topic_count, payload,
                        payload_len, properties)
    if kind in (SUBSCRIBE, UNSUBSCRIBE):
        listed = _topic_list(kernel, caller, topics, topic_count)
        if isinstance(listed, int):
            return listed
        if kind == SUBSCRIBE:
            return Subscribe(message_id, tuple(Subscription(text, qos) for text, qos in listed),
                             properties)
        return Unsubscribe(message_id, tuple(text for text, _ in listed), properties)
    if kind == PINGREQ:
        return PingReq()
    if kind == DISCONNECT:
        return Disconnect(reason, properties)
    if kind == AUTH:
        return Auth(reason, properties)
    if kind == PUBACK:
        return PubAck(message_id, reason, properties)
    if kind == PUBREC:
        return PubRec(message_id, reason, properties)
    if kind == PUBREL:
        return PubRel(message_id, reason, properties)
    if kind == PUBCOMP:
        return PubComp(message_id, reason, properties)
    return EINVAL


def _publish(kernel: Inspect, caller: Caller, message_id: int, flags: int, topics: int,
             topic_count: int, payload: int, payload_len: int,
             properties: Properties) -> Publish | int:
    qos = flags & MESSAGE_QOS_MASK
    if qos > 2 or topic_count != 1 or payload_len > MAX_PACKET_SIZE:
        return EINVAL
    utf8, size, _ = TOPIC_RECORD.unpack(kernel.memory.read(caller, topics, TOPIC_RECORD.size))
    aliased = any(item.identifier == PropertyId.TOPIC_ALIAS for item in properties)
    # MQTT 5.0 §3.3.2.3.4: with a Topic Alias the name may be empty (the alias stands in).
    topic = "" if size == 0 and aliased else _topic_name(kernel, caller, utf8, size)
    if isinstance(topic, int):
        return topic
    body = kernel.memory.read(caller, payload, payload_len) if payload_len else b""
    return Publish(topic, body, qos, bool(flags & MESSAGE_RETAIN), bool(flags & MESSAGE_DUP),
                   message_id if qos else None, properties)
