"""A hostile MQTT 5.0 broker (a Python socket server on the host, reached through `--net
user`) against Zephyr's MQTT 5.0 client on a Levante device: malformed, duplicate,
misplaced and oversized properties, topic aliases never set up or over the announced
maximum, properties that overflow rx_buf, more user properties than the client keeps,
and the broker's own DISCONNECT with a reason code. Each broken packet ends that session
with a DISCONNECT event carrying the error; the device stays up and goes on."""

from __future__ import annotations

import pytest
from mqtt_peers import ScriptedBroker

from conftest import REPO, Builder
from levante.codecs import mqtt

APP = REPO / "tests" / "net" / "apps" / "mqtt5_client"
MQTT_5 = 5
CONNACK = mqtt.encode(mqtt.ConnAck(), MQTT_5)
EBADMSG, ENOMEM, ECONNRESET, ENOTCONN = -77, -12, -104, -128


def user_properties(count: int, size: int = 1) -> tuple[mqtt.Property, ...]:
    return tuple(mqtt.Property(mqtt.PropertyId.USER_PROPERTY, (f"k{index}", "v" * size))
                 for index in range(count))


def aliased(topic: str, alias: int) -> bytes:
    return mqtt.encode(mqtt.Publish(topic, b"x", properties=(
        mqtt.Property(mqtt.PropertyId.TOPIC_ALIAS, alias),)), MQTT_5)


# What the broker answers each connection with, whether it hangs up after, and how the
# device's session ends (its result, and the DISCONNECT's reason code).
SCENARIOS: list[tuple[str, bytes, bool, int, int]] = [
    # A property length that runs past the packet.
    ("property length past the packet", bytes([0x20, 0x03, 0x00, 0x00, 0x05]), False,
     EBADMSG, 0),
    # Session Expiry Interval twice (only User Property may repeat).
    ("duplicate property", bytes([0x20, 0x0D, 0x00, 0x00, 0x0A, 0x11, 0, 0, 0, 1,
                                  0x11, 0, 0, 0, 2]), False, EBADMSG, 0),
    # An identifier no property has.
    ("unknown property", CONNACK + bytes([0x30, 0x06, 0x00, 0x01]) + b"t" +
     bytes([0x02, 0x7F, 0x00]), False, EBADMSG, 0),
    # A user property's string length of 65535 in a packet of a few bytes.
    ("oversized property string", CONNACK + bytes([0x30, 0x0A, 0x00, 0x01]) + b"t" +
     bytes([0x06, 0x26, 0xFF, 0xFF, 0x61, 0x00, 0x00]), False, EBADMSG, 0),
    # A Topic Alias in a CONNACK, where it may not appear.
    ("misplaced property", bytes([0x20, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01]), False,
     EBADMSG, 0),
    # An empty topic with an alias the broker never set up.
    ("alias never set up", CONNACK + aliased("", 1), False, EBADMSG, 0),
    # An alias over the Topic Alias Maximum the client announced (4).
    ("alias over the maximum", CONNACK + aliased("t", 9), False, EBADMSG, 0),
    # Properties whose strings do not fit the client's 512-byte rx_buf.
    ("properties over rx_buf", CONNACK + mqtt.encode(mqtt.Publish(
        "t", b"x", properties=user_properties(4, 200)), MQTT_5), False, ENOMEM, 0),
    # Forty user properties: the client keeps three; then the broker hangs up.
    ("many user properties", CONNACK + mqtt.encode(mqtt.Publish(
        "levante5/many", b"x", properties=user_properties(40)), MQTT_5), True, ENOTCONN, 0),
    # An alias set up, then used; then the broker's DISCONNECT: 0x8B Server shutting down.
    ("alias, then the broker's disconnect", CONNACK + aliased("levante5/aliased", 2) +
     aliased("", 2) + mqtt.encode(mqtt.Disconnect(0x8B, (mqtt.Property(
         mqtt.PropertyId.REASON_STRING, "maintenance"),)), MQTT_5), False, ECONNRESET, 0x8B),
]


@pytest.mark.parametrize(("board", "extra"), [("lv_m4", ()), ("lv_m33", ()),
                                              ("lv_m33", ("user.conf",))])
def test_broken_mqtt5_properties_end_the_session_and_the_device_stays_up(
        builder: Builder, board: str, extra: tuple[str, ...]) -> None:
    broker = ScriptedBroker([(answer, hang_up) for _, answer, hang_up, _, _ in SCENARIOS],
                            MQTT_5)
    try:
        result = builder.run(APP, "--net", "user", board=board, extra=extra, max_time="60s",
                             stdin=f"{broker.server.port} hostile {len(SCENARIOS)}\n")
    finally:
        broker.server.close()
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    ends = [line for line in lines if line.startswith("disconnect: result=")]
    assert ends == [f"disconnect: result={result_} reason={reason}"
                    for _, _, _, result_, reason in SCENARIOS], result.output
    assert [line for line in lines if line.startswith("round ")] == [
        f"round {index} connect: 0" for index in range(len(SCENARIOS))]
    assert lines[-1] == ("user thread: joined" if extra else "done")
    # The forty user properties reached evt_cb as the first three; the aliased topic
    # came as itself both times.
    assert "publish: topic=levante5/many qos=0 payload=x sub_ids=0:0" in lines
    assert "publish users: k0=v k1=v k2=v" in lines
    assert lines.count("publish: topic=levante5/aliased qos=0 payload=x sub_ids=0:0") == 2
    assert [event["result"] for event in result.events("mqtt_session_end")] == [
        expected for _, _, _, expected, _ in SCENARIOS]
    assert not result.events("fault") and not result.events("kernel_defect")
    assert not broker.server.errors
