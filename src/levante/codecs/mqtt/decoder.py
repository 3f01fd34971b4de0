"""Decode one whole MQTT control packet (3.1.1 or 5.0) from bytes."""

from __future__ import annotations

from collections.abc import Callable

from levante.codecs.mqtt.errors import (
    MqttMalformedError,
    MqttPacketTooLargeError,
    MqttProtocolError,
    MqttTopicError,
    MqttTruncatedError,
    MqttUnsupportedProtocolError,
)
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
    Subscription,
    UnsubAck,
    Unsubscribe,
    Will,
    new_publish,
)
from levante.codecs.mqtt.properties import WILL_PROPERTIES, read_properties
from levante.codecs.mqtt.reasons import allowed_reason_codes
from levante.codecs.mqtt.topics import SHARE_PREFIX, validate_topic_filter, validate_topic_name
from levante.codecs.mqtt.wire import VBI_MAX_BYTES, Reader, decode_variable_byte_integer

DEFAULT_MAX_PACKET_SIZE = 1 << 20
MQTT_3_1_1 = 4
MQTT_5 = 5
SUPPORTED_LEVELS = (MQTT_3_1_1, MQTT_5)

# §2.1.3 (both versions): PUBREL, SUBSCRIBE and UNSUBSCRIBE carry flags 0010; every other
# type but PUBLISH carries 0000.
_FLAGS_0010 = frozenset({PacketType.PUBREL, PacketType.SUBSCRIBE, PacketType.UNSUBSCRIBE})


def check_first_byte(first_byte: int, protocol_level: int) -> None:
    """Refuse a reserved packet type or illegal fixed-header flags at once."""
    packet_type = first_byte >> 4
    flags = first_byte & 0x0F
    if packet_type == 0 or (packet_type == PacketType.AUTH and protocol_level != MQTT_5):
        raise MqttMalformedError(f"packet type {packet_type} is reserved")
    if packet_type == PacketType.PUBLISH:
        # §3.3.1.2: QoS 3 is malformed; 5.0 §3.3.1.1: DUP must be 0 when QoS is 0.
        qos = (flags >> 1) & 0x03
        if qos == 3:
            raise MqttMalformedError("PUBLISH with QoS 3")
        if qos == 0 and flags & 0x08:
            raise MqttMalformedError("PUBLISH with DUP set at QoS 0")
        return
    expected = 0b0010 if packet_type in _FLAGS_0010 else 0
    if flags != expected:
        raise MqttMalformedError(
            f"{PacketType(packet_type).name} flags {flags:04b}, expected {expected:04b}"
        )


def parse_fixed_header(
    data: bytes, start: int, end: int, protocol_level: int, max_packet_size: int
) -> tuple[int, int, int] | None:
    """(first byte, body start, packet end), or None while the header is incomplete.

    MQTT 5.0 §2.1.4: the remaining length is a variable byte integer of at most four
    bytes. The size limit is applied here, before any of the body is waited for.
    """
    if end <= start:
        return None
    first_byte = data[start]
    check_first_byte(first_byte, protocol_level)
    if end - start >= 2 and data[start + 1] < 0x80:
        # The common case, a body under 128 bytes: one length byte, nothing to loop over.
        remaining, body_start = data[start + 1], start + 2
    else:
        available = min(end, start + 1 + VBI_MAX_BYTES)
        for index in range(start + 1, available):
            if not data[index] & 0x80:
                break
        else:
            if available - start - 1 < VBI_MAX_BYTES:
                return None
        remaining, body_start = decode_variable_byte_integer(
            data, start + 1, end, "remaining length"
        )
    packet_end = body_start + remaining
    if packet_end - start > max_packet_size:
        raise MqttPacketTooLargeError(
            f"packet of {packet_end - start} bytes exceeds the {max_packet_size}-byte limit"
        )
    return first_byte, body_start, packet_end


