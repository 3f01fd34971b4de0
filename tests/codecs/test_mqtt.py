"""MQTT codec: fixed header rules, CVE regression vectors, strings, topics, properties."""

from __future__ import annotations

import pytest

from levante.codecs import mqtt
from levante.codecs.fields import to_json
from levante.codecs.mqtt import (
    MqttMalformedError,
    MqttPacketTooLargeError,
    MqttPropertyError,
    MqttProtocolError,
    MqttTopicError,
    MqttTruncatedError,
    Property,
    PropertyId,
)

BIG = 1 << 29


def test_cve_2020_10062_five_byte_remaining_length_is_rejected() -> None:
    with pytest.raises(MqttMalformedError, match="longer than 4 bytes"):
        mqtt.decode(bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]), max_packet_size=BIG)
    with pytest.raises(MqttMalformedError, match="longer than 4 bytes"):
        mqtt.StreamDecoder(max_packet_size=BIG).feed(bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF]))


def test_cve_2020_10062_four_byte_maximum_decodes_to_268435455() -> None:
    decoder = mqtt.StreamDecoder(max_packet_size=BIG)
    assert decoder.feed(bytes([0x30, 0xFF, 0xFF, 0xFF, 0x7F])) == []
    with pytest.raises(MqttTruncatedError, match=f"needs {268_435_455 + 5} bytes"):
        mqtt.decode(bytes([0x30, 0xFF, 0xFF, 0xFF, 0x7F]), max_packet_size=BIG)


def test_non_minimal_remaining_length_is_malformed() -> None:
    with pytest.raises(MqttMalformedError, match="minimally"):
        mqtt.decode(bytes([0xC0, 0x80, 0x00]))


# CVE-2020-10070: the size claimed by the fixed header is refused before the body arrives.
def test_cve_2020_10070_over_limit_packet_refused_from_the_header_alone() -> None:
    decoder = mqtt.StreamDecoder(max_packet_size=1024)
    assert decoder.feed(b"\x30") == [] and decoder.pending == 1
    with pytest.raises(MqttPacketTooLargeError):
        decoder.feed(b"\xff\x07")  # 1023 + 3 header bytes = 1026 > 1024
    assert decoder.pending == 0
    with pytest.raises(MqttPacketTooLargeError, match="already failed"):
        decoder.feed(b"\xe0\x00")


def test_stream_holds_only_the_incomplete_packet() -> None:
    publish = mqtt.encode(mqtt.Publish("t", b"x" * 100))
    decoder = mqtt.StreamDecoder(max_packet_size=len(publish))
    packets = decoder.feed(publish * 3 + publish[:50])
    assert len(packets) == 3 and decoder.pending == 50
    assert decoder.feed(publish[50:]) == [mqtt.Publish("t", b"x" * 100)]
    assert decoder.pending == 0


# CVE-2020-10071: a PUBLISH whose topic length claims more than the packet holds.
def test_cve_2020_10071_topic_length_beyond_remaining_length() -> None:
    with pytest.raises(MqttMalformedError, match="ends inside topic name"):
        mqtt.decode(bytes([0x30, 0x05, 0xFF, 0xFF]) + b"abc")
    with pytest.raises(MqttMalformedError):
        mqtt.decode(bytes([0x32, 0x04, 0x00, 0x01]) + b"a" + b"\x00")  # packet id cut short


@pytest.mark.parametrize(
    ("first_byte", "message"),
    [(0x36, "QoS 3"), (0x38, "DUP"), (0x80, "flags"), (0x83, "flags"), (0x60, "flags"),
     (0xA0, "flags"), (0xC1, "flags"), (0x00, "reserved"), (0xF0, "reserved")],
)
def test_fixed_header_flag_rules(first_byte: int, message: str) -> None:
    with pytest.raises(MqttMalformedError, match=message):
        mqtt.decode(bytes([first_byte, 0x00]))


def test_auth_is_a_5_0_packet() -> None:
    assert mqtt.decode(b"\xf0\x00", 5) == mqtt.Auth()
    with pytest.raises(mqtt.MqttEncodeError):
        mqtt.encode(mqtt.Auth(), 4)


def test_trailing_and_missing_bytes() -> None:
    with pytest.raises(MqttMalformedError, match="follow"):
        mqtt.decode(b"\xc0\x00\xc0")
    with pytest.raises(MqttTruncatedError):
        mqtt.decode(b"\x30")
    with pytest.raises(MqttMalformedError, match="unexpected"):
        mqtt.decode(b"\xc0\x01\x00")


def publish_with_topic(topic: bytes) -> bytes:
    return bytes([0x30, len(topic) + 2, 0, len(topic)]) + topic


