"""Zephyr's MQTT client (tests/net/apps/mqtt_client) against mosquitto under a
`policy.lvp` that denies one outgoing topic and one incoming topic: the refused
mqtt_publish returns the policy's errno and nothing reaches the broker, the refused
incoming message never reaches the application, the rest flows as before, and the trace
shows both denials at the control point."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mosquitto_broker import HostClient, Mosquitto
from test_mqtt_mosquitto import MESSAGE_WAIT, answer_the_device

from conftest import REPO, Builder

APP = REPO / "tests" / "net" / "apps" / "mqtt_client"
POLICY = """\
default allow
deny service mqtt.publish when direction == "out" and topic == "levante/out/q0" errno EACCES
deny service mqtt.publish when direction == "in" and topic == "levante/in/a"
"""


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    running = Mosquitto(tmp_path)
    yield running
    running.close()


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_denied_topics_are_refused_outgoing_and_dropped_incoming(
        builder: Builder, broker: Mosquitto, tmp_path: Path, board: str) -> None:
    app = tmp_path / "mqtt_client"
    shutil.copytree(APP, app)
    (app / "policy.lvp").write_text(POLICY)
    host = HostClient(broker.port)
    try:
        host.client.subscribe([("levante/out/#", 2)])
        assert host.subscribed.wait(MESSAGE_WAIT)
        answered = answer_the_device(host)
        result = builder.run(app, "--net", "user", board=board, max_time="60s",
                             stdin=f"{broker.port} pubsub\n")
    finally:
        host.close()
    lines = result.output.splitlines()
    assert result.status == 0, result.errors
    assert answered.is_set()
    assert "publish sent: qos=0 -13" in lines  # -EACCES from the policy's rule
    assert "publish sent: qos=1 0" in lines and "publish sent: qos=2 0" in lines
    received = [line.split(" qos=")[0] for line in lines
                if line.startswith("publish: topic=levante/in/")]
    assert sorted(received) == ["publish: topic=levante/in/b", "publish: topic=levante/in/end"]
    assert [topic for topic, _, _ in host.topics()] == ["levante/out/q1", "levante/out/q2"]
    denied = [(event["fields"]["direction"], event["fields"]["topic"])
              for event in result.events("service_message") if event["verdict"] == "deny"]
    assert denied == [("out", "levante/out/q0"), ("in", "levante/in/a")]
    audits = result.events("policy_audit")
    assert [event["rule_line"] for event in audits] == [2, 3]