def decode(
    data: bytes,
    protocol_level: int = MQTT_3_1_1,
    max_packet_size: int = DEFAULT_MAX_PACKET_SIZE,
) -> MqttPacket:
    """Exactly one whole packet; a CONNECT always decodes by its own protocol level."""
    if protocol_level not in SUPPORTED_LEVELS:
        raise MqttUnsupportedProtocolError(f"protocol level {protocol_level} is not supported")
    data = bytes(data)
    packet = decode_simple_publish(data, protocol_level, max_packet_size)
    if packet is not None:
        return packet
    return decode_general(data, protocol_level, max_packet_size)


# Valid PUBLISH first bytes -> (QoS, retain, DUP). The flag rules of check_first_byte are
# in the table's absence of 0x36/0x37/0x3E/0x3F (QoS 3) and 0x38/0x39 (DUP at QoS 0).
_PUBLISH_HIGH_NIBBLE = PacketType.PUBLISH << 4
_PUBLISH_FLAGS: dict[int, tuple[int, bool, bool]] = {
    first_byte: ((first_byte >> 1) & 0x03, bool(first_byte & 0x01), bool(first_byte & 0x08))
    for first_byte in range(_PUBLISH_HIGH_NIBBLE, _PUBLISH_HIGH_NIBBLE + 0x10)
    if (first_byte >> 1) & 0x03 != 3 and (first_byte & 0x0E) != 0x08
}


def decode_simple_publish(
    data: bytes, protocol_level: int, max_packet_size: int
) -> Publish | None:
    """The common PUBLISH, decoded in one pass; None sends everything else to the general path.

    PUBLISH is most of what a device receives, and the general path pays for its
    generality (a Reader, a call per field, a dispatch table) on every one. This path
    takes only a packet it can check completely: a valid first byte, a one- or two-byte
    remaining length that is minimal and matches the input, a non-empty topic that is
    strict UTF-8 without U+0000 or wildcards, a non-zero packet identifier when QoS > 0
    and, at 5.0, an empty property section. For anything else, including every malformed
    packet, it returns None and decode_general decides, so errors and their messages come
    from one place and this path can only ever accept what that one accepts.
    """
    size = len(data)
    # Five bytes is the smallest PUBLISH there is: header, length, two-byte topic length
    # and a one-byte topic. It also keeps every index below inside the input.
    flags = _PUBLISH_FLAGS.get(data[0]) if size >= 5 else None
    if flags is None:
        return None
    length = data[1]
    if length < 0x80:
        body_start = 2
    else:
        # Two bytes of remaining length cover bodies up to 16383 bytes; a second byte of
        # zero would be a non-minimal encoding, and a longer one goes the general way.
        high = data[2]
        if not 0 < high < 0x80:
            return None
        length = (length & 0x7F) | (high << 7)
        body_start = 3
    if body_start + length != size or size > max_packet_size:
        return None
    return simple_publish_body(data, body_start, size, flags, protocol_level)


