"""The kernel: one booted system, assembled from layers of one concern each.

The kernel is a function of events (seL4's executable-spec idea): it picks a thread,
asks the CPU to run it for a budget of cycles, and handles whatever stopped it: a system
call, a fault, or a deadline.  Time is the count of executed instructions plus modelled
kernel costs, so a run is the same every time.

Each layer builds on the one below and calls nothing above it:
    base (state, console, trace, memory) → clock → blocking → threads → serving
    → fatal_errors (and callbacks) → entry (from the CPU) → loop (the scheduler loop)
"""

from __future__ import annotations

from levante import __version__
from levante.kernel.base import ConsoleSink, ConsoleSource, TraceSink
from levante.kernel.loop import RunEnd, RunLoop

__all__ = ["ConsoleSink", "ConsoleSource", "Kernel", "RunEnd", "TraceSink"]


class Kernel(RunLoop):
    """One booted system; its constructor is KernelState's (kernel/base.py)."""

    def boot(self) -> None:
        from levante.kernel.startup import start_system

        start_system(self)

    def banner(self) -> None:
        if self.config.boot_banner:
            self.print(f"*** Booting Levante v{__version__} ***\n")
