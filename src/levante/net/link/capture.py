"""`--pcap FILE`: every frame of the link, in and out, with its simulated timestamp."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from levante.codecs.pcap import file_header, record
from levante.errors import UsageError


class PcapCapture:
    """A libpcap file (nanosecond timestamps, Ethernet) written frame by frame, flushed
    after each so that a run stopped any way leaves a readable capture."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._stream: BinaryIO | None = path.open("wb")
        except OSError as error:
            raise UsageError(f"--pcap: cannot write {path}: {error.strerror}") from None
        self._stream.write(file_header(nanoseconds=True))
        self._stream.flush()
        self.frames = 0

    def __call__(self, seconds: int, nanoseconds: int, frame: bytes) -> None:
        if self._stream is None:
            return
        self._stream.write(record(seconds, nanoseconds, frame))
        self._stream.flush()
        self.frames += 1

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
