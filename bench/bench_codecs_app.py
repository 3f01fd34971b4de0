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
_PAHO_DECODERS: dict[int, Callable[..., object]] = {
    mqtt.PacketType.PUBLISH: paho_packet.decode_publish,
    mqtt.PacketType.CONNACK: paho_packet.decode_connack,
    mqtt.PacketType.SUBACK: paho_packet.decode_suback,
    mqtt.PacketType.PUBACK: paho_packet.decode_puback,
    mqtt.PacketType.UNSUBACK: paho_packet.decode_unsuback,
    mqtt.PacketType.DISCONNECT: paho_packet.decode_disconnect,
}
_PAHO_LEVELS = {4: MQTTProtocolVersion.MQTTv311, 5: MQTTProtocolVersion.MQTTv5}


def _rate(decode_all: Callable[[], object], packets: int) -> float:
    # Seven tries: the machine is shared, and the best run is the least disturbed one.
    return packets / best_time(decode_all, repeats=7)


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
    ours_rate, theirs_rate = _rate(ours, count), _rate(theirs, count)
    return Result(
        "coap_decode_vs_aiocoap", ours_rate / theirs_rate, 1.0, True,
        f"{ours_rate / 1e3:.0f} k messages/s vs aiocoap Message.decode "
        f"{theirs_rate / 1e3:.0f} k/s ({len(corpus)} kinds of message)",
    )


def _mqtt_rates(packets: list[tuple[Any, int]]) -> tuple[float, float]:
    whole = [(mqtt.encode(packet, level), level) for packet, level in packets]
    # paho's decoders start after the fixed header, which paho's client strips as it reads
    # the socket; they are handed the header byte and the body pre-split, for free.
    split = []
    for raw, level in whole:
        _, body_start = decode_variable_byte_integer(raw, 1, len(raw))
        header = raw[0]
        split.append((_PAHO_DECODERS[header >> 4], header, raw[body_start:], _PAHO_LEVELS[level]))

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
    return _rate(ours, count), _rate(theirs, count)


def run_mqtt() -> Result:
    ours_rate, theirs_rate = _mqtt_rates(_MQTT_PACKETS)
    # paho's leanest case, for the record: 3.1.1 PUBLISH, where it skips UTF-8 and topic checks.
    publish_ours, publish_theirs = _mqtt_rates(_MQTT_PACKETS[:2])
    return Result(
        "mqtt_decode_vs_paho", ours_rate / theirs_rate, 1.0, True,
        f"{ours_rate / 1e3:.0f} k packets/s vs paho.mqtt._packet decoders "
        f"{theirs_rate / 1e3:.0f} k/s ({len(_MQTT_PACKETS)} broker-to-client packets, 3.1.1 "
        f"and 5.0); 3.1.1 PUBLISH alone {publish_ours / publish_theirs:.2f}x "
        f"({publish_ours / 1e3:.0f} k/s vs {publish_theirs / 1e3:.0f} k/s)",
    )


if __name__ == "__main__":
    for result in (run_coap(), run_mqtt()):
        print(f"{result.name}: {result.details}")
        print(result.line())
