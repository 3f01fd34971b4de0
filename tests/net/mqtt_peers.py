"""Scripted MQTT brokers on the host for the device's client tests: one that accepts and
keeps what the device sends, one that answers each connection with scripted bytes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Sequence

from gatewaydevice import HostServer

from levante.codecs import mqtt


def accepting_broker(received: list[mqtt.MqttPacket], level: int) -> HostServer:
    """Answers CONNECT with CONNACK (protocol `level`) and keeps what the device sends."""
    def serve(client: socket.socket) -> None:
        decoder = mqtt.StreamDecoder()
        while chunk := client.recv(1024):
            for packet in decoder.feed(chunk):
                received.append(packet)
                if isinstance(packet, mqtt.Connect):
                    client.sendall(mqtt.encode(mqtt.ConnAck(), level))

    return HostServer(serve)


class ScriptedBroker:
    """The n-th connection gets answers[n]'s bytes after its CONNECT (at protocol `level`
    when given), then a half-close when its flag says so; it lasts until the device
    closes."""

    def __init__(self, answers: Sequence[tuple[bytes, bool]], level: int | None = None) -> None:
        self.answers = answers
        self.level = level
        self.connections = 0
        self.lock = threading.Lock()
        self.server = HostServer(self.serve)

    def serve(self, client: socket.socket) -> None:
        with self.lock:
            index = self.connections
            self.connections += 1
        decoder = mqtt.StreamDecoder()
        packets: list[mqtt.MqttPacket] = []
        while not packets:
            chunk = client.recv(1024)
            if not chunk:
                return
            packets += decoder.feed(chunk)
        assert isinstance(packets[0], mqtt.Connect)
        assert self.level is None or packets[0].protocol_level == self.level
        answer, hang_up = self.answers[index]
        client.sendall(answer)
        if hang_up:
            client.shutdown(socket.SHUT_WR)
        try:
            while client.recv(1024):  # until the device closes
                pass
        except OSError:
            pass
