"""The virtual switch: one Ethernet segment for several Levante processes.

`levante net-switch PATH` listens on a Unix socket at PATH; every `levante run --net
switch:PATH` connects as one port. The socket is SOCK_SEQPACKET, so one message is one
frame and no framing is needed. The hub learns which port each source MAC is behind (a
bounded table whose entries age out, as IEEE 802.1D's filtering database does) and sends
a frame for a known unicast MAC to that port only; broadcasts, multicasts and unknown
destinations flood to every other port. A port that cannot take a frame now (its queue
is full) misses it, as on a congested switch: the hub never waits for one port.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from levante.net.link.errors import LinkError

MAX_PORTS = 64
MAX_FRAME = 65_535
MAC_TABLE_SIZE = 1024
MAC_AGEING_SECONDS = 300.0  # IEEE 802.1D's default ageing time
_ETHERNET_HEADER = 14


@dataclass
class HubCounters:
    frames: int = 0        # frames received from ports
    flooded: int = 0       # frames sent to every other port
    forwarded: int = 0     # frames sent to the one port their destination is behind
    dropped: int = 0       # deliveries a full port could not take, and runt frames
    ports_seen: int = 0


@dataclass
class _Learned:
    port: socket.socket
    seen: float


@dataclass
class SwitchHub:
    """The hub's state; `serve` runs it until `stop` or Ctrl-C."""

    path: Path
    counters: HubCounters = field(default_factory=HubCounters)

    def __post_init__(self) -> None:
        _clear_stale_socket(self.path)
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._listener.bind(str(self.path))
            self._listener.listen(MAX_PORTS)
        except OSError as error:
            self._listener.close()
            raise LinkError(f"net-switch {self.path}: cannot listen: "
                            f"{error.strerror or error}") from None
        self._listener.setblocking(False)
        self._ports: list[socket.socket] = []
        self._table: dict[bytes, _Learned] = {}
        self._stopped = False

    @property
    def port_count(self) -> int:
        return len(self._ports)

    def serve(self, seconds: float | None = None) -> None:
        """Move frames until `stop` (or, with `seconds`, until that long has passed)."""
        ends = None if seconds is None else time.monotonic() + seconds
        while not self._stopped:
            timeout = 0.5 if ends is None else max(0.0, min(0.5, ends - time.monotonic()))
            self.step(timeout)
            if ends is not None and time.monotonic() >= ends:
                return

    def stop(self) -> None:
        self._stopped = True

    def step(self, timeout: float) -> None:
        """Wait up to `timeout` seconds, then accept ports and move the frames waiting."""
        try:
            ready, _, _ = select.select([self._listener, *self._ports], [], [], timeout)
        except (OSError, ValueError):
            return  # closed under us by `close`
        for readable in ready:
            if readable is self._listener:
                self._accept()
            else:
                self._drain(readable)

    def _accept(self) -> None:
        try:
            port, _ = self._listener.accept()
        except OSError:
            return
        if len(self._ports) >= MAX_PORTS:
            port.close()  # the process sees the switch close: its run ends with one line
            return
        port.setblocking(False)
        self._ports.append(port)
        self.counters.ports_seen += 1

    def _drain(self, port: socket.socket) -> None:
        for _ in range(64):  # a bounded turn, so that one busy port cannot starve others
            try:
                frame = port.recv(MAX_FRAME)
            except BlockingIOError:
                return
            except OSError:
                frame = b""
            if not frame:
                self._disconnect(port)
                return
            self.counters.frames += 1
            self._switch(port, frame)

    def _switch(self, source: socket.socket, frame: bytes) -> None:
        if len(frame) < _ETHERNET_HEADER:
            self.counters.dropped += 1
            return
        now = time.monotonic()
        destination, sender = frame[:6], frame[6:12]
        if not sender[0] & 1:  # a group address is never a source (IEEE 802.3 §3.2.3)
            self._learn(sender, source, now)
        learned = self._table.get(destination) if not destination[0] & 1 else None
        if learned is not None and now - learned.seen <= MAC_AGEING_SECONDS:
            if learned.port is not source:
                self._deliver(learned.port, frame)
                self.counters.forwarded += 1
            return
        for port in list(self._ports):
            if port is not source:
                self._deliver(port, frame)
        self.counters.flooded += 1

    def _learn(self, mac: bytes, port: socket.socket, now: float) -> None:
        if mac not in self._table and len(self._table) >= MAC_TABLE_SIZE:
            oldest = min(self._table, key=lambda key: self._table[key].seen)
            del self._table[oldest]
        self._table[mac] = _Learned(port, now)

    def _deliver(self, port: socket.socket, frame: bytes) -> None:
        try:
            port.send(frame)
        except BlockingIOError:
            self.counters.dropped += 1
        except OSError:
            self._disconnect(port)

    def _disconnect(self, port: socket.socket) -> None:
        if port in self._ports:
            self._ports.remove(port)
        for mac in [mac for mac, learned in self._table.items() if learned.port is port]:
            del self._table[mac]
        port.close()

    def close(self) -> None:
        """Close every port and remove the socket file."""
        self._stopped = True
        for port in self._ports:
            port.close()
        self._ports.clear()
        self._listener.close()
        try:
            self.path.unlink()
        except OSError:
            pass


def _clear_stale_socket(path: Path) -> None:
    """A socket file nobody listens on (a hub that died) is removed; a live hub or a
    file that is not a socket is an error."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise LinkError(f"net-switch {path}: {error.strerror or error}") from None
    if not stat.S_ISSOCK(mode):
        raise LinkError(f"net-switch {path}: the path exists and is not a socket")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        probe.connect(str(path))
    except OSError as error:
        if error.errno != errno.ECONNREFUSED:
            raise LinkError(f"net-switch {path}: {error.strerror or error}") from None
        path.unlink()  # stale: its hub is gone
        return
    finally:
        probe.close()
    raise LinkError(f"net-switch {path}: a switch is already running there")
