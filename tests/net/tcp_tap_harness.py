"""Runs a NetworkStack with TCP directly on a TAP device, for the tests against Linux.

Time comes from the host's clock here, and only here: the stack stays on its `now`.
Usage: tcp_tap_harness.py TAP SCENARIO [ARGS...]; prints one JSON line with the result.
  echo PORT              accept one connection, echo it until EOF, close
  sink PORT              accept one, read to EOF, answer the SHA-256 of it, close
  abort PORT             accept one, wait for data, abort (RST)
  send HOST PORT SIZE    connect, send SIZE bytes (random.Random(SIZE)), half close,
                         read the answer to EOF; reports the bytes/s of the transfer
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Callable

from levante.net.link.tap import TapLink
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.settings import TcpSettings
from levante.net.stack.tcp import Listener, TcpLayer
from levante.net.stack.tcp_connection import Connection, TcpState

DEVICE_MAC = "00:00:5e:00:53:01"
DEVICE_IP = "192.0.2.1"
TIMEOUT_SECONDS = 60


class Scenario:
    """One side of a conversation; `step` runs after every batch of frames."""

    done = False
    result: dict[str, object]

    def step(self, now: int) -> bool:
        raise NotImplementedError


class Server(Scenario):
    def __init__(self, tcp: TcpLayer, port: int,
                 behaviour: Callable[[Connection, int], bool]) -> None:
        self.listener: Listener = tcp.listen(port, 4)
        self.connection: Connection | None = None
        self.behaviour = behaviour
        self.result = {}

    def step(self, now: int) -> bool:
        if self.connection is None:
            self.connection = self.listener.accept()
            if self.connection is None:
                return False
        progress = self.behaviour(self.connection, now)
        if self.connection.state in (TcpState.CLOSED, TcpState.TIME_WAIT):
            self.done = True
            self.result.setdefault("state", self.connection.state.value)
            self.result["error"] = self.connection.error
        return progress


def echo(result: dict[str, object]) -> Callable[[Connection, int], bool]:
    pending = bytearray()
    total = [0]

    def behaviour(connection: Connection, now: int) -> bool:
        data = connection.receive(1 << 16, now)
        pending.extend(data)
        total[0] += len(data)
        if pending and connection.state not in (TcpState.CLOSED,):
            del pending[:connection.send(bytes(pending), now)]
        if connection.at_eof and not pending and not connection.fin_queued:
            connection.close(now)
        result["echoed"] = total[0]
        return bool(data)
    return behaviour


def sink(result: dict[str, object]) -> Callable[[Connection, int], bool]:
    digest = hashlib.sha256()
    total = [0]

    def behaviour(connection: Connection, now: int) -> bool:
        data = connection.receive(1 << 16, now)
        digest.update(data)
        total[0] += len(data)
        if connection.at_eof and not connection.fin_queued:
            connection.send(digest.hexdigest().encode(), now)
            connection.close(now)
            result.update(received=total[0], sha256=digest.hexdigest())
        return bool(data)
    return behaviour


def abort(result: dict[str, object]) -> Callable[[Connection, int], bool]:
    def behaviour(connection: Connection, now: int) -> bool:
        data = connection.receive(1 << 16, now)
        if data:
            result["before_abort"] = len(data)
            connection.abort(now)
        return bool(data)
    return behaviour


class Sender(Scenario):
    def __init__(self, tcp: TcpLayer, host: str, port: int, size: int, now: int) -> None:
        self.data = random.Random(size).randbytes(size)
        self.offset = 0
        self.answer = bytearray()
        self.connection = tcp.connect(0, host, port, now)
        self.connection.no_delay = True
        self.started: float | None = None
        self.result = {}

    def step(self, now: int) -> bool:
        connection = self.connection
        if connection.state is TcpState.CLOSED:
            self.done = True
            self.result.update(error=connection.error, answer=self.answer.decode())
            return False
        if not connection.is_connected:
            return False
        if self.started is None:
            self.started = time.monotonic()
        progress = False
        if not connection.fin_queued:
            taken = connection.send(self.data[self.offset:self.offset + (1 << 16)], now)
            self.offset += taken
            progress = taken > 0
            if self.offset == len(self.data):
                connection.shutdown_write(now)
        data = connection.receive(1 << 16, now)
        self.answer += data
        acknowledged = connection.fin_queued and connection.snd_una == connection.snd_max
        if acknowledged and "seconds" not in self.result:
            seconds = time.monotonic() - self.started
            self.result.update(seconds=seconds, bytes_per_second=len(self.data) / seconds,
                               sha256=hashlib.sha256(self.data).hexdigest())
        if connection.at_eof and acknowledged:
            self.done = True
            self.result.update(error=connection.error, answer=self.answer.decode(),
                               state=connection.state.value)
        return progress or bool(data)


def main(arguments: list[str]) -> int:
    tap, scenario_name, *rest = arguments
    link = TapLink(tap)
    settings = InterfaceSettings(
        mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP, "255.255.255.0"),
        tcp=TcpSettings(send_buffer=65535, receive_window=65535))
    stack = NetworkStack(settings, tcp_key=os.urandom(16))
    assert stack.tcp is not None
    started = time.monotonic()

    def now() -> int:
        return int((time.monotonic() - started) * 1_000_000)

    stack.link_up(now())
    scenario: Scenario
    if scenario_name == "send":
        scenario = Sender(stack.tcp, rest[0], int(rest[1]), int(rest[2]), now())
    else:
        result: dict[str, object] = {}
        behaviour = {"echo": echo, "sink": sink, "abort": abort}[scenario_name](result)
        scenario = Server(stack.tcp, int(rest[0]), behaviour)
        scenario.result = result
    print(json.dumps({"ready": True}), flush=True)
    give_up = time.monotonic() + TIMEOUT_SECONDS
    progress = True
    while not scenario.done and time.monotonic() < give_up:
        for frame in stack.take_outgoing():
            link.send(frame)
        deadline = stack.next_deadline()
        wait = 0.0 if progress else 0.05
        if deadline is not None and not progress:
            wait = min(wait, max(0.0, (deadline - now()) / 1_000_000))
        link.wait(wait)
        for frame in link.receive(256):
            stack.receive(frame, now())
        stack.advance(now())
        progress = scenario.step(now())
    # Let the last segments (the final ACK, a FIN) out before leaving.
    for frame in stack.take_outgoing():
        link.send(frame)
    scenario.result["done"] = scenario.done
    scenario.result["counters"] = {name: value for name, value in stack.stats.snapshot().items()
                                   if name.startswith("tcp.")}
    print(json.dumps(scenario.result), flush=True)
    link.close()
    return 0 if scenario.done else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
