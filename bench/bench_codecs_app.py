"""(g) Application codecs: packets decoded per second by Levante's sans-IO CoAP and MQTT
codecs vs aiocoap's Message.decode and paho-mqtt's packet decoders, same packets, one run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiocoap import Message  # type: ignore[import-untyped]
from aiocoap.numbers import Code, ContentFormat, Type  # type: ignore[import-untyped]
from aiocoap.optiontypes import BlockOption  # type: ignore[import-untyped]
from paho.mqtt import _packet as paho_packet
from paho.mqtt.enums import MQTTProtocolVersion

from bench.common import Result, best_time
from levante.codecs import coap, mqtt
from levante.codecs.mqtt import Property, PropertyId
from levante.codecs.mqtt.wire import decode_variable_byte_integer

ROUNDS = 2_000


def _coap_corpus() -> list[bytes]:
    """What a CoAP client and server exchange: requests, notifications, blocks, empties."""
    get = Message(code=Code.GET, uri="coap://sensor.local/a/temperature?unit=C", observe=0)
    get.opt.block2 = BlockOption.BlockwiseTuple(0, False, 6)
    put = Message(code=Code.PUT, uri="coap://sensor.local/fw", payload=b"x" * 256)
    put.opt.block1 = BlockOption.BlockwiseTuple(12, True, 4)
    put.opt.content_format = ContentFormat.OCTETSTREAM
    content = Message(code=Code.CONTENT, payload=b'{"t": 21.5}', observe=41)
    content.opt.content_format = ContentFormat.JSON
    content.opt.max_age = 60
    content.opt.etag = b"\x01\x02\x03\x04"
    empty = Message(code=Code.EMPTY)
    corpus = []
    for number, message in enumerate((get, put, content, empty)):
        message.mid = number
        message.mtype = Type.ACK if message is empty else Type.CON
        message.token = b"" if message is empty else b"\x0a\x0b\x0c\x0d"
        corpus.append(message.encode())
    return corpus


# The broker-to-client packets paho decodes (paho.mqtt._packet), in both protocol levels.
_MQTT_PACKETS: list[tuple[Any, int]] = [
    (mqtt.Publish("home/room/temperature", b"21.5"), 4),
    (mqtt.Publish("home/room/humidity", b"x" * 200, 1, packet_id=17), 4),
    (mqtt.ConnAck(), 4),
    (mqtt.SubAck(3, (0, 1)), 4),
    (mqtt.PubAck(17), 4),
    (mqtt.UnsubAck(4), 4),
    (mqtt.Publish("home/room/temperature", b"21.5", properties=(
        Property(PropertyId.MESSAGE_EXPIRY_INTERVAL, 60),
        Property(PropertyId.USER_PROPERTY, ("unit", "C")))), 5),
    (mqtt.Publish("home/room/humidity", b"x" * 200, 1, packet_id=18), 5),
    (mqtt.ConnAck(False, 0, (Property(PropertyId.RECEIVE_MAXIMUM, 20),
                             Property(PropertyId.TOPIC_ALIAS_MAXIMUM, 10))), 5),
    (mqtt.SubAck(3, (0, 1)), 5),
    (mqtt.PubAck(18, 0x10), 5),
    (mqtt.UnsubAck(4, (0,)), 5),
    (mqtt.Disconnect(0x8B), 5),
]
# 3.1.1 PUBLISH alone, paho's leanest case (it leaves the topic as bytes and checks
# nothing): QoS 0 and 1, short and ~200-byte payloads, short, deep, $SYS and non-ASCII topics.
_MQTT_PUBLISHES: list[tuple[Any, int]] = [
    (mqtt.Publish("home/room/temperature", b"21.5"), 4),
    (mqtt.Publish("home/room/humidity", b"x" * 200, 1, packet_id=17), 4),
    (mqtt.Publish("t", b"1"), 4),
    (mqtt.Publish("fleet/eu-west/device/3f2a9c07/telemetry/battery", b'{"v": 3.71}', 1,
                  packet_id=4242), 4),
    (mqtt.Publish("$SYS/broker/clients/connected", b"42", retain=True), 4),
    (mqtt.Publish("maison/séjour/température", b"x" * 200), 4),
    (mqtt.Publish("ota/firmware/chunk", bytes(range(200)), 1, dup=True, packet_id=65535), 4),
]
_PAHO_DECODERS: dict[int, Callable[..., object]] = {
    mqtt.PacketType.PUBLISH: paho_packet.decode_publish,
    mqtt.PacketType.CONNACK: paho_packet.decode_connack,
    mqtt.PacketType.SUBACK: paho_packet.decode_suback,
    mqtt.PacketType.PUBACK: paho_packet.decode_puback,
    mqtt.PacketType.UNSUBACK: paho_packet.decode_unsuback,
    mqtt.PacketType.DISCONNECT: paho_packet.decode_disconnect,
}
_PAHO_LEVELS = {4: MQTTProtocolVersion.MQTTv311, 5: MQTTProtocolVersion.MQTTv5}


def _rates(
    ours: Callable[[], object], theirs: Callable[[], object], packets: int
) -> tuple[float, float]:
    """Packets per second of each side, best of seven tries each.

    The machine is shared, and the best run is the least disturbed one. The tries
    alternate between the two sides so that a busy spell slows both rather than one.
    """
    ours_best = theirs_best = float("inf")
    for _ in range(7):
        ours_best = min(ours_best, best_time(ours, repeats=1))
        theirs_best = min(theirs_best, best_time(theirs, repeats=1))
    return packets / ours_best, packets / theirs_best


def run_coap() -> Result:
    corpus = _coap_corpus()
    for raw in corpus:  # the same bytes must mean the same to both before timing them
        if coap.decode(raw).options != tuple(
            coap.CoapOption(option.number, option.encode())
            for option in Message.decode(raw).opt.option_list()
        ):
            raise RuntimeError(f"aiocoap and Levante disagree on {raw.hex()}")

    def ours() -> None:
        decode = coap.decode
        for _ in range(ROUNDS):
            for raw in corpus:
                decode(raw)

    def theirs() -> None:
        decode = Message.decode
        for _ in range(ROUNDS):
            for raw in corpus:
                decode(raw)

    count = ROUNDS * len(corpus)
    ours_rate, theirs_rate = _rates(ours, theirs, count)
    return Result(
        "coap_decode_vs_aiocoap", ours_rate / theirs_rate, 1.0, True,
        f"{ours_rate / 1e3:.0f} k messages/s vs aiocoap Message.decode "
        f"{theirs_rate / 1e3:.0f} k/s ({len(corpus)} kinds of message)",
    )


def _check_paho_agrees(raw: bytes, level: int, paho_packet: Any) -> None:
    """Both sides must read the same PUBLISH out of the same bytes before being timed."""
    ours = mqtt.decode(raw, level)
    theirs = (paho_packet.topic.decode("utf-8"), paho_packet.payload, paho_packet.qos,
              paho_packet.retain, paho_packet.dup, paho_packet.mid)
    if not isinstance(ours, mqtt.Publish) or theirs != (
            ours.topic, ours.payload, ours.qos, ours.retain, ours.dup, ours.packet_id or 0):
        raise RuntimeError(f"paho and Levante disagree on {raw.hex()}")


def _mqtt_rates(packets: list[tuple[Any, int]]) -> tuple[float, float]:
    whole = [(mqtt.encode(packet, level), level) for packet, level in packets]
    # paho's decoders start after the fixed header, which paho's client strips as it reads
    # the socket; they are handed the header byte and the body pre-split, for free.
    split = []
    for raw, level in whole:
        _, body_start = decode_variable_byte_integer(raw, 1, len(raw))
        header = raw[0]
        split.append((_PAHO_DECODERS[header >> 4], header, raw[body_start:], _PAHO_LEVELS[level]))
        if header >> 4 == mqtt.PacketType.PUBLISH:
            _check_paho_agrees(raw, level, split[-1][0](*split[-1][1:]))

    def ours() -> None:
        decode = mqtt.decode
        for _ in range(ROUNDS):
            for raw, level in whole:
                decode(raw, level)

    def theirs() -> None:
        for _ in range(ROUNDS):
            for paho_decode, header, body, level in split:
                paho_decode(header, body, level)

    count = ROUNDS * len(whole)
    return _rates(ours, theirs, count)


def run_mqtt() -> Result:
    ours_rate, theirs_rate = _mqtt_rates(_MQTT_PACKETS)
    return Result(
        "mqtt_decode_vs_paho", ours_rate / theirs_rate, 1.0, True,
        f"{ours_rate / 1e3:.0f} k packets/s vs paho.mqtt._packet decoders "
        f"{theirs_rate / 1e3:.0f} k/s ({len(_MQTT_PACKETS)} broker-to-client packets, 3.1.1 "
        f"and 5.0)",
    )


def run_mqtt_publish() -> Result:
    # Levante decodes the topic as strict UTF-8 and checks it for U+0000 and wildcards,
    # and parses the fixed header itself; paho does neither.
    ours_rate, theirs_rate = _mqtt_rates(_MQTT_PUBLISHES)
    return Result(
        "mqtt_publish_decode_vs_paho", ours_rate / theirs_rate, 1.0, True,
        f"{ours_rate / 1e3:.0f} k packets/s vs paho.mqtt._packet.decode_publish "
        f"{theirs_rate / 1e3:.0f} k/s ({len(_MQTT_PUBLISHES)} 3.1.1 PUBLISH packets, QoS 0 "
        f"and 1)",
    )


if __name__ == "__main__":
    for result in (run_coap(), run_mqtt(), run_mqtt_publish()):
        print(f"{result.name}: {result.details}")
        print(result.line())
