"""A device running under `levante run --net user` with its CoAP ports forwarded to the
host's loopback, for the CoAP tests: started, waited for, and stopped with its output
and trace."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiocoap
from aiocoap import Message


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
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def read_console(self) -> None:
        """Collect the console's lines as they come (a thread of its own)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, deadline_s: float = 300.0) -> bool:
        """Until a console line holds `text` (False if the device stops or time runs out)."""
        started = time.monotonic()
        while time.monotonic() - started < deadline_s:
            if any(text in line for line in list(self.lines)):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            # A loaded machine (two workers, each with a device and its peers) can take
            # a while to end a run; the output so far is kept either way.
            self.process.wait(timeout=180)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.reader is not None:
            self.reader.join(30)
        assert self.process.stderr is not None
        self.output, self.errors = "".join(self.lines), self.process.stderr.read()
        if self.trace.exists():
            self.events = [json.loads(line) for line in self.trace.read_text().splitlines()]


def start_device(build_dir: Path, device_ports: tuple[int, ...], trace: Path,
                 *options: str, console: str = "") -> Device:
    """`levante run` with `device_ports` forwarded; `console` is typed on its console."""
    ports = {port: free_udp_port() for port in device_ports}
    forwards = [argument for port, host in ports.items()
                for argument in ("--forward", f"udp:{host}:{port}")]
    process = subprocess.Popen(
        [sys.executable, "-m", "levante.cli", "run", str(build_dir), "--net", "user",
         *forwards, "--trace", str(trace), "--max-time", "600s", *options],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdin is not None
    process.stdin.write(console)
    process.stdin.flush()
    device = Device(process, ports, trace)
    device.reader = threading.Thread(target=device.read_console, daemon=True)
    device.reader.start()
    return device


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


async def ask_async(*messages: Message) -> list[Message]:
    """aiocoap's answers to `messages`, asked in turn from one client context."""
    context = await aiocoap.Context.create_client_context()
    try:
        return [await context.request(message).response for message in messages]
    finally:
        await context.shutdown()


def ask(*messages: Message) -> list[Message]:
    return asyncio.run(ask_async(*messages))
