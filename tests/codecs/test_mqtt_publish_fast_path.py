"""The one-pass PUBLISH path must accept exactly what the general path accepts, and alike.

`decode` tries `decode_simple_publish` first and falls back to `decode_general`; the stream
decoder's PUBLISH goes through `simple_publish_body` the same way. Whatever the fast path
returns must equal what the general path decodes, and whatever the general path refuses
the fast path must hand over (return None), so that the error and its message come from
the general path.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from appsupport import any_packet, topic_names
from hypothesis import given, settings
from hypothesis import strategies as st

from levante.codecs import mqtt
from levante.codecs.mqtt.decoder import (
    DEFAULT_MAX_PACKET_SIZE,
    decode_general,
    decode_simple_publish,
    parse_fixed_header,
)
from levante.codecs.mqtt.packets import new_publish
from levante.codecs.mqtt.wire import encode_variable_byte_integer

LEVELS = (mqtt.MQTT_3_1_1, mqtt.MQTT_5)


def publish_bytes(
    topic: bytes, payload: bytes = b"x", first_byte: int = 0x30, level: int = 4,
    packet_id: bytes = b"\x00\x07", properties: bytes = b"\x00",
) -> bytes:
    """A PUBLISH built by hand, so the topic can be any bytes at all."""
    body = len(topic).to_bytes(2, "big") + topic
    if first_byte & 0x06:
        body += packet_id
    if level == mqtt.MQTT_5:
        body += properties
    body += payload
    return bytes((first_byte,)) + encode_variable_byte_integer(len(body)) + body


def general_outcome(raw: bytes, level: int, limit: int) -> object:
    """What the general path makes of the bytes: a packet, or (error type, message)."""
    try:
        return decode_general(raw, level, limit)
    except mqtt.MqttError as error:
        return type(error), error.message


def stream_outcome(raw: bytes, level: int) -> object:
    """The same bytes through the stream decoder, between two PINGRESPs."""
    decoder = mqtt.StreamDecoder(protocol_level=level)
    try:
        packets = decoder.feed(b"\xd0\x00" + raw + b"\xd0\x00")
    except mqtt.MqttError as error:
        return type(error), error.message
    if len(packets) != 3 or decoder.pending:
        return packets
    return packets[1]


def assert_same_as_general(raw: bytes, level: int, limit: int = DEFAULT_MAX_PACKET_SIZE) -> None:
    fast = decode_simple_publish(raw, level, limit)
    expected = general_outcome(raw, level, limit)
    if fast is not None:
        assert fast == expected
        assert type(fast) is mqtt.Publish
    try:
        outcome: object = mqtt.decode(raw, level, limit)
    except mqtt.MqttError as error:
        outcome = type(error), error.message
    assert outcome == expected


# Topics the general path refuses, each for a reason a fast check could miss.
REFUSED_TOPICS = {
    "nul": b"a\x00b",
    "nul-alone": b"\x00",
    "overlong-nul": b"\xc0\x80",
    "overlong-slash": b"\xc0\xaf",
    "overlong-three-bytes": b"\xe0\x80\xaf",
    "overlong-four-bytes": b"\xf0\x80\x80\xaf",
    "surrogate-high": b"\xed\xa0\x80",
    "surrogate-low": b"a/\xed\xbf\xbf",
    "surrogate-pair": b"\xed\xa0\xbd\xed\xb8\x80",
    "beyond-u10ffff": b"\xf4\x90\x80\x80",
    "cut-sequence": b"\xe2\x82",
    "lone-continuation": b"\x80",
    "invalid-byte": b"\xff",
    "plus": b"a/+",
    "hash": b"#",
    "hash-inside": b"a/#/b",
    "wildcard-after-non-ascii": "é/+".encode(),
    "empty": b"",
}
ACCEPTED_TOPICS = {
    "ascii": b"home/room/temperature",
    "one-character": b"t",
    "latin": "maison/séjour/température".encode(),
    "cjk": "工場/温度".encode(),
    "astral": "a/\U0001f600/b".encode(),
    "u+ffff-and-controls": "\uffff\x01\x7f\u0085".encode(),
    "sys": b"$SYS/broker/load",
    "slashes-only": b"///",
}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("first_byte", [0x30, 0x32, 0x3B])
@pytest.mark.parametrize("topic", REFUSED_TOPICS.values(), ids=REFUSED_TOPICS.keys())
def test_refused_topics_take_the_general_path(topic: bytes, first_byte: int, level: int) -> None:
    raw = publish_bytes(topic, first_byte=first_byte, level=level)
    assert decode_simple_publish(raw, level, DEFAULT_MAX_PACKET_SIZE) is None
    with pytest.raises(mqtt.MqttError):
        mqtt.decode(raw, level)
    assert_same_as_general(raw, level)
    assert stream_outcome(raw, level) == general_outcome(raw, level, DEFAULT_MAX_PACKET_SIZE)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("first_byte", [0x30, 0x31, 0x32, 0x3D])
@pytest.mark.parametrize("topic", ACCEPTED_TOPICS.values(), ids=ACCEPTED_TOPICS.keys())
def test_accepted_topics_take_the_fast_path(topic: bytes, first_byte: int, level: int) -> None:
    raw = publish_bytes(topic, first_byte=first_byte, level=level)
    packet = decode_simple_publish(raw, level, DEFAULT_MAX_PACKET_SIZE)
    assert packet is not None and packet.topic == topic.decode("utf-8")
    assert_same_as_general(raw, level)
    assert stream_outcome(raw, level) == packet


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (bytes((0x36,)) + publish_bytes(b"t")[1:], "QoS 3"),
        (bytes((0x38,)) + publish_bytes(b"t")[1:], "DUP at QoS 0"),
        (publish_bytes(b"t", first_byte=0x32, packet_id=b"\x00\x00"), "packet identifier 0"),
        (publish_bytes(b"t") + b"\x00", "a byte after the packet"),
        (publish_bytes(b"t", payload=b"")[:-1], "input ends inside the topic"),
        (b"\x30\x02\x00\x01", "topic length beyond the packet"),
        (b"\x30\x03\x00\x05t", "topic length beyond the packet, more bytes"),
        (b"\x32\x04\x00\x01t\x00", "packet identifier cut short"),
        (b"\x30\x83\x00\x00\x01t", "non-minimal two-byte remaining length"),
        (b"\x30\x83\x80\x00\x00\x01t", "non-minimal three-byte remaining length"),
        (b"\x30\x03\x00\x01t\x01", "remaining length one short"),
        (b"\x20\x02\x00\x00", "not a PUBLISH"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_malformed_headers_take_the_general_path(raw: bytes, why: str, level: int) -> None:
    assert decode_simple_publish(raw, level, DEFAULT_MAX_PACKET_SIZE) is None, why
    assert_same_as_general(raw, level)


@pytest.mark.parametrize("payload_size", [0, 120, 200, 16_000, 16_400])
def test_remaining_length_sizes_and_the_packet_limit(payload_size: int) -> None:
    raw = publish_bytes(b"a/b", payload=bytes(payload_size))
    assert_same_as_general(raw, mqtt.MQTT_3_1_1)
    # Exactly at the limit decodes; one byte under it is refused by the general path.
    assert_same_as_general(raw, mqtt.MQTT_3_1_1, limit=len(raw))
    assert_same_as_general(raw, mqtt.MQTT_3_1_1, limit=len(raw) - 1)
    with pytest.raises(mqtt.MqttPacketTooLargeError):
        mqtt.decode(raw, max_packet_size=len(raw) - 1)


def test_5_0_properties_and_topic_alias_take_the_general_path() -> None:
    with_expiry = publish_bytes(b"t", level=5, properties=b"\x05\x02\x00\x00\x00\x3c")
    assert decode_simple_publish(with_expiry, 5, DEFAULT_MAX_PACKET_SIZE) is None
    assert_same_as_general(with_expiry, 5)
    aliased = publish_bytes(b"", level=5, properties=b"\x03\x23\x00\x01")
    assert decode_simple_publish(aliased, 5, DEFAULT_MAX_PACKET_SIZE) is None
    assert_same_as_general(aliased, 5)
    # A 3.1.1 reading of 5.0 bytes: the property length becomes part of the payload.
    plain = publish_bytes(b"t", level=5)
    assert_same_as_general(plain, 4)


def test_unsupported_levels_are_refused_as_before() -> None:
    raw = publish_bytes(b"t")
    for level in (3, 6):
        assert decode_simple_publish(raw, level, DEFAULT_MAX_PACKET_SIZE) is None
        with pytest.raises(mqtt.MqttUnsupportedProtocolError):
            mqtt.decode(raw, level)


@settings(max_examples=60, deadline=None)
@given(
    level=st.sampled_from(LEVELS),
    topic=topic_names,
    payload=st.binary(max_size=300),
    qos=st.integers(0, 2),
    retain=st.booleans(),
    dup=st.booleans(),
    packet_id=st.integers(1, 0xFFFF),
)
def test_every_plain_publish_takes_the_fast_path(
    level: int, topic: str, payload: bytes, qos: int, retain: bool, dup: bool, packet_id: int
) -> None:
    packet = mqtt.Publish(topic, payload, qos, retain, dup and qos > 0, packet_id if qos else None)
    raw = mqtt.encode(packet, level)
    assert decode_simple_publish(raw, level, DEFAULT_MAX_PACKET_SIZE) == packet
    assert decode_general(raw, level, DEFAULT_MAX_PACKET_SIZE) == packet
    assert stream_outcome(raw, level) == packet


def publish_mutations(level: int) -> st.SearchStrategy[bytes]:
    """Valid PUBLISH packets with a byte replaced, dropped or inserted, or a topic spliced
    in from arbitrary bytes: near-misses of the fast path's every check."""
    publishes = any_packet(level).filter(lambda packet: isinstance(packet, mqtt.Publish))

    def mutate(raw: bytes, data: st.DataObject) -> bytes:
        where = data.draw(st.integers(0, len(raw)))
        byte = bytes((data.draw(st.integers(0, 255)),))
        how = data.draw(st.sampled_from(["replace", "drop", "insert"]))
        tail = raw[where + 1 :] if how != "insert" else raw[where:]
        return raw[:where] + (b"" if how == "drop" else byte) + tail

    mutated = st.tuples(publishes.map(lambda p: mqtt.encode(p, level)), st.data()).map(  # type: ignore[arg-type]
        lambda pair: mutate(*pair)
    )
    spliced = st.builds(
        publish_bytes, st.binary(max_size=8), st.binary(max_size=4),
        st.sampled_from(range(0x30, 0x40)), st.just(level),
    )
    return mutated | spliced


