"""A device running under `levante run --net user` with its CoAP ports forwarded to the
host's loopback, for the CoAP tests: started, waited for, and stopped with its output
and trace."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def free_udp_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


@dataclass
class Device:
    """One `levante run`; `ports` maps each device port to its host port."""

    process: subprocess.Popen[str]
    ports: dict[int, int]
    trace: Path
    output: str = ""
    errors: str = ""
    events: list[dict[str, object]] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.output, self.errors = self.process.communicate(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        if self.trace.exists():
            self.events = [json.loads(line) for line in self.trace.read_text().splitlines()]


def start_device(build_dir: Path, device_ports: tuple[int, ...], trace: Path,
                 *options: str) -> Device:
    ports = {port: free_udp_port() for port in device_ports}
    forwards = [argument for port, host in ports.items()
                for argument in ("--forward", f"udp:{host}:{port}")]
    process = subprocess.Popen(
        [sys.executable, "-m", "levante.cli", "run", str(build_dir), "--net", "user",
         *forwards, "--trace", str(trace), "--max-time", "600s", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return Device(process, ports, trace)


def wait_until_answering(device: Device, port: int, deadline_s: float = 120.0) -> None:
    """Until the device answers a CoAP ping (an empty CON, RFC 7252 §4.3) on `port`."""
    ping = bytes((0x40, 0x00, 0x12, 0x34))
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.settimeout(0.5)
    started = time.monotonic()
    try:
        while time.monotonic() - started < deadline_s:
            if device.process.poll() is not None:
                raise AssertionError(f"the device stopped: {device.process.stderr}")
            probe.sendto(ping, ("127.0.0.1", device.ports[port]))
            try:
                probe.recv(64)
                return
            except TimeoutError:
                continue
        raise AssertionError("the device never answered a CoAP ping")
    finally:
        probe.close()
