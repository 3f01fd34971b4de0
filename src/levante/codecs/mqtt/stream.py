"""An incremental MQTT decoder: feed it chunks from a byte stream, get whole packets back.

Design note (CVE-2020-10070/10071): the only bytes held between calls are those of the one
packet still incomplete, and a packet's size is checked against `max_packet_size` as soon
as its fixed header is complete, before any of its body is kept. A packet that arrives
whole inside a chunk is decoded in place, without being copied into the buffer first.
After an error the stream has lost framing, so the decoder refuses all further input.
"""

from __future__ import annotations

from levante.codecs.mqtt.decoder import (
    DEFAULT_MAX_PACKET_SIZE,
    MQTT_3_1_1,
    SUPPORTED_LEVELS,
    decode_body,
    parse_fixed_header,
)
from levante.codecs.mqtt.errors import MqttError, MqttProtocolError, MqttUnsupportedProtocolError
from levante.codecs.mqtt.packets import Connect, MqttPacket
from levante.codecs.mqtt.wire import Reader

# The smallest packet is two bytes, so a limit below that could never pass anything.
MIN_PACKET_SIZE = 2


class StreamDecoder:
    """Bytes of one direction of an MQTT connection in, packets out."""

    def __init__(
        self, max_packet_size: int = DEFAULT_MAX_PACKET_SIZE, protocol_level: int | None = None
    ) -> None:
        if max_packet_size < MIN_PACKET_SIZE:
            raise ValueError(f"max_packet_size must be at least {MIN_PACKET_SIZE}")
        if protocol_level is not None and protocol_level not in SUPPORTED_LEVELS:
            raise MqttUnsupportedProtocolError(f"protocol level {protocol_level} is not supported")
        self.max_packet_size = max_packet_size
        self._configured_level = protocol_level
        self.protocol_level = MQTT_3_1_1 if protocol_level is None else protocol_level
        self._buffer = bytearray()
        # Length of the packet being buffered once its fixed header is known, else None.
        self._packet_length: int | None = None
        self._body_start = 0
        self._failure: MqttError | None = None

    @property
    def pending(self) -> int:
        """Bytes held for a packet not yet complete (never more than max_packet_size)."""
        return len(self._buffer)

    def feed(self, chunk: bytes) -> list[MqttPacket]:
        if self._failure is not None:
            raise type(self._failure)(f"stream already failed: {self._failure.message}")
        try:
            # bytes(chunk) is the chunk itself when it already is bytes: no copy.
            return self._feed(bytes(chunk))
        except MqttError as error:
            self._failure = error
            self._buffer.clear()
            raise

    def _feed(self, data: bytes) -> list[MqttPacket]:
        packets: list[MqttPacket] = []
        position = self._finish_buffered(data, packets)
        end = len(data)
        while position < end:
            header = parse_fixed_header(
                data, position, end, self.protocol_level, self.max_packet_size
            )
            if header is None or header[2] > end:
                # Keep only the tail of this packet; its size was already checked.
                self._buffer += data[position:end]
                if header is not None:
                    self._body_start = header[1] - position
                    self._packet_length = header[2] - position
                break
            first_byte, body_start, packet_end = header
            packets.append(self._decode(first_byte, Reader(data, body_start, packet_end)))
            position = packet_end
        return packets

    def _finish_buffered(self, data: bytes, packets: list[MqttPacket]) -> int:
        """Complete the buffered packet from the chunk's head; return bytes consumed."""
        buffer = self._buffer
        if not buffer:
            return 0
        used = 0
        # Grow an incomplete fixed header a byte at a time: at most five bytes are held
        # before the packet's size is known and checked.
        while self._packet_length is None and used < len(data):
            buffer.append(data[used])
            used += 1
            header = parse_fixed_header(
                bytes(buffer), 0, len(buffer), self.protocol_level, self.max_packet_size
            )
            if header is not None:
                self._body_start, self._packet_length = header[1], header[2]
        if self._packet_length is None:
            return used
        take = min(self._packet_length - len(buffer), len(data) - used)
        buffer += data[used : used + take]
        used += take
        if len(buffer) == self._packet_length:
            packet_bytes = bytes(buffer)
            buffer.clear()
            reader = Reader(packet_bytes, self._body_start, self._packet_length)
            self._packet_length = None
            packets.append(self._decode(packet_bytes[0], reader))
        return used

    def _decode(self, first_byte: int, reader: Reader) -> MqttPacket:
        packet = decode_body(first_byte, reader, self.protocol_level)
        if isinstance(packet, Connect):
            # The CONNECT names the level for the rest of the stream unless told otherwise.
            if self._configured_level is None:
                self.protocol_level = packet.protocol_level
            elif packet.protocol_level != self._configured_level:
                raise MqttProtocolError(
                    f"CONNECT for level {packet.protocol_level} on a level "
                    f"{self._configured_level} stream"
                )
        return packet
