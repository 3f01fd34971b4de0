"""The console UART: what the shell reads (console_getchar), from the host's input."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel

READ_CHUNK = 4096


@dataclass
class ConsoleUart:
    """Console input: `read` returns the next bytes typed or piped in, b"" at the end."""

    read: Callable[[], bytes]
    kind: str = "console"
    kconfig: str = "CONSOLE"

    def attach(self, kernel: Kernel) -> None:
        kernel.console_input = self.read

    def wait_for_line(self, seconds: float | None) -> float | None:
        return wait_for_line(self.read, seconds)


def wait_for_line(read: Callable[[], bytes], seconds: float | None) -> float | None:
    """A console's wait for its next line (WaitableInput.wait); None at once when its
    input cannot wait (a test's stream): then nothing arrives while the system idles."""
    return read.wait(seconds) if isinstance(read, WaitableInput) else None


@runtime_checkable
class LineWaiting(Protocol):
    """A console device whose input can be waited for (ConsoleUart, BoardUart)."""

    def wait_for_line(self, seconds: float | None) -> float | None: ...


@runtime_checkable
class WaitableInput(Protocol):
    """Console input that can also say, within a wall-clock wait, whether a line came:
    what lets a service on the console (SMP's serial transport) answer while the
    application's timers keep the system from idling for good."""

    def __call__(self) -> bytes: ...

    def wait(self, seconds: float | None) -> float | None:
        """Wait up to `seconds` (None: without limit) for a line or the input's end;
        the seconds waited when one is there, else None."""
        ...


class HostInput:
    """A host file descriptor (standard input) as console input, a line at a time."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self._pending = bytearray()
        self._ended = False

    def _fill(self) -> None:
        try:
            chunk = os.read(self.descriptor, READ_CHUNK)
        except OSError:
            chunk = b""
        if chunk:
            self._pending += chunk
        else:
            self._ended = True

    def __call__(self) -> bytes:
        """The next line (b"" at the end of the input)."""
        while b"\n" not in self._pending and not self._ended:
            self._fill()
        end = self._pending.find(b"\n") + 1 or len(self._pending)
        line = bytes(self._pending[:end])
        del self._pending[:end]
        return line

    def wait(self, seconds: float | None) -> float | None:
        # Input already there (a pipe's) counts as waited for no time at all, so that a
        # run fed the same input is the same run; only a real wait takes wall-clock time.
        started: float | None = None
        while b"\n" not in self._pending and not self._ended:
            try:
                ready = self._ready(0)
                if not ready:
                    started = time.monotonic() if started is None else started
                    left = None if seconds is None else \
                        seconds - (time.monotonic() - started)
                    if left is not None and left <= 0:
                        return None
                    ready = self._ready(left)
            except (OSError, ValueError):
                self._ended = True
                break
            if not ready:
                return None
            self._fill()
        return 0.0 if started is None else time.monotonic() - started

    def _ready(self, timeout: float | None) -> bool:
        readable, _, _ = select.select([self.descriptor], [], [], timeout)
        return bool(readable)
