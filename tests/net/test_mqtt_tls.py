"""MQTT_TRANSPORT_SECURE against mosquitto's TLS listener: the device checks the broker's
certificate against a test CA made at test time (given to it on the console and added
under a security tag) and the broker's name; paho-mqtt on the broker's plain listener is
the other client. A wrong name fails the connect."""

from __future__ import annotations

from pathlib import Path

import pytest
from mosquitto_broker import HostClient, Mosquitto, free_port
from test_mqtt_mosquitto import APP, MESSAGE_WAIT, answer_the_device
from tls_material import make_identity

from conftest import Builder

BROKER_NAME = "broker.test"


def tls_broker(directory: Path) -> tuple[Mosquitto, int, bytes]:
    """mosquitto with a plain listener and a TLS one; the TLS port and the CA's PEM."""
    ca = make_identity("Levante test CA", ca=True)
    server = make_identity(BROKER_NAME, ca)
    files = {"ca.pem": ca.certificate_pem, "server.pem": server.certificate_pem,
             "server.key": server.key_pem}
    for name, blob in files.items():
        (directory / name).write_bytes(blob)
    port = free_port()
    broker = Mosquitto(directory, (
        f"listener {port} 127.0.0.1", f"cafile {directory / 'ca.pem'}",
        f"certfile {directory / 'server.pem'}", f"keyfile {directory / 'server.key'}",
        "tls_version tlsv1.2"))
    return broker, port, ca.certificate_pem


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_publish_and_subscribe_over_tls(builder: Builder, tmp_path: Path, board: str) -> None:
    broker, tls_port, ca_pem = tls_broker(tmp_path)
    host = HostClient(broker.port)
    try:
        host.client.publish("levante/retained", b"kept", qos=1, retain=True) \
            .wait_for_publish(MESSAGE_WAIT)
        host.client.subscribe([("levante/out/#", 2), ("levante/will", 1)])
        assert host.subscribed.wait(MESSAGE_WAIT)
        answered = answer_the_device(host)
        result = builder.run(APP, "--net", "user", board=board, extra=("tls.conf",),
                             max_time="60s",
                             stdin=f"{tls_port} tls {BROKER_NAME}\n{ca_pem.decode()}")
    finally:
        host.close()
        broker.close()
    lines = result.output.splitlines()[1:]  # after the banner
    assert result.status == 0, result.errors
    assert lines[:3] == ["ca added: 0", "connect: 0", "connack: result=0 session=0"], \
        result.output
    assert answered.is_set()
    assert "pubcomp: id=11" in lines and "disconnect: result=0" in lines
    assert "publish: topic=levante/retained qos=1 retain=1 id=1 payload=kept" in lines
    assert any(line.startswith("publish: topic=levante/in/end") for line in lines)
    assert [topic for topic, _, _ in host.topics()] == [
        "levante/out/q0", "levante/out/q1", "levante/out/q2", "levante/will"]


def test_a_broker_with_another_name_is_refused(builder: Builder, tmp_path: Path) -> None:
    broker, tls_port, ca_pem = tls_broker(tmp_path)
    try:
        result = builder.run(APP, "--net", "user", extra=("tls.conf",), max_time="30s",
                             stdin=f"{tls_port} tls other.test\n{ca_pem.decode()}")
    finally:
        broker.close()
    lines = result.output.splitlines()[1:]
    assert lines[:2] == ["ca added: 0", "connect: -113"], result.output  # -ECONNABORTED
    assert not result.events("service_message")  # no session was started
