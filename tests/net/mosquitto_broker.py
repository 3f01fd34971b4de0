"""A mosquitto broker for one test: a free loopback port, a config file made at test time,
and a paho-mqtt client on the host as the device's other party."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

START_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mosquitto:
    """mosquitto listening on 127.0.0.1:`port` (plain, or TLS with `tls` lines)."""

    def __init__(self, directory: Path, extra: tuple[str, ...] = (),
                 persistent: bool = False) -> None:
        if shutil.which("mosquitto") is None:
            pytest.fail("mosquitto is not installed (make setup installs it)")
        self.port = free_port()
        self.config = directory / "mosquitto.conf"
        self.log = directory / "mosquitto.log"
        # Run as root, mosquitto would drop to its own user, who cannot read the test's
        # files (the TLS listener's certificates): it stays the test's user.
        stay = ["user root"] if os.geteuid() == 0 else []
        # A persistent broker keeps its sessions in the test's directory across restarts.
        persistence = ["persistence true", f"persistence_location {directory}/"] \
            if persistent else ["persistence false"]
        self.config.write_text("\n".join([
            *stay, f"listener {self.port} 127.0.0.1", "allow_anonymous true",
            *persistence, *extra, ""]))
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(["mosquitto", "-c", str(self.config)],
                                        stdout=self.log.open("a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.close()
        pytest.fail(f"mosquitto did not start: {self.log.read_text()}")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def restart(self) -> None:
        """Stop (a persistent broker saves its sessions) and start again on the port."""
        self.close()
        self.start()

    def wait_for_log(self, text: str, seconds: float = START_SECONDS) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.log.read_text():
                return True
            time.sleep(0.05)
        return False


@dataclass
class HostClient:
    """A paho-mqtt client on the host: what it received, and a hook per message."""

    port: int
    received: list[paho.MQTTMessage] = field(default_factory=list)
    on_message: Callable[[paho.MQTTMessage], None] | None = None
    connected: threading.Event = field(default_factory=threading.Event)
    subscribed: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.client = paho.Client(CallbackAPIVersion.VERSION2, "levante-host")
        self.client.on_connect = lambda *_: self.connected.set()
        self.client.on_message = self._message
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.connect("127.0.0.1", self.port, keepalive=30)
        self.client.loop_start()
        if not self.connected.wait(START_SECONDS):
            pytest.fail("paho-mqtt could not connect to mosquitto")

    def _message(self, _client: paho.Client, _userdata: object,
                 message: paho.MQTTMessage) -> None:
        self.received.append(message)
        if self.on_message is not None:
            self.on_message(message)

    def topics(self) -> list[tuple[str, bytes, int]]:
        return [(message.topic, message.payload, message.qos) for message in self.received]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()
