"""Ctrl-C during a run: raised at once where the host's own code runs, deferred to the
end of the current system call when it arrives inside a Unicorn callback."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from levante.board.system import System


@contextmanager
def interrupts_stop_the_run(system: System) -> Iterator[None]:
    """While the block runs, SIGINT stops `system` cleanly. Inside Unicorn's callbacks a
    KeyboardInterrupt would be caught by its binding (or lost between its wrapper and
    the C caller) and would cut a kernel call in two; there the run is asked to stop
    (`System.interrupt`) and ends at the call's end with `system.interrupted` set.
    Elsewhere (the run loop, an idle wait on the link) KeyboardInterrupt is raised as
    Python does by default, so a wait in `select` ends at once."""

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if system.cpu.emulating:
            system.interrupt()
        else:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
