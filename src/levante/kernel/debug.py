"""The debugger seam: what the run loop tells a debugger attached to it (none: nothing).

The kernel stays pure: a debugger (levante.debug, at the board layer) implements this
protocol and the loop calls it between CPU runs, never during one.  Whatever the debugger
does while it holds the CPU (waiting for GDB, reading registers) takes wall-clock time
only: the kernel runs nothing, so simulated time stands still.  To end the run (GDB's
kill) the debugger calls `end_run()`; the loop then returns without running or handling
anything more.
"""

from __future__ import annotations

from typing import Protocol

from levante.arch.interface import StopEvent
from levante.kernel.thread import Thread


class DebugMonitor(Protocol):
    """A debugger attached to the run loop."""

    # The longest CPU run while it is attached: between runs it notices an interrupt
    # request (GDB's Ctrl-C) soon enough.  Splitting runs changes nothing simulated.
    max_run_cycles: int

    def before_run(self, thread: Thread) -> None:
        """`thread` is about to run: the debugger may hold the CPU here first (an
        interrupt request, a step finished by the kernel, the first run)."""
        ...

    def thread_stopped(self, thread: Thread, event: StopEvent) -> None:
        """A run of `thread` stopped, and the kernel has not handled why yet (a fault's
        registers are still those of the faulting instruction)."""
        ...