@pytest.mark.parametrize(
    "topic", [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"a\x00b", b"\xe2\x82"],
    ids=["invalid-byte", "overlong", "surrogate", "nul", "cut-sequence"],
)
def test_utf8_rules(topic: bytes) -> None:
    with pytest.raises(MqttMalformedError):
        mqtt.decode(publish_with_topic(topic))


def test_topic_name_rules() -> None:
    assert mqtt.decode(publish_with_topic("sensor/é/1".encode())).topic == "sensor/é/1"  # type: ignore[union-attr]
    for topic in (b"a/+", b"#", b""):
        with pytest.raises(MqttTopicError):
            mqtt.decode(publish_with_topic(topic))


@pytest.mark.parametrize("topic_filter", ["#", "a/#", "+", "+/+/c", "a//+", "/#", "$SYS/#"])
def test_valid_topic_filters(topic_filter: str) -> None:
    assert mqtt.validate_topic_filter(topic_filter) == topic_filter


@pytest.mark.parametrize(
    "topic_filter", ["", "a/#/b", "a#", "#/", "a/b+", "+a", "$share/g+/x", "$share/g", "$share//x"]
)
def test_invalid_topic_filters(topic_filter: str) -> None:
    with pytest.raises(MqttTopicError):
        mqtt.validate_topic_filter(topic_filter)


def test_shared_subscription_rules_only_in_5_0() -> None:
    subscribe = mqtt.Subscribe(1, (mqtt.Subscription("$share//x"),))
    assert mqtt.decode(mqtt.encode(subscribe, 4), 4) == subscribe
    raw = bytearray(mqtt.encode(mqtt.Subscribe(1, (mqtt.Subscription("$share/g/x"),)), 5))
    raw[-1] |= 0x04  # No Local
    with pytest.raises(MqttProtocolError, match="No Local"):
        mqtt.decode(bytes(raw), 5)


def test_subscribe_option_bits() -> None:
    subscribe = mqtt.Subscribe(1, (mqtt.Subscription("a", 1),))
    for options, level in ((0x04, 4), (0x03, 4), (0x30, 5), (0x40, 5)):
        raw = bytearray(mqtt.encode(subscribe, level))
        raw[-1] = options
        with pytest.raises(MqttMalformedError, match="subscription options"):
            mqtt.decode(bytes(raw), level)
    with pytest.raises(MqttProtocolError, match="without a topic filter"):
        mqtt.decode(b"\x82\x02\x00\x01")


def test_packet_identifier_zero_is_refused() -> None:
    with pytest.raises(MqttProtocolError, match="identifier 0"):
        mqtt.decode(b"\x40\x02\x00\x00")


def test_connect_rules() -> None:
    good = mqtt.encode(mqtt.Connect("c", will=mqtt.Will("w/t", b"bye", 1, True)))
    assert mqtt.decode(good).will == mqtt.Will("w/t", b"bye", 1, True)  # type: ignore[union-attr]
    flags_at = 9  # 2 header bytes + "\x00\x04MQTT" + level
    for flags, message in ((0x01, "reserved"), (0x18 | 0x04, "QoS 3"), (0x20, "without a will"),
                           (0x40, "password")):
        raw = bytearray(good)
        raw[flags_at] = flags
        with pytest.raises(MqttMalformedError, match=message):
            mqtt.decode(bytes(raw))
    raw = bytearray(good)
    raw[flags_at - 1] = 3
    with pytest.raises(mqtt.MqttUnsupportedProtocolError):
        mqtt.decode(bytes(raw))


def test_connack_rules() -> None:
    assert mqtt.decode(b"\x20\x02\x01\x00") == mqtt.ConnAck(True, 0)
    with pytest.raises(MqttProtocolError, match="session present"):
        mqtt.decode(b"\x20\x02\x01\x05")
    with pytest.raises(MqttProtocolError, match="reason code"):
        mqtt.decode(b"\x20\x02\x00\x06")
    with pytest.raises(MqttMalformedError, match="reserved"):
        mqtt.decode(b"\x20\x02\x02\x00")
    assert mqtt.decode(b"\x20\x03\x00\x87\x00", 5) == mqtt.ConnAck(False, 0x87)


def test_5_0_short_forms_of_acknowledgements() -> None:
    assert mqtt.decode(b"\x40\x02\x00\x07", 5) == mqtt.PubAck(7)
    assert mqtt.decode(b"\x40\x03\x00\x07\x10", 5) == mqtt.PubAck(7, 0x10)
    assert mqtt.encode(mqtt.PubAck(7, 0x10), 5) == b"\x40\x03\x00\x07\x10"
    assert mqtt.decode(b"\xe0\x00", 5) == mqtt.Disconnect()
    with pytest.raises(MqttMalformedError):
        mqtt.decode(b"\x40\x03\x00\x07\x10", 4)
    with pytest.raises(MqttProtocolError, match="0x10 is not valid in PUBREL"):
        mqtt.decode(b"\x62\x03\x00\x07\x10", 5)


