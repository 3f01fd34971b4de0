"""samples/iot/sensor_node end to end: `levante run --net user` against a host mosquitto
with a TLS listener (a CA made at test time, built into the node): the readings of the
virtual sensor reach a paho-mqtt subscriber and an aiocoap client (GET /sensor, observe);
an SMP upload through `--forward udp:` updates the node, which comes back publishing and
confirms itself."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiocoap
import pytest
from aiocoap import Code, Message
from smpclient import SMPClient
from smpclient.generics import success
from smpclient.requests.image_management import ImageStatesWrite

from conftest import SAMPLES, levante

sys.path.insert(0, str(Path(__file__).parents[1] / "net"))
sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
from mosquitto_broker import HostClient, Mosquitto, free_port  # noqa: E402
from test_smp_interop import (  # noqa: E402
    RunningDevice,
    connect,
    free_udp_port,
    reset_and_wait,
    running_images,
    secondary_hash,
    upload,
    wait_ready,
)
from tls_material import make_identity  # noqa: E402

APP = SAMPLES / "iot" / "sensor_node"
TOPIC = "levante/sensor_node/telemetry"
BROKER_NAME = "localhost"  # what the node resolves and what the certificate names
WAIT_SECONDS = 60.0  # wall-clock bound on waiting for a message (the run goes on)


def build(directory: Path, port: int, ca: Path, board: str, *extra: str) -> Path:
    conf = directory.parent / f"{directory.name}_port.conf"
    conf.write_text(f"CONFIG_SENSOR_NODE_BROKER_PORT={port}\n")
    fragments = [option for name in extra for option in ("--extra-conf", str(APP / name))]
    result = levante("build", str(APP), "-d", str(directory), "-b", board, "--extra-conf",
                     str(conf), *fragments, "--", f"-DTLS_CA_CERTIFICATE={ca}")
    assert result.returncode == 0, result.stderr
    return directory


@dataclass
class Broker:
    """mosquitto with a TLS listener (certificate for BROKER_NAME from a CA made now) and
    a plain one, where a paho-mqtt client subscribes to the telemetry."""

    directory: Path
    tls_port: int
    host: HostClient
    mosquitto: Mosquitto

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    ca = make_identity("Levante test CA", ca=True)
    server = make_identity(BROKER_NAME, ca)
    for name, blob in {"ca.pem": ca.certificate_pem, "server.pem": server.certificate_pem,
                       "server.key": server.key_pem}.items():
        (tmp_path / name).write_bytes(blob)
    tls_port = free_port()
    mosquitto = Mosquitto(tmp_path, (
        f"listener {tls_port} 127.0.0.1", f"cafile {tmp_path / 'ca.pem'}",
        f"certfile {tmp_path / 'server.pem'}", f"keyfile {tmp_path / 'server.key'}",
        "tls_version tlsv1.2"))
    host = HostClient(mosquitto.port)
    try:
        host.client.subscribe(TOPIC, 1)
        assert host.subscribed.wait(WAIT_SECONDS)
        yield Broker(tmp_path, tls_port, host, mosquitto)
    finally:
        host.close()
        mosquitto.close()


@contextmanager
def running_node(build_dir: Path, directory: Path, *options: str) -> Iterator[RunningDevice]:
    """`levante run --net user` of the node, SMP forwarded from a free host port."""
    smp_port = free_udp_port()
    console = directory / "console.txt"
    trace = directory / "trace.jsonl"
    with console.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "levante.cli", "run", str(build_dir), "--net", "user",
             "--forward", f"udp:{smp_port}:1337", "--trace", str(trace), *options],
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        yield RunningDevice(process, smp_port, console, trace)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def update_through_smp(client: SMPClient, update: bytes) -> None:
    """Upload `update`, mark it for test and reset into it."""
    await wait_ready(client)
    assert await upload(client, update) == len(update)
    tested = await client.request(ImageStatesWrite(hash=await secondary_hash(client)), 5)
    assert success(tested) and tested.images[1].pending
    await reset_and_wait(client)


async def coap_readings(port: int, notifications: int) -> list[dict[str, object]]:
    """GET /sensor, then observe it until `notifications` more readings came."""
    context = await aiocoap.Context.create_client_context()
    target = f"coap://127.0.0.1:{port}/sensor"
    try:
        plain = await context.request(Message(code=Code.GET, uri=target)).response
        assert plain.code == Code.CONTENT and plain.opt.content_format == 50  # JSON
        seen = [json.loads(plain.payload)]
        request = context.request(Message(code=Code.GET, uri=target, observe=0))
        first = await request.response
        assert first.opt.observe is not None  # registered as an observer
        async for notification in request.observation:
            seen.append(json.loads(notification.payload))
            if len(seen) == notifications + 1:
                request.observation.cancel()
                break
        return seen
    finally:
        await context.shutdown()


def telemetry(host: HostClient) -> list[dict[str, object]]:
    return [json.loads(message.payload) for message in list(host.received)
            if message.topic == TOPIC]


def wait_for(host: HostClient, version: str, count: int) -> list[dict[str, object]]:
    """The node's readings once `count` of them came from `version`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        readings = telemetry(host)
        if sum(reading["version"] == version for reading in readings) >= count:
            return readings
        time.sleep(0.1)
    raise AssertionError(f"no {count} readings from {version}: {telemetry(host)}")


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_telemetry_over_tls_and_an_update_through_smp(broker: Broker, tmp_path: Path,
                                                      board: str) -> None:
    v1 = build(tmp_path / "v1", broker.tls_port, broker.ca, board)
    v2 = build(tmp_path / "v2", broker.tls_port, broker.ca, board, "v2.conf")
    stimulus = tmp_path / "stimulus.txt"
    stimulus.write_text("1500ms sensor ambient_temp 24.5\n")
    coap_port = free_udp_port()
    host = broker.host
    update = (v2 / "levante.signed.bin").read_bytes()
    with running_node(v1, tmp_path, "--forward", f"udp:{coap_port}:5683", "--known-build",
                      str(v2), "--stimulus", str(stimulus)) as device:
        before = wait_for(host, "1.0.0+0", 3)
        coap_before: list[dict[str, object]] = []
        coap_after: list[dict[str, object]] = []

        async def scenario() -> list[tuple[int, str, bool, bool]]:
            coap_before.extend(await coap_readings(coap_port, 2))
            client = await connect(device.port)
            await update_through_smp(client, update)
            wait_for(host, "2.0.0+0", 2)  # back, publishing: its first reading was acked
            images = await running_images(client)
            await client.disconnect()
            coap_after.extend(await coap_readings(coap_port, 1))
            return images

        images = asyncio.run(scenario())
        events = device.stop()
    output = device.console()
    first = before[0]
    assert first["seq"] == 1 and first["temperature"] == 21.0 and first["humidity"] == 45.0
    assert first["pressure"] == 101.325
    assert any(reading["temperature"] == 24.5 for reading in before), before
    # Confirmed by the node itself; the old image stays in slot 1, no longer to revert to.
    assert images == [(0, "2.0.0", True, True), (1, "1.0.0", False, False)]
    assert "levante-boot: image 0: swapping (TEST)" in output
    assert "sensor_node: image confirmed: 0" in output
    after = [reading for reading in telemetry(host) if reading["version"] == "2.0.0+0"]
    assert [reading["seq"] for reading in after[:2]] == [1, 2]  # a new boot counts anew
    # CoAP serves the same readings: the latest, then one notification per new reading.
    assert [reading["version"] for reading in coap_before] == ["1.0.0+0"] * 3
    sequence = [int(str(reading["seq"])) for reading in coap_before]
    assert sequence[1:] == [sequence[1], sequence[1] + 1], sequence
    assert [reading["version"] for reading in coap_after] == ["2.0.0+0"] * 2
    swaps = [event["swap"] for event in events if event["event"] == "boot_stage"]
    assert swaps == ["NONE", "TEST"]
    published = [event for event in events if event["event"] == "service_message"
                 and event.get("service") == "mqtt" and event["action"] == "publish"]
    assert published and all(event["fields"]["topic"] == TOPIC for event in published)


