"""Coverage-guided fuzzing of the MQTT codec: any bytes must decode or raise MqttError."""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports():
    from levante.codecs import mqtt

MAX_PACKET_SIZE = 4096


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris looks for
    if not data:
        return
    # The first byte picks the protocol level and how the stream is cut into chunks.
    level = 5 if data[0] & 0x01 else 4
    chunk_size = 1 + (data[0] >> 1)
    body = data[1:]
    try:
        packet = mqtt.decode(body, level, MAX_PACKET_SIZE)
    except mqtt.MqttError:
        pass
    else:
        if mqtt.decode(mqtt.encode(packet, level), level) != packet:
            raise RuntimeError("MQTT round trip changed the packet")
    decoder = mqtt.StreamDecoder(MAX_PACKET_SIZE, level)
    try:
        for start in range(0, len(body), chunk_size):
            decoder.feed(body[start : start + chunk_size])
            if decoder.pending > MAX_PACKET_SIZE:
                raise RuntimeError("stream decoder buffered past its limit")
    except mqtt.MqttError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
