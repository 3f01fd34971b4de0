"""One relayed TCP flow: a gateway-side connection of the TCP engine joined to a host socket.

Bytes move both ways through two bounded buffers. Backpressure is the engine's own: what
the host socket cannot take stays in `to_host`, the connection is not read while that is
full, so its receive window closes on the device; what the device's window cannot take
stays in `to_device`, and the host socket is not read while that is full, so the host's
TCP stops too. A FIN is passed on once the bytes before it are: the device's FIN becomes
`shutdown(SHUT_WR)` on the host socket, the host's end of stream becomes the
connection's FIN. A reset is passed on as a reset: the device's RST (or the connection
timing out) closes the host socket with SO_LINGER 0, which makes the host's TCP send
RST; the host's reset aborts the connection, which sends the device RST.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field
from enum import Enum

from levante.net.stack.tcp_connection import Connection, TcpState, TcpUsageError

# Each direction's buffer outside the engine, at most (the engine adds its own window).
BUFFER_LIMIT = 65_536


class FlowEnd(Enum):
    """How a flow ended, for the gateway's counters."""

    CLOSED = "closed"        # both sides closed in order
    DEVICE_RESET = "device-reset"  # the device reset (or stopped answering)
    HOST_RESET = "host-reset"      # the host's socket failed or reset


@dataclass
class TcpFlow:
    connection: Connection
    sock: socket.socket
    to_host: bytearray = field(default_factory=bytearray)
    to_device: bytearray = field(default_factory=bytearray)
    host_eof: bool = False       # the host's peer sent its FIN (recv gave b"")
    host_shut: bool = False      # the device's FIN was passed on to the host
    device_shut: bool = False    # the host's FIN was passed on to the device
    ended: FlowEnd | None = None

    @property
    def wants_read(self) -> bool:
        """The host socket is worth reading: room to keep what it gives."""
        return self.ended is None and not self.host_eof and len(self.to_device) < BUFFER_LIMIT

    @property
    def wants_write(self) -> bool:
        return self.ended is None and bool(self.to_host)

    def host_readable(self, now: int) -> None:
        """The host socket is readable: its bytes (or its end) toward the device."""
        if not self.wants_read:
            return
        try:
            data = self.sock.recv(BUFFER_LIMIT - len(self.to_device))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._host_failed(now)
            return
        if data:
            self.to_device += data
        else:
            self.host_eof = True
        self.pump(now)

    def pump(self, now: int) -> None:
        """Move what can move, pass on ends; call after anything happened to either side."""
        if self.ended is not None:
            return
        connection = self.connection
        if connection.state is TcpState.CLOSED and connection.error is not None:
            self._end_with_reset(FlowEnd.DEVICE_RESET)
            return
        self._device_to_host(now)
        if self.ended is None and connection.is_connected:
            self._host_to_device(now)
        if self.ended is None and self.host_shut and self.device_shut and \
                connection.state in (TcpState.TIME_WAIT, TcpState.CLOSED):
            self.sock.close()
            self.ended = FlowEnd.CLOSED

    def _device_to_host(self, now: int) -> None:
        connection = self.connection
        if len(self.to_host) < BUFFER_LIMIT:
            self.to_host += connection.receive(BUFFER_LIMIT - len(self.to_host), now)
        if self.to_host:
            try:
                sent = self.sock.send(self.to_host)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError:
                self._host_failed(now)
                return
            del self.to_host[:sent]
            if self.to_host and len(self.to_host) < BUFFER_LIMIT:
                # Room again: what the engine holds comes out now (opening its window).
                self.to_host += connection.receive(BUFFER_LIMIT - len(self.to_host), now)
        if connection.at_eof and not self.to_host and not self.host_shut:
            self.host_shut = True
            try:
                self.sock.shutdown(socket.SHUT_WR)
            except OSError:
                self._host_failed(now)

    def _host_to_device(self, now: int) -> None:
        connection = self.connection
        if self.to_device and not self.device_shut:
            try:
                taken = connection.send(bytes(self.to_device), now)
            except TcpUsageError:
                self._end_with_reset(FlowEnd.DEVICE_RESET)
                return
            del self.to_device[:taken]
        if self.host_eof and not self.to_device and not self.device_shut:
            self.device_shut = True
            try:
                connection.shutdown_write(now)
            except TcpUsageError:
                self._end_with_reset(FlowEnd.DEVICE_RESET)

    def _host_failed(self, now: int) -> None:
        """The host's side reset or failed: the device is reset too (RST, ECONNRESET)."""
        self.connection.abort(now)
        self.sock.close()
        self.ended = FlowEnd.HOST_RESET

    def _end_with_reset(self, end: FlowEnd) -> None:
        abort_host(self.sock)
        self.ended = end

    def abort(self, now: int) -> None:
        """The gateway gives the flow up (the run ends, or room for a newer flow)."""
        if self.ended is None:
            self.connection.abort(now)
            self._end_with_reset(FlowEnd.DEVICE_RESET)


def abort_host(sock: socket.socket) -> None:
    """Close `sock` so that its peer sees a reset (SO_LINGER on with a zero timeout)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass  # never connected: there is nothing to reset
    sock.close()
