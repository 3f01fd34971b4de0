"""MQTT publish rate: a device (Zephyr's MQTT client, tests/net/apps/mqtt_client's
"flood" mode, `levante run --net user`) publishing QoS 0 messages to a mosquitto on the
host vs paho-mqtt publishing the same messages from the host to the same broker in the
same run. Both rates are what a paho subscriber on the host sees arrive: from the first
message to the QoS 1 end marker that follows the last (that subscriber, Python too,
bounds both rates: on a two-core machine near 20 000 messages/s)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from bench.common import BUILD, REPO, Result
from levante.config import load_board
from levante.sdk.build import build

APP = REPO / "tests" / "net" / "apps" / "mqtt_client"
MESSAGES = 5000
TOPIC = "levante/flood"
END_TOPIC = "levante/flood/end"
WAIT_SECONDS = 120.0
START_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Broker:
    """mosquitto on a free loopback port, with a config file of its own."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        config = directory / "mosquitto.conf"
        stay = ["user root"] if os.geteuid() == 0 else []
        config.write_text("\n".join([*stay, f"listener {self.port} 127.0.0.1",
                                     "allow_anonymous true", "persistence false", ""]))
        self.process = subprocess.Popen(["mosquitto", "-c", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise RuntimeError("mosquitto did not start")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class _Counter:
    """A paho subscriber timing the flood: first message to the end marker."""

    def __init__(self, port: int, name: str) -> None:
        self.count = 0
        self.first = 0.0
        self.last = 0.0
        self.done = threading.Event()
        subscribed = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, name)
        self.client.on_message = self._message
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([(TOPIC, 0), (END_TOPIC, 1)])
        self.client.loop_start()
        if not subscribed.wait(START_SECONDS):
            raise RuntimeError("the host subscriber could not subscribe")

    def _message(self, _client: paho.Client, _userdata: object,
                 message: paho.MQTTMessage) -> None:
        now = time.perf_counter()
        if message.topic == END_TOPIC:
            self.last = now
            self.done.set()
            return
        if self.count == 0:
            self.first = now
        self.count += 1

    def rate(self) -> float:
        """Messages per second; fails when the end marker never came."""
        if not self.done.wait(WAIT_SECONDS):
            raise RuntimeError(f"the flood did not end ({self.count} messages seen)")
        self.client.loop_stop()
        self.client.disconnect()
        return self.count / (self.last - self.first)


def _device_rate(build_dir: Path, port: int) -> tuple[float, int]:
    counter = _Counter(port, "bench-device-counter")
    device = subprocess.run(
        [sys.executable, "-m", "levante.cli", "run", str(build_dir), "--net", "user",
         "--max-time", "600s"],
        input=f"{port} flood {MESSAGES}\n", capture_output=True, text=True, check=False,
        timeout=WAIT_SECONDS * 3)
    if f"flood: {MESSAGES} messages" not in device.stdout:
        raise RuntimeError(f"the device did not flood: {device.stdout[-400:]}")
    return counter.rate(), counter.count


def _host_rate(port: int) -> tuple[float, int]:
    counter = _Counter(port, "bench-host-counter")
    publisher = paho.Client(CallbackAPIVersion.VERSION2, "bench-host-publisher")
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()
    for number in range(MESSAGES):
        publisher.publish(TOPIC, f"message {number:08d}".encode(), qos=0)
    publisher.publish(END_TOPIC, b"end", qos=1).wait_for_publish(WAIT_SECONDS)
    publisher.loop_stop()
    publisher.disconnect()
    return counter.rate(), counter.count


def run() -> Result:
    build_dir = BUILD / "mqtt_client_lv_m4"
    build(APP, build_dir, load_board("lv_m4"))
    with tempfile.TemporaryDirectory() as directory:
        broker = _Broker(Path(directory))
        try:
            ours, ours_seen = _device_rate(build_dir, broker.port)
            host, host_seen = _host_rate(broker.port)
        finally:
            broker.close()
    return Result(
        "mqtt_publish_vs_paho", ours / host, 0.2, True,
        f"{MESSAGES} QoS 0 PUBLISHes of 16-byte payloads to mosquitto on loopback, as a "
        f"host paho subscriber sees them arrive: device {ours:.0f}/s ({ours_seen} seen; "
        f"user link) vs paho-mqtt on the host {host:.0f}/s ({host_seen} seen)")


if __name__ == "__main__":
    print(run().details, Path(__file__).name)
