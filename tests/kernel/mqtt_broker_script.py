"""A scripted MQTT broker behind a fake socket transport, for the kernel's MQTT sessions
under the mock CPU: it decodes what the client sends with the codec and answers with the
bytes a test queues, and lays out the runtime's records in the mock's memory."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from mock_cpu import MockSystem

from levante.abi import STRUCT_SIZES
from levante.codecs import mqtt
from levante.kernel.kernel import Kernel
from levante.kernel.objects.socket_transport import (
    Readiness,
    Received,
    SocketAddress,
    TransportSocket,
)

BROKER = SocketAddress(1, bytes([192, 0, 2, 2]), 1883)
SOCKADDR_BROKER = struct.pack("<H", 1) + struct.pack(">H", 1883) + bytes([192, 0, 2, 2])
CONNECT = struct.Struct("<14I")
MESSAGE = struct.Struct("<7I")
TOPIC = struct.Struct("<IIB3x")
EVENT = struct.Struct("<Ii5I")


@dataclass
class ScriptedBroker:
    """One connection's far end: what the client sent (decoded), what it will read."""

    inbound: bytearray = field(default_factory=bytearray)  # bytes for the client
    sent: list[mqtt.MqttPacket] = field(default_factory=list)
    decoder: mqtt.StreamDecoder = field(default_factory=mqtt.StreamDecoder)
    closed_by_broker: bool = False
    room: int = 1 << 20  # bytes the socket takes before -EAGAIN
    listener: Callable[[], None] | None = None
    closed: bool = False

    def answer(self, *packets: mqtt.MqttPacket | bytes) -> None:
        for packet in packets:
            self.inbound += packet if isinstance(packet, bytes) else mqtt.encode(packet, 4)
        if self.listener is not None:
            self.listener()

    # ---- TransportSocket ---------------------------------------------------------------

    def set_listener(self, listener: Callable[[], None] | None) -> None:
        self.listener = listener

    def readiness(self) -> Readiness:
        return Readiness(readable=bool(self.inbound) or self.closed_by_broker,
                         writable=self.room > 0, hung_up=self.closed_by_broker)

    def bind(self, address: SocketAddress, reuse: bool) -> int:
        return 0

    def connect(self, address: SocketAddress) -> int:
        return 0

    def listen(self, backlog: int) -> int:
        return -95

    def accept(self) -> TransportSocket | int:
        return -95

    def send(self, data: bytes, destination: SocketAddress | None) -> int:
        if self.room == 0:
            return -11
        taken = data[:self.room]
        self.room -= len(taken)
        self.sent += self.decoder.feed(taken)
        return len(taken)

    def receive(self, limit: int, peek: bool) -> Received | int | None:
        if not self.inbound:
            return None
        data = bytes(self.inbound[:limit])
        if not peek:
            del self.inbound[:limit]
        return Received(data, len(data), BROKER)

    def shutdown(self, how: int) -> int:
        return 0

    def set_option(self, level: int, name: int, value: int) -> int:
        return -109

    def get_option(self, level: int, name: int) -> int:
        return -109

    def take_error(self) -> int:
        return 0

    def local_address(self) -> SocketAddress | None:
        return None

    def peer_address(self) -> SocketAddress | None:
        return BROKER

    def close(self) -> None:
        self.closed = True


@dataclass
class BrokerNetwork:
    """A NetworkService whose every stream socket reaches a new ScriptedBroker."""

    brokers: list[ScriptedBroker] = field(default_factory=list)

    def open(self, family: int, kind: int, protocol: int) -> TransportSocket | int:
        broker = ScriptedBroker()
        self.brokers.append(broker)
        return broker

    def max_datagram(self) -> int:
        return 1472


def attach(system: MockSystem, kernel: Kernel, slots: int = 3) -> BrokerNetwork:
    """Give the booted kernel socket slots and a network of scripted brokers."""
    network = BrokerNetwork()
    kernel.sockets.network = network
    size = STRUCT_SIZES["net_context"]
    base = system.ram(size * slots)
    kernel.sockets.slots = tuple(base + index * size for index in range(slots))
    for slot in kernel.sockets.slots:
        kernel.objects.declare(slot, "net_context", size)
    return network


def put_text(system: MockSystem, address: int, text: bytes) -> tuple[int, int]:
    system.cpu.write_memory(address, text)
    return address, len(text)


def connect_record(system: MockSystem, address: int, client_id: bytes = b"device",
                   keepalive: int = 60, will: tuple[bytes, bytes] | None = None,
                   version: int = 4, clean: bool = True) -> int:
    """A struct z_levante_mqtt_connect at `address` (its strings follow it)."""
    identifier = put_text(system, address + 64, client_id)
    will_topic, will_message = (0, 0), (0, 0)
    if will is not None:
        will_topic = put_text(system, address + 128, will[0])
        will_message = put_text(system, address + 192, will[1])
    system.cpu.write_memory(address, CONNECT.pack(
        *identifier, 0, 0, 0, 0, *will_topic, *will_message, 1, 2 if clean else 0, keepalive,
        version))
    return address


def message_record(system: MockSystem, address: int, kind: int, message_id: int = 0,
                   flags: int = 0, topics: list[tuple[bytes, int]] = (),  # type: ignore[assignment]
                   payload: bytes = b"") -> int:
    """A struct z_levante_mqtt_message at `address`, its topic array and strings after it."""
    array = address + 32
    text = array + 12 * max(1, len(topics))
    records = b""
    for topic, qos in topics:
        records += TOPIC.pack(text, len(topic), qos)
        system.cpu.write_memory(text, topic)
        text += len(topic)
    system.cpu.write_memory(array, records)
    system.cpu.write_memory(text, payload)
    system.cpu.write_memory(address, MESSAGE.pack(kind, message_id, flags, array, len(topics),
                                                  text, len(payload)))
    return address
