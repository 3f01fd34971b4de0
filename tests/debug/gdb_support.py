"""Running `levante run --gdb PORT` for the GDB server's end-to-end tests, and a minimal
RSP client written from GDB's manual (independent of the server's own framing)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from types import TracebackType

WAITING = "levante: waiting for GDB on 127.0.0.1:"
TIMEOUT = 60  # seconds: a guard against a hang, never an assertion


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LevanteUnderGdb:
    """`levante run BUILD --gdb PORT`, started and waited for until it listens; as a
    context manager it ends the run on the way out if a failed test left it going."""

    def __init__(self, build_dir: Path, *options: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "levante.cli", "run", str(build_dir),
             "--gdb", str(self.port), *options],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        assert line.startswith(WAITING), line + self.process.stderr.read()

    def finish(self) -> tuple[int, str, str]:
        """(exit status, stdout, the rest of stderr) once the run has ended."""
        stdout, stderr = self.process.communicate(timeout=TIMEOUT)
        return self.process.returncode, stdout, stderr

    def __enter__(self) -> LevanteUnderGdb:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.process.poll() is None:  # a system under GDB may spin forever
            self.process.kill()
            self.process.communicate()


def gdb(elf: Path, port: int, *commands: str) -> str:
    """GDB in batch mode attached to the server, running `commands`; its output."""
    arguments = ["gdb-multiarch", "-batch", "-nx", str(elf),
                 "-ex", "set architecture arm", "-ex", f"target remote :{port}"]
    for command in commands:
        arguments += ["-ex", command]
    result = subprocess.run(arguments, capture_output=True, text=True, timeout=TIMEOUT,
                            check=False)
    return result.stdout + result.stderr


class RspClient:
    """Speaks the remote serial protocol with acknowledgements, one request at a time."""

    def __init__(self, port: int) -> None:
        self.connection = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self._buffer = b""
        self.acknowledging = True

    def _read(self, count: int) -> bytes:
        while len(self._buffer) < count:
            data = self.connection.recv(4096)
            assert data, "the server closed the connection"
            self._buffer += data
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def send(self, payload: bytes) -> None:
        checksum = sum(payload) % 256
        self.connection.sendall(b"$" + payload + b"#" + f"{checksum:02x}".encode())
        if self.acknowledging:
            assert self._read(1) == b"+"

    def receive(self) -> bytes:
        """The next packet (acknowledged), run-length encoding undone."""
        assert self._read(1) == b"$"
        payload = b""
        while (byte := self._read(1)) != b"#":
            payload += byte
        assert int(self._read(2), 16) == sum(payload) % 256
        if self.acknowledging:
            self.connection.sendall(b"+")
        return self._expand(payload)

    @staticmethod
    def _expand(payload: bytes) -> bytes:
        out = bytearray()
        position = 0
        while position < len(payload):
            if payload[position] == ord("*"):
                out += out[-1:] * (payload[position + 1] - 29)
                position += 2
            else:
                out.append(payload[position])
                position += 1
        return bytes(out)

    def request(self, payload: bytes) -> bytes:
        self.send(payload)
        return self.receive()

    def stop_acknowledging(self) -> None:
        assert self.request(b"QStartNoAckMode") == b"OK"
        self.acknowledging = False

    def interrupt(self) -> None:
        self.connection.sendall(b"\x03")

    def monitor(self, command: str) -> str:
        return bytes.fromhex(self.request(b"qRcmd," + command.encode().hex().encode())
                             .decode()).decode()

    def close(self) -> None:
        self.connection.close()
