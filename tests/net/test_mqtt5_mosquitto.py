"""Zephyr's MQTT 5.0 client (CONFIG_MQTT_VERSION_5_0) on a Levante device against Debian's
mosquitto through the rootless `--net user` gateway, with paho-mqtt speaking MQTTv5 as
the other client on the host: user properties both ways, a subscription identifier, a
topic alias set up and used, reason codes on a refused subscription, a will sent by a
DISCONNECT's reason code, and a session kept by its expiry interval (and ended with its
connection without one)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from mosquitto_broker import Mosquitto
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from conftest import REPO, Builder

APP = REPO / "tests" / "net" / "apps" / "mqtt5_client"
WAIT = 10.0


# mosquitto's dynamic security plugin (Debian's package has it): anonymous clients may
# not subscribe to secret/#, so such a subscription is refused with reason code 0x87
# (Not authorized); everything else is allowed.
DYNAMIC_SECURITY = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"
SUBSCRIBE_RULES = {
    "defaultACLAccess": {"publishClientSend": True, "publishClientReceive": True,
                         "subscribe": True, "unsubscribe": True},
    "clients": [],
    "groups": [{"groupname": "anonymous", "roles": [{"rolename": "no-secrets"}]}],
    "roles": [{"rolename": "no-secrets", "acls": [
        {"acltype": "subscribePattern", "topic": "secret/#", "priority": 0, "allow": False}]}],
    "anonymousGroup": "anonymous",
}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    if not Path(DYNAMIC_SECURITY).exists():
        pytest.fail("mosquitto's dynamic security plugin is missing (make setup installs it)")
    rules = tmp_path / "dynamic-security.json"
    rules.write_text(json.dumps(SUBSCRIBE_RULES))
    running = Mosquitto(tmp_path, extra=(f"plugin {DYNAMIC_SECURITY}",
                                         f"plugin_opt_config_file {rules}"))
    yield running
    running.close()


class HostV5:
    """paho-mqtt with MQTTv5 on the host: every message received, with its properties."""

    def __init__(self, port: int) -> None:
        self.messages: list[paho.MQTTMessage] = []
        self.ready = threading.Event()
        self.subscribed = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, "levante5-host",
                                  protocol=paho.MQTTv5)
        self.client.on_connect = lambda *_: self.ready.set()
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_message = lambda _c, _u, message: self.messages.append(message)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self.ready.wait(WAIT)

    def subscribe(self, topic: str) -> None:
        self.subscribed.clear()
        self.client.subscribe(topic, qos=1)
        assert self.subscribed.wait(WAIT)

    def publish(self, topic: str, payload: bytes, users: list[tuple[str, str]]) -> None:
        properties = Properties(PacketTypes.PUBLISH)
        properties.UserProperty = users
        self.client.publish(topic, payload, qos=1, properties=properties).wait_for_publish(WAIT)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def _users(message: paho.MQTTMessage) -> list[tuple[str, str]]:
    return list(getattr(message.properties, "UserProperty", []))


@pytest.mark.parametrize(("board", "extra"), [("lv_m4", ()), ("lv_m33", ()),
                                              ("lv_m4", ("user.conf",))])
def test_properties_aliases_and_reason_codes_with_mosquitto(
        builder: Builder, broker: Mosquitto, board: str, extra: tuple[str, ...]) -> None:
    host = HostV5(broker.port)
    try:
        host.subscribe("levante5/out/#")
        host.subscribe("levante5/will")
        answered = threading.Event()

        def answer() -> None:
            # Once the device's aliased messages are in, the host answers it.
            for _ in range(200):
                if any(message.payload == b"second" for message in host.messages):
                    host.publish("levante5/in/cmd", b"bye", [("from", "host"), ("n", "1")])
                    answered.set()
                    return
                threading.Event().wait(0.1)

        helper = threading.Thread(target=answer)
        helper.start()
        result = builder.run(APP, "--net", "user", board=board, extra=extra,
                             max_time="60s", stdin=f"{broker.port} props\n")
        helper.join(30)
        threading.Event().wait(0.5)  # the will travels after the device's DISCONNECT
    finally:
        host.close()
    lines = result.output.splitlines()
    assert result.status == 0, result.errors
    assert answered.is_set(), result.output
    # mosquitto announces its Topic Alias Maximum (10 unless configured).
    assert "connack: result=0 session=0 alias_max=1:10" in lines
    # The refused filter's reason code is 0x87, Not authorized.
    assert "suback: id=1 codes=1,135" in lines
    assert "publish props: 0" in lines and "puback: id=10 reason=0" in lines
    assert "alias set: 0" in lines and "alias used: 0" in lines
    # An alias never set up, one over the broker's maximum, and an empty topic without
    # an alias are the caller's errors (-EINVAL), refused before anything is sent.
    assert "alias unknown: -22" in lines and "alias too large: -22" in lines
    assert "no topic no alias: -22" in lines
    # The host's message, with its user properties and the subscription's identifier.
    assert "publish: topic=levante5/in/cmd qos=1 payload=bye sub_ids=1:7" in lines
    assert "publish users: from=host n=1" in lines
    assert "disconnect sent: 0" in lines and "disconnect: result=0 reason=0" in lines
    # What the host saw: user properties and content type as sent, the aliased message
    # under its topic, and the will (with its user property) the reason code asked for.
    received = {message.payload: message for message in host.messages}
    assert set(received) == {b"hello", b"first", b"second", b"gone"}, host.messages
    assert _users(received[b"hello"]) == [("sensor", "t1"), ("unit", "C")]
    assert received[b"hello"].properties.ContentType == "text/plain"  # type: ignore[union-attr]
    assert received[b"first"].topic == received[b"second"].topic == "levante5/out/alias"
    assert received[b"gone"].topic == "levante5/will"
    assert _users(received[b"gone"]) == [("why", "lost")]
    if extra:
        assert "user thread: joined" in lines


def test_session_expiry_keeps_and_drops_the_session(builder: Builder, broker: Mosquitto) -> None:
    """Without clean start and with a session expiry interval, the session outlives the
    connection and gets a message queued meanwhile; a connection without one (expiry 0)
    still finds it, and ends it when it closes."""
    done = threading.Event()

    def host_side() -> None:
        try:
            if not broker.wait_for_log("levante5-expiry disconnected", 20):
                return
            host = HostV5(broker.port)
            host.publish("levante5/in/queued", b"kept", [])
            host.close()
        finally:
            done.set()

    helper = threading.Thread(target=host_side)
    helper.start()
    result = builder.run(APP, "--net", "user", max_time="60s",
                         stdin=f"{broker.port} expiry\n")
    helper.join(30)
    lines = result.output.splitlines()
    assert result.status == 0 and done.is_set(), result.errors
    connacks = [line for line in lines if line.startswith("connack: ")]
    assert [line.split(" alias_max")[0] for line in connacks] == [
        "connack: result=0 session=0", "connack: result=0 session=1",
        "connack: result=0 session=1", "connack: result=0 session=0"]
    assert "publish: topic=levante5/in/queued qos=1 payload=kept sub_ids=0:0" in lines
