"""Simulated time: cycles, ticks and deadlines (one instruction is one cycle)."""

from __future__ import annotations

from levante.kernel.base import KernelState


class Clock(KernelState):
    """Simulated time: cycles, ticks and deadlines (one instruction is one cycle)."""

    @property
    def cycles_per_tick(self) -> int:
        return self.config.cycles_per_tick

    def ticks(self) -> int:
        return self.now // self.cycles_per_tick

    def deadline_after_ticks(self, ticks: int) -> int:
        """The tick boundary `ticks` after the current (partial) tick: never early."""
        cpt = self.cycles_per_tick
        return -(-self.now // cpt) * cpt + max(0, ticks) * cpt

    def ms_to_ticks(self, ms: int) -> int:
        return -(-ms * self.config.ticks_per_second // 1000)

    def ticks_to_ms_ceil(self, ticks: int) -> int:
        return -(-ticks * 1000 // self.config.ticks_per_second)

    def _next_deadline(self) -> int | None:
        """The next instant something is due: a timeout, or an event of a device."""
        deadline = self.timeouts.next_deadline()
        event = self.devices.next_event()
        if event is None:
            return deadline
        return event if deadline is None else min(deadline, event)
