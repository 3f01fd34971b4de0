"""MQTT interop: bytes a real paho-mqtt client sends, and packets a real mosquitto sends back."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties as PahoProperties

from levante.codecs import mqtt
from levante.codecs.mqtt import Property, PropertyId

PAHO_LEVELS = {4: paho.MQTTv311, 5: paho.MQTTv5}
WAIT_SECONDS = 5.0


def read_packets(
    connection: socket.socket, decoder: mqtt.StreamDecoder, until: type
) -> list[mqtt.MqttPacket]:
    """Packets from the connection until one of type `until` arrives (or the peer closes)."""
    packets: list[mqtt.MqttPacket] = []
    while not any(isinstance(packet, until) for packet in packets):
        chunk = connection.recv(7)  # small reads: the decoder must cope with any split
        if not chunk:
            break
        packets += decoder.feed(chunk)
    return packets


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(WAIT_SECONDS)
    yield server
    server.close()


@pytest.mark.parametrize("level", [4, 5])
def test_paho_client_bytes_decode_with_the_stream_decoder(
    listener: socket.socket, level: int
) -> None:
    client = paho.Client(CallbackAPIVersion.VERSION2, "levante-probe", protocol=PAHO_LEVELS[level])
    client.username_pw_set("user", "secret")
    client.will_set("levante/status", b"gone", qos=1, retain=True)
    client.connect("127.0.0.1", listener.getsockname()[1], keepalive=30)
    connection, _ = listener.accept()
    connection.settimeout(WAIT_SECONDS)
    decoder = mqtt.StreamDecoder()  # no level given: learned from the CONNECT
    try:
        client.loop_write()
        [connect] = read_packets(connection, decoder, mqtt.Connect)
        assert decoder.protocol_level == level
        connection.sendall(mqtt.encode(mqtt.ConnAck(), level))
        while not client.is_connected():
            client.loop(timeout=0.05)
        publish_properties = None
        if level == 5:
            publish_properties = PahoProperties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            publish_properties.MessageExpiryInterval = 120
            publish_properties.UserProperty = [("origin", "paho")]
        client.subscribe([("levante/+/temp", 1), ("levante/#", 2)])
        client.publish("levante/room/temp", b"21.5", qos=1, properties=publish_properties)
        client.unsubscribe("levante/#")
        client.disconnect()
        client.loop_write()
        packets = read_packets(connection, decoder, mqtt.Disconnect)
    finally:
        connection.close()
    assert isinstance(connect, mqtt.Connect)
    assert connect == mqtt.Connect(
        "levante-probe", level, True, 30, mqtt.Will("levante/status", b"gone", 1, True),
        "user", b"secret", connect.properties,
    )
    subscribe, publish, unsubscribe, disconnect = packets
    assert isinstance(subscribe, mqtt.Subscribe)
    assert [(item.topic_filter, item.qos) for item in subscribe.subscriptions] == [
        ("levante/+/temp", 1), ("levante/#", 2),
    ]
    assert isinstance(publish, mqtt.Publish)
    assert (publish.topic, publish.payload, publish.qos) == ("levante/room/temp", b"21.5", 1)
    if level == 5:
        assert publish.properties == (
            Property(PropertyId.MESSAGE_EXPIRY_INTERVAL, 120),
            Property(PropertyId.USER_PROPERTY, ("origin", "paho")),
        )
    assert isinstance(unsubscribe, mqtt.Unsubscribe)
    assert unsubscribe.topic_filters == ("levante/#",)
    assert disconnect == mqtt.Disconnect()
    assert decoder.pending == 0


def mosquitto_binary() -> str | None:
    search_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which("mosquitto", path=search_path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def mosquitto_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    binary = mosquitto_binary()
    if binary is None:
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    port = free_port()
    config = Path(tmp_path_factory.mktemp("mosquitto")) / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "log_dest none\n"
    )
    broker = subprocess.Popen(
        [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if broker.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"mosquitto did not start: {broker.stderr.read()!r}")  # type: ignore[union-attr]
                time.sleep(0.05)
        yield port
    finally:
        broker.terminate()
        broker.wait(timeout=WAIT_SECONDS)


@pytest.mark.parametrize("level", [4, 5])
def test_packets_from_mosquitto_decode(mosquitto_port: int, level: int) -> None:
    decoder = mqtt.StreamDecoder(protocol_level=level)
    # 5.0 allows an empty client id; the broker then assigns one in CONNACK's properties.
    client_id = "" if level == 5 else "levante-broker-test"
    with socket.create_connection(("127.0.0.1", mosquitto_port), timeout=WAIT_SECONDS) as broker:
        broker.sendall(mqtt.encode(mqtt.Connect(client_id, level, keep_alive=10)))
        [connack] = read_packets(broker, decoder, mqtt.ConnAck)
        broker.sendall(
            mqtt.encode(mqtt.Subscribe(1, (mqtt.Subscription("levante/#", 1),)), level)
            + mqtt.encode(mqtt.Publish("levante/echo", b"ping", 1, packet_id=2), level)
        )
        packets = read_packets(broker, decoder, mqtt.Publish)
        packets += read_packets(broker, decoder, mqtt.PubAck) if len(packets) < 3 else []
        broker.sendall(
            mqtt.encode(mqtt.PingReq(), level)
            + mqtt.encode(mqtt.Unsubscribe(3, ("levante/#",)), level)
        )
        packets += read_packets(broker, decoder, mqtt.UnsubAck)
        broker.sendall(mqtt.encode(mqtt.Disconnect(), level))
    assert isinstance(connack, mqtt.ConnAck) and connack.reason_code == 0
    if level == 5:
        identifiers = {item.identifier for item in connack.properties}
        assert PropertyId.ASSIGNED_CLIENT_IDENTIFIER in identifiers
    by_type = {type(packet): packet for packet in packets}
    assert by_type[mqtt.SubAck] == mqtt.SubAck(1, (1,))
    assert by_type[mqtt.PubAck] == mqtt.PubAck(2)
    echo = by_type[mqtt.Publish]
    assert isinstance(echo, mqtt.Publish)
    assert (echo.topic, echo.payload, echo.qos) == ("levante/echo", b"ping", 1)
    assert mqtt.PingResp() in packets
    assert isinstance(by_type[mqtt.UnsubAck], mqtt.UnsubAck)
    assert by_type[mqtt.UnsubAck].packet_id == 3  # type: ignore[union-attr]
