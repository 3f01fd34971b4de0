"""`--net-record FILE` and `--net-replay FILE`: a link's inbound frames with the simulated
instants they arrived at, written during a run and fed back, with no link, in another.

A frame reaches the interface in one of two ways, and a replay must repeat which: taken
when the interface looked at the link between CPU runs (`POLLED`), or the arrival that
ended an idle wait (`IDLE`). Feeding each back in the same way at the same cycle makes
the replayed run take the same path as the recorded one: same output, same trace.

File format, version 1 (all integers big-endian):

    header   8 octets  magic b"LVNETREC"
             2         version (1)
             2         flags (0)
             4         the board clock in Hz the cycles count
    record   4         boot (0 for power-on, +1 at each reboot)
             8         arrival cycle (of that boot's clock)
             1         how it arrived: 0 polled, 1 idle
             1         reserved (0)
             2         frame length (1..65535)
             n         the frame

Records are in the order the frames arrived (boot, then cycle, never decreasing). A file
holds at most 256 MiB: a recording that would grow past it ends the run with one line,
and a longer file is refused, so a replay never holds more than that in memory.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from levante.errors import LevanteError, UsageError
from levante.net.link.errors import LinkError

MAGIC = b"LVNETREC"
VERSION = 1
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_FRAME = 0xFFFF
POLLED, IDLE = 0, 1

_HEADER = struct.Struct("!8sHHI")
_RECORD = struct.Struct("!IQBBH")


class ReplayFileError(LevanteError):
    """A replay file that is not a complete recording (one line, exit status 2)."""


@dataclass(frozen=True)
class RecordedFrame:
    boot: int
    cycle: int
    how: int
    frame: bytes


class FrameRecorder:
    """Writes the frames the interface takes from its link, flushed after each batch so
    that a run stopped any way leaves a complete file."""

    def __init__(self, path: Path, clock_hz: int) -> None:
        self.path = path
        try:
            self._stream: BinaryIO | None = path.open("wb")
        except OSError as error:
            raise UsageError(f"--net-record: cannot write {path}: {error.strerror}") from None
        self._stream.write(_HEADER.pack(MAGIC, VERSION, 0, clock_hz))
        self._stream.flush()
        self._size = _HEADER.size
        self.boot = 0
        self.frames = 0

    def write(self, cycle: int, how: int, frames: list[bytes]) -> None:
        if self._stream is None:
            return
        chunk = bytearray()
        for frame in frames:
            if not 0 < len(frame) <= MAX_FRAME:
                continue  # never delivered either: the stack refuses such a frame
            chunk += _RECORD.pack(self.boot, cycle, how, 0, len(frame)) + frame
        if self._size + len(chunk) > MAX_FILE_BYTES:
            self.close()
            raise LinkError(f"--net-record {self.path}: the recording reached its limit "
                            f"of {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        self._stream.write(chunk)
        self._stream.flush()
        self._size += len(chunk)
        self.frames += len(frames)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def parse_recording(data: bytes, clock_hz: int, where: str) -> list[RecordedFrame]:
    """A recording's frames; anything but a complete, ordered version-1 file for a board
    clocked at `clock_hz` raises `ReplayFileError` naming `where`."""
    if len(data) > MAX_FILE_BYTES:
        raise ReplayFileError(f"--net-replay {where}: larger than "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} MiB")
    if len(data) < _HEADER.size or data[:8] != MAGIC:
        raise ReplayFileError(f"--net-replay {where}: not a Levante network recording")
    _, version, flags, recorded_hz = _HEADER.unpack_from(data)
    if version != VERSION or flags != 0:
        raise ReplayFileError(f"--net-replay {where}: format version {version} (flags "
                              f"{flags}); this Levante reads version {VERSION}")
    if recorded_hz != clock_hz:
        raise ReplayFileError(f"--net-replay {where}: recorded on a {recorded_hz} Hz board, "
                              f"this build runs at {clock_hz} Hz")
    frames: list[RecordedFrame] = []
    position = _HEADER.size
    previous = (0, 0)
    while position < len(data):
        if position + _RECORD.size > len(data):
            raise ReplayFileError(f"--net-replay {where}: truncated after "
                                  f"{len(frames)} frames")
        boot, cycle, how, reserved, length = _RECORD.unpack_from(data, position)
        position += _RECORD.size
        if how not in (POLLED, IDLE) or reserved != 0 or length == 0:
            raise ReplayFileError(f"--net-replay {where}: frame {len(frames) + 1} is corrupt")
        if (boot, cycle) < previous:
            raise ReplayFileError(f"--net-replay {where}: frame {len(frames) + 1} goes back "
                                  "in time")
        if position + length > len(data):
            raise ReplayFileError(f"--net-replay {where}: truncated in frame "
                                  f"{len(frames) + 1}")
        frames.append(RecordedFrame(boot, cycle, how, data[position:position + length]))
        position += length
        previous = (boot, cycle)
    return frames


class ReplayFeed:
    """The recorded frames, handed out when the interface looks for them at the instant
    and in the way they first arrived."""

    def __init__(self, path: Path, clock_hz: int) -> None:
        self.path = path
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ReplayFileError(f"--net-replay: cannot read {path}: "
                                  f"{error.strerror}") from None
        self._pending = deque(parse_recording(data, clock_hz, str(path)))
        self.boot = 0

    @property
    def remaining(self) -> int:
        return len(self._pending)

    def next_boot(self) -> None:
        """A reboot: what the earlier boot did not take is never delivered."""
        while self._pending and self._pending[0].boot <= self.boot:
            self._pending.popleft()
        self.boot += 1

    def take(self, cycle: int, how: int, limit: int) -> list[bytes]:
        frames: list[bytes] = []
        while self._pending and len(frames) < limit:
            head = self._pending[0]
            if (head.boot, head.cycle, head.how) != (self.boot, cycle, how):
                break
            frames.append(self._pending.popleft().frame)
        return frames

    def idle_arrival(self, now: int, horizon: int | None) -> int | None:
        """The cycle the next frame ended an idle wait at, if it did so before `horizon`."""
        if not self._pending:
            return None
        head = self._pending[0]
        if head.boot != self.boot or head.how != IDLE or head.cycle < now:
            return None
        if horizon is not None and head.cycle > horizon:
            return None
        return head.cycle


class ReplayLink:
    """The link of a replayed run: always up, what the device sends goes nowhere (it was
    answered in the recording), and nothing arrives except through the feed."""

    def __init__(self, path: Path) -> None:
        self.description = f"replay of {path}"

    @property
    def is_open(self) -> bool:
        return True

    def send(self, frame: bytes) -> bool:
        return True

    def receive(self, limit: int) -> list[bytes]:
        return []

    def wait(self, seconds: float | None) -> float | None:
        return None

    def close(self) -> None:
        return None