def test_an_update_that_cannot_publish_is_reverted(broker: Broker, tmp_path: Path) -> None:
    v1 = build(tmp_path / "v1", broker.tls_port, broker.ca, "lv_m4")
    # 2.0.0 built for a broker port where nothing listens: it never gets a PUBACK.
    lost = build(tmp_path / "lost", free_port(), broker.ca, "lv_m4", "v2.conf")
    update = (lost / "levante.signed.bin").read_bytes()
    with running_node(v1, tmp_path, "--known-build", str(lost)) as device:
        wait_for(broker.host, "1.0.0+0", 2)

        async def scenario() -> tuple[list[tuple[int, str, bool, bool]], ...]:
            client = await connect(device.port)
            await update_through_smp(client, update)
            on_test = await running_images(client)
            await reset_and_wait(client)  # unconfirmed: the boot stage reverts
            reverted = await running_images(client)
            await client.disconnect()
            return on_test, reverted

        on_test, reverted = asyncio.run(scenario())
        readings = wait_for(broker.host, "1.0.0+0", len(telemetry(broker.host)) + 2)
        device.stop()
    output = device.console()
    assert on_test[0] == (0, "2.0.0", True, False)
    assert reverted[0] == (0, "1.0.0", True, True)
    assert "sensor_node: cannot reach the broker: -111" in output  # -ECONNREFUSED
    assert "levante-boot: image 0: test image not confirmed: reverting" in output
    assert "image confirmed" not in output
    assert all(reading["version"] == "1.0.0+0" for reading in readings)
