"""Zephyr's MQTT client on a Levante device against Debian's mosquitto, through the
rootless `--net user` gateway, with paho-mqtt as the other client on the host: publish
and subscribe both ways at QoS 0, 1 and 2, a retained message, keep-alive pings, the will
on abort, and the control point's trace of every message."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from mosquitto_broker import HostClient, Mosquitto

from conftest import REPO, Builder

APP = REPO / "tests" / "net" / "apps" / "mqtt_client"
MESSAGE_WAIT = 10.0


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    running = Mosquitto(tmp_path)
    yield running
    running.close()


def answer_the_device(host: HostClient) -> threading.Event:
    """Once the device's QoS 2 message is in, the host publishes to the device's
    subscription at QoS 1 and 2, then "bye"."""
    answered = threading.Event()

    def on_message(message: paho.MQTTMessage) -> None:
        if message.topic == "levante/out/q2":
            host.client.publish("levante/in/a", b"alpha", qos=1)
            host.client.publish("levante/in/b", b"beta", qos=2)
            host.client.publish("levante/in/end", b"bye", qos=0)
            answered.set()

    host.on_message = on_message
    return answered


@pytest.mark.parametrize(("board", "extra"), [("lv_m4", ()), ("lv_m33", ()),
                                              ("lv_m4", ("user.conf",))])
def test_publish_and_subscribe_both_ways_with_mosquitto(
        builder: Builder, broker: Mosquitto, board: str, extra: tuple[str, ...]) -> None:
    host = HostClient(broker.port)
    try:
        retained = host.client.publish("levante/retained", b"kept", qos=1, retain=True)
        retained.wait_for_publish(MESSAGE_WAIT)
        host.client.subscribe([("levante/out/#", 2), ("levante/will", 1)])
        assert host.subscribed.wait(MESSAGE_WAIT)
        answered = answer_the_device(host)
        result = builder.run(APP, "--net", "user", board=board, extra=extra,
                             max_time="60s", stdin=f"{broker.port} pubsub\n")
    finally:
        host.close()
    lines = result.output.splitlines()
    assert result.status == 0, result.errors
    assert answered.is_set()
    expected_in_order = [
        "connect: 0", "connack: result=0 session=0", "subscribe: 0", "suback: id=1 codes=2,1",
        "publish sent: qos=0 0", "publish sent: qos=1 0", "puback: id=10",
        "publish sent: qos=2 0", "pubrec: id=11 release=0", "pubcomp: id=11",
    ]
    positions = [lines.index(line) for line in expected_in_order]
    assert positions == sorted(positions), result.output
    # The retained message comes with the subscription (its arrival among the device's
    # own publishes is the network's timing).
    assert lines.index("publish: topic=levante/retained qos=1 retain=1 id=1 payload=kept") \
        > lines.index("suback: id=1 codes=2,1")
    # The broker may deliver QoS 0 before a QoS 2 exchange is through: order by topic.
    received = sorted(line for line in lines if line.startswith("publish: topic=levante/in/"))
    assert [line.split(" id=")[0] for line in received] == [
        "publish: topic=levante/in/a qos=1 retain=0", "publish: topic=levante/in/b qos=2 retain=0",
        "publish: topic=levante/in/end qos=0 retain=0"]
    assert received[0].endswith("payload=alpha") and received[1].endswith("payload=beta")
    assert "puback sent: 0" in lines and "pubrec sent: 0" in lines
    assert any(line.startswith("pubrel: id=") and line.endswith("complete=0") for line in lines)
    assert "keepalive left: ok" in lines
    assert "pingresp: 1 unacked=0" in lines
    assert lines[lines.index("unsubscribe: 0") + 1] == "unsuback: id=2"
    assert "disconnect sent: 0" in lines and "disconnect: result=0" in lines
    assert "publish after disconnect: -128" in lines  # -ENOTCONN
    assert "abort: 0" in lines and "disconnect: result=-113" in lines  # -ECONNABORTED
    # The host saw the device's three messages with their QoS, and the will only after
    # the abort (a clean DISCONNECT discards it).
    topics = host.topics()
    assert topics[:3] == [("levante/out/q0", b"zero", 0), ("levante/out/q1", b"one", 1),
                          ("levante/out/q2", b"two", 2)]
    assert topics[3:] == [("levante/will", b"gone", 1)]
    # Every message passed the control point.
    judged = [(event["action"], event["fields"].get("direction"), event["fields"].get("topic"))
              for event in result.events("service_message")]
    assert judged.count(("connect", None, None)) == 2
    assert ("subscribe", None, None) in judged and ("unsubscribe", None, None) in judged
    assert [topic for action, direction, topic in judged if direction == "out"] == [
        "levante/out/q0", "levante/out/q1", "levante/out/q2"]
    assert sorted(str(topic) for action, direction, topic in judged if direction == "in") == [
        "levante/in/a", "levante/in/b", "levante/in/end", "levante/retained"]
    if extra:
        assert "user thread: joined" in lines
        assert {event["thread"] for event in result.events("service_message")} != {"main"}


def test_qos2_for_a_persistent_session_across_a_broker_restart(
        builder: Builder, tmp_path: Path) -> None:
    """The device subscribes at QoS 2 without a clean session and disconnects; a QoS 2
    message is queued for it while it is away, the broker restarts (saving its sessions),
    and the device, connecting again, finds its session and gets the message exactly once
    through PUBREC, PUBREL and PUBCOMP."""
    broker = Mosquitto(tmp_path, persistent=True)
    done = threading.Event()

    def host_side() -> None:
        try:
            if not broker.wait_for_log("levante-device disconnected", 20):
                return
            host = HostClient(broker.port)
            host.client.publish("levante/in/queued", b"bye", qos=2).wait_for_publish(
                MESSAGE_WAIT)
            host.close()
            broker.restart()
        finally:
            done.set()

    helper = threading.Thread(target=host_side)
    helper.start()
    try:
        result = builder.run(APP, "--net", "user", max_time="60s",
                             stdin=f"{broker.port} persist\n")
    finally:
        helper.join(30)
        broker.close()
    lines = result.output.splitlines()
    assert result.status == 0 and done.is_set(), result.errors
    connacks = [line for line in lines if line.startswith("connack: ")]
    assert connacks == ["connack: result=0 session=0", "connack: result=0 session=1"], \
        result.output
    received = [line for line in lines if line.startswith("publish: topic=levante/in/")]
    assert len(received) == 1 and received[0].startswith(
        "publish: topic=levante/in/queued qos=2 retain=0") and received[0].endswith("bye")
    assert "pubrec sent: 0" in lines
    assert any(line.startswith("pubrel: id=") and line.endswith("complete=0") for line in lines)
    log = broker.log.read_text()
    assert log.count(" running") == 2  # the broker did restart, its sessions saved first
    assert log.index("Saving in-memory database") < log.rindex(" running")


def test_a_flood_of_publishes_arrives_whole_and_in_order(
        builder: Builder, broker: Mosquitto) -> None:
    """QoS 0 publishes as fast as the session takes them: when the bytes waiting for the
    socket reach the session's bound, mqtt_publish says -ENOMEM and the device waits for
    room; every message reaches the host, in order."""
    count = 3000
    host = HostClient(broker.port)
    try:
        host.client.subscribe("levante/flood/#", 1)
        assert host.subscribed.wait(MESSAGE_WAIT)  # before the device's first message
        result = builder.run(APP, "--net", "user", max_time="120s",
                             stdin=f"{broker.port} flood {count}\n")
        deadline = time.monotonic() + MESSAGE_WAIT
        while time.monotonic() < deadline and (
                not host.received or host.received[-1].topic != "levante/flood/end"):
            time.sleep(0.05)
    finally:
        host.close()
    assert result.status == 0, result.errors
    assert f"flood: {count} messages" in result.output, result.output
    payloads = [message.payload for message in host.received if message.topic == "levante/flood"]
    assert payloads == [b"message %08d" % index for index in range(count)]
    assert host.received[-1].topic == "levante/flood/end"
