"""samples/security/door_controller under test: a mosquitto broker, a paho-mqtt client on
the host that sends request frames and collects the device's replies and status, and the
device itself (`levante run --net user`) running until the test has what it needs."""

from __future__ import annotations

import json
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "net"))
from mosquitto_broker import HostClient, Mosquitto  # noqa: E402

from conftest import SAMPLES, Builder, split_boot_log  # noqa: E402
from levante.image.elf import load_elf  # noqa: E402

APP = SAMPLES / "security" / "door_controller"
POLICY = APP / "policy.lvp"
MAGIC = 0xD0  # door_protocol.h's DOOR_MAGIC
OP_UNLOCK = 1  # DOOR_OP_UNLOCK
PIN = b"482916"  # controller.c's door_pin
EPERM, EACCES, EBADMSG = 1, 13, 77
WAIT_SECONDS = 20.0  # for one answer of the device (its idle time is wall-clock time)
RUN_LIMIT = "300s"  # simulated time; the test interrupts the run long before
SIGINT_STATUS = 130  # `levante run` interrupted: the device was still serving

# The attack (tests/samples/test_door_controller_attack.py and _misgranted.py).
PAYLOAD = Path(__file__).parent / "door_attack" / "payload.c"
CREDENTIAL_MAX = 16  # door_protocol.h's DOOR_CREDENTIAL_MAX: the bytes before `forward`
FILLER = b"\xfe\xe7" * (CREDENTIAL_MAX // 2)  # Thumb "b ." pairs: code that would spin
# The paths payload.c tries, by the request id of the crafted frame (INJECTED: none,
# the thread jumps into the bytes it was sent).
RETURNING, GPIO, ACTUATOR_ENDPOINT, ACTUATOR_MEMORY, INJECTED = 1, 2, 3, 4, 5
LEGITIMATE = 60  # the request id of the owner's unlock after the attack


def frame(request_id: int, credential: bytes, op: int = OP_UNLOCK) -> bytes:
    """A request frame as door_protocol.h lays it out."""
    return bytes([MAGIC, op, request_id & 0xFF, request_id >> 8, len(credential)]) + credential


def policy_line(text: str) -> int:
    """The line of policy.lvp that starts with `text` (the audit records name rules by line)."""
    for number, line in enumerate(POLICY.read_text().splitlines(), start=1):
        if line.startswith(text):
            return number
    raise AssertionError(f"policy.lvp has no line starting {text!r}")


def exploit(step: int, target: int) -> bytes:
    """A request whose credential runs over the parser's buffer into `forward`."""
    return frame(step, FILLER + struct.pack("<I", target | 1))


def attack_build(builder: Builder, folder: Path, board: str,
                 main_edit: tuple[str, str] | None = None) -> tuple[Path, int, int]:
    """Build a copy of the sample with the attacker's code added (and `main_edit`, an
    (old, new) text replacement, made in its main.c); return the build, the address of
    door_attack and that of parser.credential."""
    app = folder / "door_controller"
    shutil.copytree(APP, app)
    shutil.copy(PAYLOAD, app / "src" / "attack_payload.c")
    if main_edit is not None:
        main = app / "src" / "main.c"
        old, new = main_edit
        assert old in main.read_text()
        main.write_text(main.read_text().replace(old, new))
    build = builder.build(app, board=board)
    image = load_elf(build / "levante.elf")
    return (build, image.symbols["door_attack"].address & ~1,
            image.symbols["parser"].address)


@dataclass
class Finished:
    """What the run left: its exit status, console output and trace."""

    status: int
    output: str
    errors: str
    trace: list[dict[str, Any]]

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.trace if event["event"] == kind]

    def lines(self, prefix: str) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(prefix)]


class DoorDevice:
    """The sample running against `broker`, and the host's client on its topics."""

    def __init__(self, build: Path, broker: Mosquitto, trace: Path) -> None:
        self.host = HostClient(broker.port)
        self.host.client.subscribe([("door/#", 0)])
        if not self.host.subscribed.wait(WAIT_SECONDS):
            raise AssertionError("the host's client could not subscribe")
        self.trace = trace
        console = trace.with_suffix(".console")  # the first console line: the broker's port
        console.write_text(f"{broker.port}\n")
        with console.open() as stdin:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "levante.cli", "run", str(build), "--net", "user",
                 "--max-time", RUN_LIMIT, "--trace", str(trace)],
                stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The console as it comes (the run flushes each line), for wait_console.
        self.console: list[str] = []
        self.reader = threading.Thread(target=self._read_console, daemon=True)
        self.reader.start()
        self.sessions = 0
        self.finished: Finished | None = None

    def _read_console(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.console.append(line)

    def wait_console(self, line: str, count: int = 1) -> None:
        """Until the device has printed `line` `count` times (the monitor prints the audit
        records it takes every 100 ms of simulated time: wait for them before stopping)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if [text.rstrip("\n") for text in list(self.console)].count(line) >= count:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"the device never printed {line!r}:\n{self.stop().output}")

    def messages(self, topic: str) -> list[str]:
        return [message.payload.decode() for message in list(self.host.received)
                if message.topic == topic]

    def _wait(self, topic: str, wanted: Any) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            for text in self.messages(topic):
                if wanted(text):
                    return text
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"no answer on {topic}; the device's output:\n{self.stop().output}")

    def wait_online(self) -> None:
        """Until the network domain's next session is up (it announces each one)."""
        self.sessions += 1
        count = self.sessions
        self._wait("door/status", lambda _: self.messages("door/status").count("online") >= count)

    def send(self, payload: bytes) -> None:
        self.host.client.publish("door/cmd", payload).wait_for_publish(WAIT_SECONDS)

    def request(self, request_id: int, credential: bytes) -> int:
        """Send an unlock request; the controller's verdict (0 or a negative errno)."""
        self.send(frame(request_id, credential))
        return self.request_verdict(request_id)

    def request_verdict(self, request_id: int) -> int:
        """The controller's verdict on request `request_id`, once it is published."""
        reply = self._wait("door/reply", lambda text: text.split()[0] == str(request_id))
        return int(reply.split()[1])

    def wait_status(self, request_id: int, state: str) -> None:
        self._wait("door/status", lambda text: text.split()[:2] == [str(request_id), state])

    def stop(self) -> Finished:
        """Interrupt the run (it would serve for ever) and collect what it left."""
        if self.finished is not None:
            return self.finished
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        self.reader.join(timeout=60)
        assert self.process.stderr is not None
        output, errors = "".join(self.console), self.process.stderr.read()
        self.host.close()
        trace = [json.loads(line) for line in self.trace.read_text().splitlines()] \
            if self.trace.exists() else []
        self.finished = Finished(self.process.returncode, split_boot_log(output)[1], errors,
                                 trace)
        return self.finished
