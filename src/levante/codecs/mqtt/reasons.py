"""Which reason codes each packet may carry (MQTT 3.1.1 §3.2.2.3, §3.9.3; 5.0 §2.4)."""

from __future__ import annotations

from levante.codecs.mqtt.packets import PacketType as T

# MQTT 3.1.1 §3.2.2.3: CONNACK return codes 0 (accepted) to 5 (not authorised).
CONNACK_3_1_1 = frozenset(range(6))
# MQTT 3.1.1 §3.9.3: SUBACK grants QoS 0, 1, 2 or reports failure (0x80).
SUBACK_3_1_1 = frozenset({0x00, 0x01, 0x02, 0x80})

_PUBLISH_ACK = frozenset({0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99})
_PUBLISH_RELEASE = frozenset({0x00, 0x92})

# MQTT 5.0: the reason code tables of §3.2.2.2, §3.4.2.1, §3.5.2.1, §3.6.2.1, §3.7.2.1,
# §3.9.3, §3.11.3, §3.14.2.1 and §3.15.2.1.
REASON_CODES_5: dict[int, frozenset[int]] = {
    T.CONNACK: frozenset({
        0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C,
        0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
    }),
    T.PUBACK: _PUBLISH_ACK,
    T.PUBREC: _PUBLISH_ACK,
    T.PUBREL: _PUBLISH_RELEASE,
    T.PUBCOMP: _PUBLISH_RELEASE,
    T.SUBACK: frozenset({0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2}),
    T.UNSUBACK: frozenset({0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91}),
    T.DISCONNECT: frozenset({
        0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93,
        0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1,
        0xA2,
    }),
    T.AUTH: frozenset({0x00, 0x18, 0x19}),
}


def allowed_reason_codes(packet_type: int, protocol_level: int) -> frozenset[int]:
    if protocol_level == 5:
        return REASON_CODES_5[packet_type]
    if packet_type == T.CONNACK:
        return CONNACK_3_1_1
    if packet_type == T.SUBACK:
        return SUBACK_3_1_1
    # Other 3.1.1 packets have no reason code on the wire: only "success" is expressible.
    return frozenset({0x00})