def simple_publish_body(
    data: bytes, body_start: int, end: int, flags: tuple[int, bool, bool], protocol_level: int
) -> Publish | None:
    """A PUBLISH body data[body_start:end] checked in one pass, or None.

    The rules are decode_simple_publish's. Reads stay below `end`, never `len(data)`:
    in a stream the next packet may follow in the same buffer.
    """
    topic_start = body_start + 2
    if topic_start > end:
        return None
    topic_end = topic_start + ((data[body_start] << 8) | data[body_start + 1])
    qos, retain, dup = flags
    payload_start = topic_end + 2 if qos else topic_end
    if protocol_level == MQTT_5:
        # One more byte for the property length, which must be zero here.
        payload_start += 1
    elif protocol_level != MQTT_3_1_1:
        return None
    if topic_end == topic_start or payload_start > end:
        return None
    try:
        # Python's strict codec refuses overlongs, surrogates and cut sequences.
        topic = data[topic_start:topic_end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    # U+0000 and both wildcards are ASCII, so each is one code point to look for.
    if "\x00" in topic or "+" in topic or "#" in topic:
        return None
    packet_id = None
    if qos:
        packet_id = (data[topic_end] << 8) | data[topic_end + 1]
        if not packet_id:
            return None
    if protocol_level == MQTT_5 and data[payload_start - 1]:
        return None
    return new_publish(topic, data[payload_start:end], qos, retain, dup, packet_id)


def decode_general(data: bytes, protocol_level: int, max_packet_size: int) -> MqttPacket:
    """Any packet at all, checked field by field; every decoding error is raised here."""
    if protocol_level not in SUPPORTED_LEVELS:
        raise MqttUnsupportedProtocolError(f"protocol level {protocol_level} is not supported")
    header = parse_fixed_header(data, 0, len(data), protocol_level, max_packet_size)
    if header is None:
        raise MqttTruncatedError("input ends inside the fixed header")
    first_byte, body_start, packet_end = header
    if packet_end > len(data):
        raise MqttTruncatedError(
            f"packet needs {packet_end} bytes, input has {len(data)}"
        )
    if packet_end < len(data):
        raise MqttMalformedError(f"{len(data) - packet_end} bytes follow the packet")
    return decode_body(first_byte, Reader(data, body_start, packet_end), protocol_level)


def decode_body(first_byte: int, reader: Reader, protocol_level: int) -> MqttPacket:
    """The variable header and payload of a packet whose fixed header was checked."""
    packet = _DECODERS[first_byte >> 4](first_byte & 0x0F, reader, protocol_level)
    if reader.remaining:
        raise MqttMalformedError(
            f"{reader.remaining} unexpected bytes at the end of {type(packet).__name__}"
        )
    return packet


def _packet_id(reader: Reader) -> int:
    # §2.3.1 (3.1.1) / §2.2.1 (5.0): a packet identifier is never zero.
    packet_id = reader.u16("packet identifier")
    if packet_id == 0:
        raise MqttProtocolError("packet identifier 0")
    return packet_id


def _reason_code(reader: Reader, packet_type: PacketType, protocol_level: int) -> int:
    code = reader.byte("reason code")
    if code not in allowed_reason_codes(packet_type, protocol_level):
        raise MqttProtocolError(f"reason code 0x{code:02x} is not valid in {packet_type.name}")
    return code


def _properties(reader: Reader, context: int, protocol_level: int) -> Properties:
    return read_properties(reader, context) if protocol_level == MQTT_5 else ()


# §3.1.2: protocol name "MQTT", level 4 or 5, connect flags, keep alive, (5.0) properties;
# §3.1.3: client id, then will (properties), topic and payload, user name, password.
def _connect(flags: int, reader: Reader, _: int) -> Connect:
    name = reader.string("protocol name")
    level = reader.byte("protocol level")
    if name != "MQTT" or level not in SUPPORTED_LEVELS:
        raise MqttUnsupportedProtocolError(f"protocol {name!r} level {level} is not supported")
    connect_flags = reader.byte("connect flags")
    # §3.1.2.3: the reserved flag bit must be zero.
    if connect_flags & 0x01:
        raise MqttMalformedError("reserved connect flag is set")
    has_will = bool(connect_flags & 0x04)
    will_qos = (connect_flags >> 3) & 0x03
    will_retain = bool(connect_flags & 0x20)
    has_password = bool(connect_flags & 0x40)
    has_username = bool(connect_flags & 0x80)
    # §3.1.2.6: will QoS 3 is malformed; §3.1.2.5: no will means will QoS and retain are 0.
    if will_qos == 3:
        raise MqttMalformedError("will QoS 3")
    if not has_will and (will_qos or will_retain):
        raise MqttMalformedError("will QoS or retain set without a will")
    # 3.1.1 §3.1.2.9: a password needs a user name (5.0 lifted this rule).
    if level == MQTT_3_1_1 and has_password and not has_username:
        raise MqttMalformedError("password flag set without user name flag")
    keep_alive = reader.u16("keep alive")
    properties = _properties(reader, PacketType.CONNECT, level)
    client_id = reader.string("client identifier")
    will = None
    if has_will:
        will_properties = _properties(reader, WILL_PROPERTIES, level)
        topic = validate_topic_name(reader.string("will topic"))
        payload = reader.binary("will payload")
        will = Will(topic, payload, will_qos, will_retain, will_properties)
    username = reader.string("user name") if has_username else None
    password = reader.binary("password") if has_password else None
    return Connect(
        client_id, level, bool(connect_flags & 0x02), keep_alive, will, username, password,
        properties,
    )


# §3.2.2: acknowledge flags (only bit 0, session present), return/reason code, properties.
def _connack(flags: int, reader: Reader, level: int) -> ConnAck:
    acknowledge_flags = reader.byte("acknowledge flags")
    if acknowledge_flags & 0xFE:
        raise MqttMalformedError("reserved CONNACK flags are set")
    code = _reason_code(reader, PacketType.CONNACK, level)
    session_present = bool(acknowledge_flags)
    # 3.1.1 §3.2.2.2 / 5.0 §3.2.2.1.1: a refused connection has no session.
    if session_present and code:
        raise MqttProtocolError("session present on a refused connection")
    return ConnAck(session_present, code, _properties(reader, PacketType.CONNACK, level))


# §3.3.2: topic name, packet identifier when QoS > 0, (5.0) properties; the rest is payload.
def _publish(flags: int, reader: Reader, level: int) -> Publish:
    # The stream decoder comes this way, so it gets the one-pass check too, and most
    # packets pass it. The fixed header's flags were checked already, so the table has
    # them; a miss would only mean taking the field-by-field way below.
    flag_values = _PUBLISH_FLAGS.get(_PUBLISH_HIGH_NIBBLE | flags)
    packet = None
    if flag_values is not None:
        packet = simple_publish_body(reader.data, reader.position, reader.end, flag_values, level)
    if packet is not None:
        reader.position = reader.end
        return packet
    qos = (flags >> 1) & 0x03
    topic = reader.string("topic name")
    packet_id = _packet_id(reader) if qos else None
    properties = _properties(reader, PacketType.PUBLISH, level)
    if topic:
        if "+" in topic or "#" in topic:
            validate_topic_name(topic)
    # 5.0 §3.3.2.3.4: an empty topic name is allowed only when a Topic Alias stands in.
    elif not any(item.identifier == PropertyId.TOPIC_ALIAS for item in properties):
        raise MqttTopicError("empty topic name without a topic alias")
    return new_publish(
        topic, reader.rest(), qos, bool(flags & 0x01), bool(flags & 0x08), packet_id, properties
    )


# §3.4-§3.7: packet identifier; 5.0 adds a reason code and properties, both omissible.
def _publish_response(
    packet_class: type[PubAck] | type[PubRec] | type[PubRel] | type[PubComp],
) -> Callable[[int, Reader, int], MqttPacket]:
    packet_type = packet_class.packet_type

    def decode_response(flags: int, reader: Reader, level: int) -> MqttPacket:
        packet_id = _packet_id(reader)
        code = 0
        properties: Properties = ()
        if level == MQTT_5 and reader.remaining:
            code = _reason_code(reader, packet_type, level)
            if reader.remaining:
                properties = read_properties(reader, packet_type)
        return packet_class(packet_id, code, properties)

    return decode_response


# §3.8.3: one or more (topic filter, subscription options) pairs.
def _subscribe(flags: int, reader: Reader, level: int) -> Subscribe:
    packet_id = _packet_id(reader)
    properties = _properties(reader, PacketType.SUBSCRIBE, level)
    subscriptions: list[Subscription] = []
    while reader.remaining:
        topic_filter = validate_topic_filter(reader.string("topic filter"), level == MQTT_5)
        options = reader.byte("subscription options")
        qos = options & 0x03
        # 3.1.1 §3.8.3.1 reserves bits 7-2; 5.0 §3.8.3.1 reserves bits 7-6.
        reserved = 0xFC if level == MQTT_3_1_1 else 0xC0
        retain_handling = (options >> 4) & 0x03
        if options & reserved or qos == 3 or retain_handling == 3:
            raise MqttMalformedError(f"invalid subscription options 0x{options:02x}")
        no_local = bool(options & 0x04)
        # 5.0 §3.8.3.1: No Local on a shared subscription is a protocol error.
        if no_local and topic_filter.startswith(SHARE_PREFIX):
            raise MqttProtocolError("No Local set on a shared subscription")
        subscriptions.append(
            Subscription(topic_filter, qos, no_local, bool(options & 0x08), retain_handling)
        )
    if not subscriptions:
        raise MqttProtocolError("SUBSCRIBE without a topic filter")
    return Subscribe(packet_id, tuple(subscriptions), properties)


# §3.9.3: one return/reason code per topic filter subscribed.
def _suback(flags: int, reader: Reader, level: int) -> SubAck:
    packet_id = _packet_id(reader)
    properties = _properties(reader, PacketType.SUBACK, level)
    codes = tuple(reader.rest())
    allowed = allowed_reason_codes(PacketType.SUBACK, level)
    if not codes or not allowed.issuperset(codes):
        raise MqttProtocolError(f"invalid SUBACK reason codes {codes!r}")
    return SubAck(packet_id, codes, properties)


# §3.10.3: one or more topic filters.
def _unsubscribe(flags: int, reader: Reader, level: int) -> Unsubscribe:
    packet_id = _packet_id(reader)
    properties = _properties(reader, PacketType.UNSUBSCRIBE, level)
    filters: list[str] = []
    while reader.remaining:
        filters.append(validate_topic_filter(reader.string("topic filter"), level == MQTT_5))
    if not filters:
        raise MqttProtocolError("UNSUBSCRIBE without a topic filter")
    return Unsubscribe(packet_id, tuple(filters), properties)


# 3.1.1 §3.11: packet identifier only; 5.0 §3.11.3 adds one reason code per filter.
def _unsuback(flags: int, reader: Reader, level: int) -> UnsubAck:
    packet_id = _packet_id(reader)
    if level == MQTT_3_1_1:
        return UnsubAck(packet_id)
    properties = read_properties(reader, PacketType.UNSUBACK)
    codes = tuple(reader.rest())
    allowed = allowed_reason_codes(PacketType.UNSUBACK, level)
    if not codes or not allowed.issuperset(codes):
        raise MqttProtocolError(f"invalid UNSUBACK reason codes {codes!r}")
    return UnsubAck(packet_id, codes, properties)


def _pingreq(flags: int, reader: Reader, level: int) -> PingReq:
    return PingReq()


def _pingresp(flags: int, reader: Reader, level: int) -> PingResp:
    return PingResp()


# 5.0 §3.14.2 / §3.15.2: reason code and properties, both omissible when zero and empty.
def _optional_reason_and_properties(
    packet_type: PacketType, reader: Reader, level: int
) -> tuple[int, Properties]:
    if level == MQTT_3_1_1 or not reader.remaining:
        return 0, ()
    code = _reason_code(reader, packet_type, level)
    properties = read_properties(reader, packet_type) if reader.remaining else ()
    return code, properties


def _disconnect(flags: int, reader: Reader, level: int) -> Disconnect:
    return Disconnect(*_optional_reason_and_properties(PacketType.DISCONNECT, reader, level))


def _auth(flags: int, reader: Reader, level: int) -> Auth:
    return Auth(*_optional_reason_and_properties(PacketType.AUTH, reader, level))


_DECODERS: dict[int, Callable[[int, Reader, int], MqttPacket]] = {
    PacketType.CONNECT: _connect,
    PacketType.CONNACK: _connack,
    PacketType.PUBLISH: _publish,
    PacketType.PUBACK: _publish_response(PubAck),
    PacketType.PUBREC: _publish_response(PubRec),
    PacketType.PUBREL: _publish_response(PubRel),
    PacketType.PUBCOMP: _publish_response(PubComp),
    PacketType.SUBSCRIBE: _subscribe,
    PacketType.SUBACK: _suback,
    PacketType.UNSUBSCRIBE: _unsubscribe,
    PacketType.UNSUBACK: _unsuback,
    PacketType.PINGREQ: _pingreq,
    PacketType.PINGRESP: _pingresp,
    PacketType.DISCONNECT: _disconnect,
    PacketType.AUTH: _auth,
}
