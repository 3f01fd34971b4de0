"""Hypothesis strategies for the CoAP/MQTT codec tests: valid MQTT packets of every type."""

from __future__ import annotations

from hypothesis import strategies as st

from levante.codecs import mqtt
from levante.codecs.mqtt.packets import PacketType
from levante.codecs.mqtt.properties import RULES, WILL_PROPERTIES, Kind
from levante.codecs.mqtt.reasons import allowed_reason_codes

SearchStrategy = st.SearchStrategy

# MQTT UTF-8 strings: no U+0000 and no surrogates (which UTF-8 cannot carry).
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
    max_size=12,
)
plain_level = text.filter(lambda level: "/" not in level and "+" not in level and "#" not in level)
topic_names = st.lists(plain_level, min_size=1, max_size=4).map("/".join).filter(bool)
filter_levels = st.lists(plain_level | st.just("+"), min_size=1, max_size=4)
topic_filters = st.tuples(filter_levels, st.booleans()).map(
    lambda parts: "/".join(parts[0] + ["#"] if parts[1] else parts[0])
).filter(bool)
packet_ids = st.integers(1, 0xFFFF)
qos_levels = st.integers(0, 2)

_KIND_VALUES: dict[Kind, SearchStrategy[object]] = {
    Kind.BYTE: st.integers(0, 0xFF),
    Kind.TWO_BYTE: st.integers(0, 0xFFFF),
    Kind.FOUR_BYTE: st.integers(0, 0xFFFF_FFFF),
    Kind.VARIABLE: st.integers(0, 268_435_455),
    Kind.STRING: text,
    Kind.BINARY: st.binary(max_size=12),
    Kind.STRING_PAIR: st.tuples(text, text),
}


def _property(identifier: int) -> SearchStrategy[mqtt.Property]:
    rule = RULES[identifier]
    values = _KIND_VALUES[rule.kind]
    if rule.boolean:
        values = st.integers(0, 1)
    elif rule.nonzero:
        values = values.filter(lambda value: value != 0)
    return values.map(lambda value: mqtt.Property(mqtt.PropertyId(identifier), value))  # type: ignore[arg-type]


def properties(context: int, level: int) -> SearchStrategy[tuple[mqtt.Property, ...]]:
    if level == mqtt.MQTT_3_1_1:
        return st.just(())
    allowed = sorted(
        number for number, rule in RULES.items()
        if context in rule.allowed_in and number != mqtt.PropertyId.USER_PROPERTY
    )
    singles: SearchStrategy[tuple[mqtt.Property, ...]] = st.just(())
    if allowed:
        singles = st.lists(st.sampled_from(allowed), unique=True, max_size=3).flatmap(
            lambda numbers: st.tuples(*(_property(number) for number in numbers))
        )
    users = st.lists(_property(mqtt.PropertyId.USER_PROPERTY), max_size=2)
    return st.tuples(singles, users).map(lambda parts: tuple(parts[0]) + tuple(parts[1]))


def reason_codes(packet_type: PacketType, level: int) -> SearchStrategy[int]:
    return st.sampled_from(sorted(allowed_reason_codes(packet_type, level)))


def _connect(level: int) -> SearchStrategy[mqtt.Connect]:
    wills = st.none() | st.builds(
        mqtt.Will, topic_names, st.binary(max_size=16), qos_levels, st.booleans(),
        properties(WILL_PROPERTIES, level),
    )
    usernames = st.none() | text
    passwords = st.none() | st.binary(max_size=8)
    return st.builds(
        mqtt.Connect, text, st.just(level), st.booleans(), st.integers(0, 0xFFFF), wills,
        usernames, passwords, properties(PacketType.CONNECT, level),
    ).filter(lambda packet: level == 5 or packet.password is None or packet.username is not None)


def _publish(level: int) -> SearchStrategy[mqtt.Publish]:
    def build(qos: int, dup: bool, packet_id: int) -> SearchStrategy[mqtt.Publish]:
        return st.builds(
            mqtt.Publish, topic_names, st.binary(max_size=32), st.just(qos), st.booleans(),
            st.just(dup and qos > 0), st.just(packet_id if qos else None),
            properties(PacketType.PUBLISH, level),
        )

    return st.tuples(qos_levels, st.booleans(), packet_ids).flatmap(lambda args: build(*args))


def _response(cls: type, level: int) -> SearchStrategy[object]:
    kind = cls.packet_type  # type: ignore[attr-defined]
    return st.builds(cls, packet_ids, reason_codes(kind, level), properties(kind, level))


def _subscription(level: int) -> SearchStrategy[mqtt.Subscription]:
    if level == mqtt.MQTT_3_1_1:
        return st.builds(mqtt.Subscription, topic_filters, qos_levels)
    return st.builds(
        mqtt.Subscription, topic_filters, qos_levels, st.booleans(), st.booleans(),
        st.integers(0, 2),
    )


def _connack(level: int) -> SearchStrategy[mqtt.ConnAck]:
    return st.builds(
        mqtt.ConnAck, st.booleans(), reason_codes(PacketType.CONNACK, level),
        properties(PacketType.CONNACK, level),
    ).filter(lambda packet: not (packet.session_present and packet.reason_code))


def packet_strategies(level: int) -> dict[str, SearchStrategy[object]]:
    """One strategy per packet type valid at `level` (AUTH only in 5.0)."""
    codes = st.lists(reason_codes(PacketType.UNSUBACK, level), min_size=1, max_size=4)
    strategies: dict[str, SearchStrategy[object]] = {
        "CONNECT": _connect(level),
        "CONNACK": _connack(level),
        "PUBLISH": _publish(level),
        "PUBACK": _response(mqtt.PubAck, level),
        "PUBREC": _response(mqtt.PubRec, level),
        "PUBREL": _response(mqtt.PubRel, level),
        "PUBCOMP": _response(mqtt.PubComp, level),
        "SUBSCRIBE": st.builds(
            mqtt.Subscribe, packet_ids, st.lists(_subscription(level), min_size=1, max_size=3)
            .map(tuple), properties(PacketType.SUBSCRIBE, level),
        ),
        "SUBACK": st.builds(
            mqtt.SubAck, packet_ids,
            st.lists(reason_codes(PacketType.SUBACK, level), min_size=1, max_size=4).map(tuple),
            properties(PacketType.SUBACK, level),
        ),
        "UNSUBSCRIBE": st.builds(
            mqtt.Unsubscribe, packet_ids, st.lists(topic_filters, min_size=1, max_size=3)
            .map(tuple), properties(PacketType.UNSUBSCRIBE, level),
        ),
        "UNSUBACK": st.builds(
            mqtt.UnsubAck, packet_ids,
            st.just(()) if level == mqtt.MQTT_3_1_1 else codes.map(tuple),
            properties(PacketType.UNSUBACK, level),
        ),
        "PINGREQ": st.just(mqtt.PingReq()),
        "PINGRESP": st.just(mqtt.PingResp()),
        "DISCONNECT": st.builds(
            mqtt.Disconnect, reason_codes(PacketType.DISCONNECT, level),
            properties(PacketType.DISCONNECT, level),
        ),
    }
    if level == mqtt.MQTT_5:
        strategies["AUTH"] = st.builds(
            mqtt.Auth, reason_codes(PacketType.AUTH, level), properties(PacketType.AUTH, level)
        )
    return strategies


def any_packet(level: int) -> SearchStrategy[object]:
    return st.one_of(*packet_strategies(level).values())
