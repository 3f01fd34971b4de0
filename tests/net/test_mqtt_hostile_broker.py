"""A hostile MQTT broker (a Python socket server on the host, reached through `--net
user`) against Zephyr's MQTT client on a Levante device: malformed and oversized packets
of the CVE-2020-10062, -10070 and -10071 classes, packets a server may not send, a topic
larger than the client's rx_buf, a broker that hangs up. Each ends that session with a
DISCONNECT event carrying the error; the device stays up and goes on to the next."""

from __future__ import annotations

import pytest
from mqtt_peers import ScriptedBroker

from conftest import REPO, Builder
from levante.codecs import mqtt

APP = REPO / "tests" / "net" / "apps" / "mqtt_client"
CONNACK = mqtt.encode(mqtt.ConnAck(), 4)
# What the broker answers each connection with, in order, and the device's result.
SCENARIOS: list[tuple[str, bytes, int]] = [
    # CVE-2020-10062: a Remaining Length of five bytes (MQTT allows four).
    ("length of five bytes", CONNACK + bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), -77),
    # CVE-2020-10070/10071: a PUBLISH whose topic length runs past the packet.
    ("topic past the packet", CONNACK + bytes([0x30, 0x05, 0x00, 0xFF]) + b"abc", -77),
    # A packet larger than the client takes: refused from its fixed header alone.
    ("oversized", CONNACK + bytes([0x30, 0x80, 0x80, 0x40]) + b"\x00\x01t", -122),
    # A PUBLISH before the CONNACK.
    ("publish first", mqtt.encode(mqtt.Publish("t", b"x"), 4), -77),
    # A packet only a client sends.
    ("subscribe from the server", CONNACK + mqtt.encode(
        mqtt.Subscribe(1, (mqtt.Subscription("t"),)), 4), -77),
    # A wildcard in a PUBLISH's topic name (3.1.1 §4.7.1.1).
    ("wildcard topic name", CONNACK + bytes([0x30, 0x05, 0x00, 0x03]) + b"a/#", -77),
    # A valid topic larger than the client's 256-byte rx_buf.
    ("topic over rx_buf", CONNACK + mqtt.encode(mqtt.Publish("t" * 300, b"x"), 4), -12),
    # The broker hangs up after accepting.
    ("hang up", CONNACK, -128),
]


@pytest.mark.parametrize(("board", "extra"), [("lv_m4", ()), ("lv_m33", ()),
                                              ("lv_m33", ("user.conf",))])
def test_broken_broker_bytes_end_the_session_and_the_device_stays_up(
        builder: Builder, board: str, extra: tuple[str, ...]) -> None:
    broker = ScriptedBroker([(answer, name == "hang up") for name, answer, _ in SCENARIOS])
    try:
        result = builder.run(APP, "--net", "user", board=board, extra=extra, max_time="60s",
                             stdin=f"{broker.server.port} hostile {len(SCENARIOS)}\n")
    finally:
        broker.server.close()
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    ends = [line for line in lines if line.startswith("disconnect: result=")]
    assert ends == [f"disconnect: result={expected}" for _, _, expected in SCENARIOS], \
        result.output
    assert [line for line in lines if line.startswith("round ")] == [
        f"round {index} connect: 0" for index in range(len(SCENARIOS))]
    assert lines[-1] == ("user thread: joined" if extra else "done")
    assert "done" in lines
    assert not any(line.startswith("publish: ") for line in lines)
    assert [event["result"] for event in result.events("mqtt_session_end")] == [
        expected for _, _, expected in SCENARIOS]
    assert not result.events("fault") and not result.events("kernel_defect")
    assert not broker.server.errors
