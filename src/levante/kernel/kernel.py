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

from collections.abc import Iterable
from typing import TYPE_CHECKING

from levante import __version__
from levante.arch.interface import Cpu
from levante.image.layout import ImageLayout
from levante.kernel.base import ConsoleSink, ConsoleSource, TraceSink
from levante.kernel.loop import RunEnd, RunLoop
from levante.kernel.settings import KernelConfig
from levante.kernel.stacks import StackProtection
from levante.kernel.userspace import UserSpace

if TYPE_CHECKING:
    from levante.kernel.devices import Device

__all__ = ["ConsoleSink", "ConsoleSource", "Kernel", "RunEnd", "TraceSink"]


class Kernel(RunLoop):
    """One booted system."""

    def __init__(
        self,
        cpu: Cpu,
        config: KernelConfig,
        image: ImageLayout,
        console: ConsoleSink,
        trace: TraceSink | None = None,
        *,
        devices: Iterable[Device] = (),
    ) -> None:
        super().__init__(cpu, config, image, console, trace, devices=devices)
        self.userspace = UserSpace(self) if config.userspace else None
        self.stacks = StackProtection(self)
        self.devices.attach_all(self)

    def boot(self) -> None:
        from levante.kernel.startup import start_system

        start_system(self)

    def banner(self) -> None:
        if self.config.boot_banner:
            self.print(f"*** Booting Levante v{__version__} ***\n")
