"""Encode MQTT control packets (3.1.1 or 5.0) to bytes, refusing what the wire can't carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from levante.codecs.mqtt.decoder import MQTT_3_1_1, MQTT_5, SUPPORTED_LEVELS
from levante.codecs.mqtt.errors import MqttEncodeError, MqttError
from levante.codecs.mqtt.packets import (
    Auth,
    ConnAck,
    Connect,
    Disconnect,
    MqttPacket,
    PacketType,
    PingReq,
    PingResp,
    Properties,
    PropertyId,
    PubAck,
    PubComp,
    Publish,
    PubRec,
    PubRel,
    SubAck,
    Subscribe,
    UnsubAck,
    Unsubscribe,
)
from levante.codecs.mqtt.properties import WILL_PROPERTIES, encode_properties
from levante.codecs.mqtt.reasons import allowed_reason_codes
from levante.codecs.mqtt.topics import SHARE_PREFIX, validate_topic_filter, validate_topic_name
from levante.codecs.mqtt.wire import (
    encode_u16,
    encode_utf8,
    encode_variable_byte_integer,
    length_prefixed,
)


def encode(packet: MqttPacket, protocol_level: int | None = None) -> bytes:
    """The packet's bytes at `protocol_level` (default: a CONNECT's own level, else 3.1.1)."""
    if isinstance(packet, Connect):
        if protocol_level not in (None, packet.protocol_level):
            raise MqttEncodeError(
                f"CONNECT declares level {packet.protocol_level}, asked for {protocol_level}"
            )
        level = packet.protocol_level
    else:
        level = MQTT_3_1_1 if protocol_level is None else protocol_level
    if level not in SUPPORTED_LEVELS:
        raise MqttEncodeError(f"protocol level {level} is not supported")
    encoder = _ENCODERS.get(type(packet))
    if encoder is None:
        raise MqttEncodeError(f"{type(packet).__name__} is not an MQTT packet")
    try:
        flags, body = encoder(packet, level)
    except MqttEncodeError:
        raise
    except MqttError as error:  # a topic rule broken by the packet being built
        raise MqttEncodeError(error.message) from None
    first_byte = (packet.packet_type << 4) | flags
    return bytes((first_byte,)) + encode_variable_byte_integer(len(body)) + body


def _properties(properties: Properties, context: int, level: int) -> bytes:
    if level == MQTT_5:
        return encode_properties(properties, context)
    if properties:
        raise MqttEncodeError("properties need MQTT 5.0")
    return b""


def _packet_id(packet_id: int | None) -> bytes:
    if packet_id is None or not 1 <= packet_id <= 0xFFFF:
        raise MqttEncodeError(f"packet identifier {packet_id} is not in 1..65535")
    return packet_id.to_bytes(2, "big")


def _check_reason(code: int, packet_type: PacketType, level: int) -> bytes:
    if code not in allowed_reason_codes(packet_type, level):
        raise MqttEncodeError(f"reason code {code} is not valid in {packet_type.name}")
    return bytes((code,))


def _check_qos(qos: int) -> int:
    if qos not in (0, 1, 2):
        raise MqttEncodeError(f"QoS {qos} is not 0, 1 or 2")
    return qos


def _connect(packet: Connect, level: int) -> tuple[int, bytes]:
    will = packet.will
    flags = 0x02 if packet.clean_start else 0
    if will is not None:
        flags |= 0x04 | (_check_qos(will.qos) << 3) | (0x20 if will.retain else 0)
    if packet.password is not None:
        if level == MQTT_3_1_1 and packet.username is None:
            raise MqttEncodeError("MQTT 3.1.1 needs a user name to send a password")
        flags |= 0x40
    if packet.username is not None:
        flags |= 0x80
    parts = [
        encode_utf8("MQTT"), bytes((level, flags)), encode_u16(packet.keep_alive, "keep alive"),
        _properties(packet.properties, PacketType.CONNECT, level),
        encode_utf8(packet.client_id, "client identifier"),
    ]
    if will is not None:
        parts.append(_properties(will.properties, WILL_PROPERTIES, level))
        parts.append(encode_utf8(validate_topic_name(will.topic), "will topic"))
        parts.append(length_prefixed(will.payload, "will payload"))
    if packet.username is not None:
        parts.append(encode_utf8(packet.username, "user name"))
    if packet.password is not None:
        parts.append(length_prefixed(packet.password, "password"))
    return 0, b"".join(parts)


def _connack(packet: ConnAck, level: int) -> tuple[int, bytes]:
    if packet.session_present and packet.reason_code:
        raise MqttEncodeError("session present on a refused connection")
    head = bytes((1 if packet.session_present else 0,))
    code = _check_reason(packet.reason_code, PacketType.CONNACK, level)
    return 0, head + code + _properties(packet.properties, PacketType.CONNACK, level)


def _publish(packet: Publish, level: int) -> tuple[int, bytes]:
    qos = _check_qos(packet.qos)
    if packet.dup and not qos:
        raise MqttEncodeError("DUP needs QoS 1 or 2")
    has_alias = any(item.identifier == PropertyId.TOPIC_ALIAS for item in packet.properties)
    if packet.topic or not has_alias:
        validate_topic_name(packet.topic)
    flags = (0x08 if packet.dup else 0) | (qos << 1) | (0x01 if packet.retain else 0)
    if qos:
        packet_id = _packet_id(packet.packet_id)
    elif packet.packet_id is not None:
        raise MqttEncodeError("a QoS 0 PUBLISH has no packet identifier")
    else:
        packet_id = b""
    properties = _properties(packet.properties, PacketType.PUBLISH, level)
    return flags, encode_utf8(packet.topic, "topic name") + packet_id + properties + packet.payload


def _publish_response(packet: PubAck | PubRec | PubRel | PubComp, level: int) -> tuple[int, bytes]:
    flags = 0b0010 if isinstance(packet, PubRel) else 0
    packet_id = _packet_id(packet.packet_id)
    code = _check_reason(packet.reason_code, packet.packet_type, level)
    if level == MQTT_3_1_1:
        return flags, packet_id
    # 5.0 §3.4.2.1: reason code 0 without properties may be left off entirely.
    if not packet.properties:
        return flags, packet_id if not packet.reason_code else packet_id + code
    return flags, packet_id + code + _properties(packet.properties, packet.packet_type, level)


def _subscribe(packet: Subscribe, level: int) -> tuple[int, bytes]:
    if not packet.subscriptions:
        raise MqttEncodeError("SUBSCRIBE needs at least one topic filter")
    parts = [
        _packet_id(packet.packet_id), _properties(packet.properties, PacketType.SUBSCRIBE, level)
    ]
    for item in packet.subscriptions:
        topic_filter = validate_topic_filter(item.topic_filter, level == MQTT_5)
        options = _check_qos(item.qos)
        extras = item.no_local or item.retain_as_published or item.retain_handling
        if level == MQTT_3_1_1 and extras:
            raise MqttEncodeError("subscription options beyond QoS need MQTT 5.0")
        if item.retain_handling not in (0, 1, 2):
            raise MqttEncodeError(f"retain handling {item.retain_handling} is not 0, 1 or 2")
        if item.no_local and topic_filter.startswith(SHARE_PREFIX):
            raise MqttEncodeError("No Local on a shared subscription")
        options |= (0x04 if item.no_local else 0) | (0x08 if item.retain_as_published else 0)
        options |= item.retain_handling << 4
        parts.append(encode_utf8(topic_filter, "topic filter") + bytes((options,)))
    return 0b0010, b"".join(parts)


def _suback(packet: SubAck, level: int) -> tuple[int, bytes]:
    if not packet.reason_codes:
        raise MqttEncodeError("SUBACK needs at least one reason code")
    codes = b"".join(_check_reason(code, PacketType.SUBACK, level) for code in packet.reason_codes)
    properties = _properties(packet.properties, PacketType.SUBACK, level)
    return 0, _packet_id(packet.packet_id) + properties + codes


def _unsubscribe(packet: Unsubscribe, level: int) -> tuple[int, bytes]:
    if not packet.topic_filters:
        raise MqttEncodeError("UNSUBSCRIBE needs at least one topic filter")
    parts = [
        _packet_id(packet.packet_id),
        _properties(packet.properties, PacketType.UNSUBSCRIBE, level),
    ]
    for topic_filter in packet.topic_filters:
        validate_topic_filter(topic_filter, level == MQTT_5)
        parts.append(encode_utf8(topic_filter, "topic filter"))
    return 0b0010, b"".join(parts)


def _unsuback(packet: UnsubAck, level: int) -> tuple[int, bytes]:
    packet_id = _packet_id(packet.packet_id)
    if level == MQTT_3_1_1:
        if packet.reason_codes or packet.properties:
            raise MqttEncodeError("a 3.1.1 UNSUBACK carries no reason codes or properties")
        return 0, packet_id
    if not packet.reason_codes:
        raise MqttEncodeError("a 5.0 UNSUBACK needs at least one reason code")
    codes = b"".join(
        _check_reason(code, PacketType.UNSUBACK, level) for code in packet.reason_codes
    )
    return 0, packet_id + _properties(packet.properties, PacketType.UNSUBACK, level) + codes


def _empty(packet: PingReq | PingResp, level: int) -> tuple[int, bytes]:
    return 0, b""


def _reason_and_properties(packet: Disconnect | Auth, level: int) -> tuple[int, bytes]:
    if isinstance(packet, Auth) and level != MQTT_5:
        raise MqttEncodeError("AUTH needs MQTT 5.0")
    code = _check_reason(packet.reason_code, packet.packet_type, level)
    if level == MQTT_3_1_1:
        return 0, b""
    if not packet.properties:
        return 0, b"" if not packet.reason_code else code
    return 0, code + _properties(packet.properties, packet.packet_type, level)


_ENCODERS: dict[type, Callable[[Any, int], tuple[int, bytes]]] = {
    Connect: _connect,
    ConnAck: _connack,
    Publish: _publish,
    PubAck: _publish_response,
    PubRec: _publish_response,
    PubRel: _publish_response,
    PubComp: _publish_response,
    Subscribe: _subscribe,
    SubAck: _suback,
    Unsubscribe: _unsubscribe,
    UnsubAck: _unsuback,
    PingReq: _empty,
    PingResp: _empty,
    Disconnect: _reason_and_properties,
    Auth: _reason_and_properties,
}