def props_packet(properties: bytes) -> bytes:
    """A 5.0 DISCONNECT (reason 0) carrying these raw property bytes."""
    body = b"\x00" + bytes([len(properties)]) + properties
    return bytes([0xE0, len(body)]) + body


def test_properties_decode() -> None:
    raw = props_packet(b"\x11\x00\x00\x00\x3c" b"\x26\x00\x01k\x00\x01v" b"\x26\x00\x01k\x00\x00")
    assert mqtt.decode(raw, 5) == mqtt.Disconnect(0, (
        Property(PropertyId.SESSION_EXPIRY_INTERVAL, 60),
        Property(PropertyId.USER_PROPERTY, ("k", "v")),
        Property(PropertyId.USER_PROPERTY, ("k", "")),
    ))


@pytest.mark.parametrize(
    ("properties", "message"),
    [(b"\x11\x00\x00\x00\x01" b"\x11\x00\x00\x00\x02", "twice"),
     (b"\x23\x00\x01", "not allowed in DISCONNECT"),
     (b"\x05", "unknown"),
     (b"\x80\x01", "unknown"),
     ],
)
def test_property_errors(properties: bytes, message: str) -> None:
    with pytest.raises(MqttPropertyError, match=message):
        mqtt.decode(props_packet(properties), 5)


def test_property_value_rules() -> None:
    publish = mqtt.Publish("t", properties=(Property(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1),))
    raw = bytearray(mqtt.encode(publish, 5))
    raw[-1] = 2
    with pytest.raises(MqttPropertyError, match="0 or 1"):
        mqtt.decode(bytes(raw), 5)
    alias = mqtt.encode(mqtt.Publish("", properties=(Property(PropertyId.TOPIC_ALIAS, 3),)), 5)
    assert mqtt.decode(alias, 5).topic == ""  # type: ignore[union-attr]
    with pytest.raises(MqttPropertyError, match="must not be 0"):
        mqtt.decode(alias[:-1] + b"\x00", 5)
    repeated = (Property(PropertyId.SUBSCRIPTION_IDENTIFIER, 1),) * 2
    with_repeats = mqtt.Publish("t", properties=repeated)
    assert mqtt.decode(mqtt.encode(with_repeats, 5), 5) == with_repeats
    with pytest.raises(mqtt.MqttEncodeError, match="twice"):
        mqtt.encode(mqtt.Subscribe(1, (mqtt.Subscription("t"),), repeated), 5)


def test_property_length_past_the_packet() -> None:
    with pytest.raises(MqttMalformedError, match="runs past"):
        mqtt.decode(b"\xe0\x03\x00\x09\x11", 5)
    with pytest.raises(MqttMalformedError, match="ends inside"):
        mqtt.decode(props_packet(b"\x11\x00\x00"), 5)


@pytest.mark.parametrize(
    "packet",
    [mqtt.Publish("a/+"), mqtt.Publish("t", qos=3, packet_id=1), mqtt.Publish("t", qos=1),
     mqtt.Publish("t", dup=True), mqtt.Publish("t", packet_id=4),
     mqtt.Publish("t", properties=(Property(PropertyId.TOPIC_ALIAS, 1),)),
     mqtt.Connect("c", password=b"p"), mqtt.Subscribe(1, ()), mqtt.Subscribe(1, (
         mqtt.Subscription("a", no_local=True),)), mqtt.PubAck(0), mqtt.ConnAck(True, 5),
     mqtt.UnsubAck(1, (0,)), mqtt.Publish("t\x00"), mqtt.Publish("\ud800")],
)
def test_encode_refuses_packets_3_1_1_cannot_carry(packet: mqtt.MqttPacket) -> None:
    with pytest.raises(mqtt.MqttEncodeError):
        mqtt.encode(packet, 4)


def test_stream_learns_the_level_from_connect() -> None:
    decoder = mqtt.StreamDecoder()
    stream = mqtt.encode(mqtt.Connect("c", 5)) + mqtt.encode(mqtt.PubAck(3, 0x80), 5)
    assert decoder.feed(stream)[1] == mqtt.PubAck(3, 0x80)
    assert decoder.protocol_level == 5
    pinned = mqtt.StreamDecoder(protocol_level=4)
    with pytest.raises(MqttProtocolError, match="level 5"):
        pinned.feed(mqtt.encode(mqtt.Connect("c", 5)))


def test_json_view() -> None:
    packet = mqtt.decode(mqtt.encode(mqtt.Publish("t", b"\x01", 1, packet_id=9)))
    assert to_json(packet) == {
        "packet_type": "PUBLISH", "topic": "t", "payload": "01", "qos": 1,
        "retain": False, "dup": False, "packet_id": 9, "properties": [],
    }
