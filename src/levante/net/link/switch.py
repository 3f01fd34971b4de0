"""`--net switch:PATH`: a port of the virtual switch (`levante net-switch PATH`).

Connecting needs a live hub: a missing path or a stale socket file (its hub died) is a
one-line error naming the command that starts one. A hub that goes away while the device
runs ends the run with one line too, since the device would otherwise wait for peers
that can no longer reach it.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import stat
import time
from pathlib import Path

from levante.net.link.errors import LinkError
from levante.net.link.hub import MAX_FRAME


class SwitchLink:
    """One port of the hub at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"switch {path}"
        self._flag = f"--net switch:{path}"
        start = f"start one with `levante net-switch {path}`"
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise LinkError(f"{self._flag}: no switch there ({start})") from None
        except OSError as error:
            raise LinkError(f"{self._flag}: {error.strerror or error}") from None
        if not stat.S_ISSOCK(mode):
            raise LinkError(f"{self._flag}: not a socket, so not a switch")
        self._socket: socket.socket | None = socket.socket(socket.AF_UNIX,
                                                           socket.SOCK_SEQPACKET)
        try:
            self._socket.connect(str(path))
        except OSError as error:
            self._socket.close()
            self._socket = None
            if error.errno == errno.ECONNREFUSED:
                raise LinkError(f"{self._flag}: the switch is not running (a stale socket "
                                f"file; {start})") from None
            raise LinkError(f"{self._flag}: cannot connect: {error.strerror or error}") from None
        self._socket.setblocking(False)

    @property
    def is_open(self) -> bool:
        return self._socket is not None

    def send(self, frame: bytes) -> bool:
        if self._socket is None:
            return False
        try:
            return self._socket.send(frame) == len(frame)
        except BlockingIOError:
            return False  # the hub is behind: the frame is lost, as on a busy segment
        except OSError:
            self._lost()
            return False

    def receive(self, limit: int) -> list[bytes]:
        frames: list[bytes] = []
        while self._socket is not None and len(frames) < limit:
            try:
                frame = self._socket.recv(MAX_FRAME)
            except BlockingIOError:
                break
            except OSError:
                frame = b""
            if not frame:
                self._lost()
            frames.append(frame)
        return frames

    def wait(self, seconds: float | None) -> float | None:
        if self._socket is None:
            return None
        started = time.monotonic()
        ready, _, _ = select.select([self._socket], [], [], seconds)
        return time.monotonic() - started if ready else None

    def _lost(self) -> None:
        self.close()
        raise LinkError(f"{self._flag}: the switch went away")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
