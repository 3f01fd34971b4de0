"""What the MQTT system calls copy in from the runtime's structures, decoded and bounded.

The runtime (sdk/runtime/mqtt.c) passes flat records of words (their C side is in
<zephyr/net/mqtt.h>: struct z_levante_mqtt_connect, _message, _event); every pointer
in them is read through the caller's view with its length bounded first, and every
string must be UTF-8 (MQTT 3.1.1 §1.5.3), so what reaches the codec is checked values.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.codecs.mqtt import (
    Connect,
    Disconnect,
    MqttError,
    MqttPacket,
    PingReq,
    PubAck,
    PubComp,
    Publish,
    PubRec,
    PubRel,
    Subscribe,
    Subscription,
    Unsubscribe,
    Will,
    validate_topic_filter,
    validate_topic_name,
)
from levante.kernel.objects.mqtt_session import (
    CONNECT_FIELD_MAX,
    MAX_PACKET_SIZE,
    TOPIC_MAX,
    TOPICS_PER_REQUEST_MAX,
)

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect

EINVAL = -ERRNO["EINVAL"]
MQTT_VERSION_3_1_1 = 4
# struct z_levante_mqtt_connect: client id, user name, password, will topic, will
# message (pointer and length each), will QoS, flags, keep-alive, protocol version.
CONNECT_RECORD = struct.Struct("<14I")
CONNECT_WILL_RETAIN = 1
CONNECT_CLEAN_SESSION = 2
# struct z_levante_mqtt_message: type, message id, flags, topics, topic count, payload,
# payload length.
MESSAGE_RECORD = struct.Struct("<7I")
MESSAGE_QOS_MASK = 3
MESSAGE_DUP = 4
MESSAGE_RETAIN = 8
# Zephyr's struct mqtt_topic: const uint8_t *utf8, uint32_t size, uint8_t qos (padded).
TOPIC_RECORD = struct.Struct("<IIB3x")
# struct z_levante_mqtt_event: type, result, message id, qos, flags, data length,
# payload length.
EVENT_RECORD = struct.Struct("<Ii5I")
EVENT_RETAIN = 1
EVENT_DUP = 2
EVENT_SESSION_PRESENT = 4

# MQTT packet types the application may send (the first byte's high nibble).
PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 3, 4, 5, 6, 7
SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT = 8, 10, 12, 14


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
    if version != MQTT_VERSION_3_1_1:
        return -ERRNO["EPROTONOSUPPORT"]
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
        will = Will(topic, message, will_qos, bool(flags & CONNECT_WILL_RETAIN))
    return Connect(identifier, MQTT_VERSION_3_1_1, bool(flags & CONNECT_CLEAN_SESSION),
                   keepalive, will, user_name, secret)


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


def read_message(kernel: Inspect, caller: Caller, record: int) -> MqttPacket | int:
    """The packet a z_levante_mqtt_message describes, or -EINVAL."""
    kind, message_id, flags, topics, topic_count, payload, payload_len = \
        MESSAGE_RECORD.unpack(kernel.memory.read(caller, record, MESSAGE_RECORD.size))
    needs_id = kind in (PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, UNSUBSCRIBE)
    if (needs_id or (kind == PUBLISH and flags & MESSAGE_QOS_MASK)) \
            and not 0 < message_id <= 0xFFFF:
        return EINVAL
    if kind == PUBLISH:
        return _publish(kernel, caller, message_id, flags, topics, topic_count, payload,
                        payload_len)
    if kind in (SUBSCRIBE, UNSUBSCRIBE):
        listed = _topic_list(kernel, caller, topics, topic_count)
        if isinstance(listed, int):
            return listed
        if kind == SUBSCRIBE:
            return Subscribe(message_id, tuple(Subscription(text, qos) for text, qos in listed))
        return Unsubscribe(message_id, tuple(text for text, _ in listed))
    simple: dict[int, MqttPacket] = {PINGREQ: PingReq(), DISCONNECT: Disconnect()}
    if kind in simple:
        return simple[kind]
    if kind == PUBACK:
        return PubAck(message_id)
    if kind == PUBREC:
        return PubRec(message_id)
    if kind == PUBREL:
        return PubRel(message_id)
    if kind == PUBCOMP:
        return PubComp(message_id)
    return EINVAL


def _publish(kernel: Inspect, caller: Caller, message_id: int, flags: int, topics: int,
             topic_count: int, payload: int, payload_len: int) -> Publish | int:
    qos = flags & MESSAGE_QOS_MASK
    if qos > 2 or topic_count != 1 or payload_len > MAX_PACKET_SIZE:
        return EINVAL
    utf8, size, _ = TOPIC_RECORD.unpack(kernel.memory.read(caller, topics, TOPIC_RECORD.size))
    topic = _topic_name(kernel, caller, utf8, size)
    if isinstance(topic, int):
        return topic
    body = kernel.memory.read(caller, payload, payload_len) if payload_len else b""
    return Publish(topic, body, qos, bool(flags & MESSAGE_RETAIN), bool(flags & MESSAGE_DUP),
                   message_id if qos else None)
