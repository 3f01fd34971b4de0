"""The GDB server's socket: one TCP connection on the loopback interface."""

from __future__ import annotations

import select
import socket

from levante.errors import UsageError

HOST = "127.0.0.1"  # never reachable from another machine
_RECEIVE_SIZE = 4096


class GdbConnection:
    """A connected GDB: blocking reads while it holds the CPU, polls while the system
    runs.  A closed or broken connection reads as b""."""

    def __init__(self, connected: socket.socket) -> None:
        self._socket = connected
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.closed = False

    def receive(self) -> bytes:
        """The next bytes GDB sends, waiting for them."""
        if self.closed:
            return b""
        try:
            data = self._socket.recv(_RECEIVE_SIZE)
        except OSError:
            data = b""
        if not data:
            self.close()
        return data

    def poll(self) -> bytes | None:
        """Bytes GDB has sent already (b"": it has gone), or None without waiting."""
        if self.closed:
            return b""
        try:
            ready, _, _ = select.select([self._socket], [], [], 0)
        except (OSError, ValueError):
            ready = [self._socket]
        return self.receive() if ready else None

    def send(self, data: bytes) -> None:
        if self.closed or not data:
            return
        try:
            self._socket.sendall(data)
        except OSError:
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._socket.close()


class GdbListener:
    """The listening socket `levante run --gdb PORT` opens before the board powers up."""

    def __init__(self, port: int) -> None:
        if not 0 < port < 65536:
            raise UsageError(f"bad GDB port {port}: use a TCP port from 1 to 65535")
        self.port = port
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((HOST, port))
            self._socket.listen(1)
        except OSError as error:
            self._socket.close()
            raise UsageError(
                f"cannot listen for GDB on {HOST}:{port}: {error.strerror}") from None

    def accept(self) -> GdbConnection:
        """Wait for GDB to connect; the listener closes (one debugger per run)."""
        try:
            connected, _ = self._socket.accept()
        finally:
            self._socket.close()
        return GdbConnection(connected)

    def close(self) -> None:
        self._socket.close()