@settings(max_examples=300, deadline=None)
@given(level=st.sampled_from(LEVELS), data=st.data())
def test_fast_path_never_disagrees_with_the_general_path(level: int, data: st.DataObject) -> None:
    raw = data.draw(publish_mutations(level) | st.binary(min_size=5, max_size=24))
    limit = data.draw(st.sampled_from([DEFAULT_MAX_PACKET_SIZE, max(2, len(raw) - 1)]))
    assert_same_as_general(raw, level, limit)
    if is_one_whole_publish(raw, level):
        assert stream_outcome(raw, level) == general_outcome(raw, level, DEFAULT_MAX_PACKET_SIZE)


def is_one_whole_publish(raw: bytes, level: int) -> bool:
    """A PUBLISH whose fixed header frames exactly these bytes (else a stream reads on)."""
    try:
        header = parse_fixed_header(raw, 0, len(raw), level, DEFAULT_MAX_PACKET_SIZE)
    except mqtt.MqttError:
        return False
    return header is not None and header[0] >> 4 == mqtt.PacketType.PUBLISH and (
        header[2] == len(raw))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("raw", [b"\x30\x00", b"\x30\x01\x00", b"\x32\x03\x00\x01t"])
def test_stream_publish_with_a_short_body_ending_the_chunk(raw: bytes, level: int) -> None:
    # In a stream the body's end need not be the end of the data, so the one-pass check
    # must bound its reads by the packet, never by the chunk.
    decoder = mqtt.StreamDecoder(protocol_level=level)
    with pytest.raises(mqtt.MqttMalformedError) as stream_error:
        decoder.feed(raw)
    with pytest.raises(mqtt.MqttMalformedError) as whole_error:
        mqtt.decode(raw, level)
    assert stream_error.value.message == whole_error.value.message


def test_new_publish_sets_every_field_as_the_dataclass_does() -> None:
    names = [field.name for field in dataclasses.fields(mqtt.Publish)]
    assert names == list(inspect.signature(new_publish).parameters)
    values = ("a/b", b"payload", 1, True, True, 9, (mqtt.Property(mqtt.PropertyId.TOPIC_ALIAS, 3),))
    built = new_publish(*values)
    assert built == mqtt.Publish(*values) and type(built) is mqtt.Publish
    assert hash(built) == hash(mqtt.Publish(*values))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.topic = "c"  # type: ignore[misc]
