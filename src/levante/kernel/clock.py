"""Simulated time: cycles, ticks and deadlines (one instruction is one cycle)."""

from __future__ import annotations

from levante.kernel.base import KernelState

ABSOLUTE_TIMEOUT_BELOW = -1  # K_TICKS_FOREVER: a timeout below it is absolute


def absolute_tick(ticks: int) -> int:
    """The tick an absolute timeout names (the inverse of Zephyr's K_TICK_ABS)."""
    return -2 - ticks


class Clock(KernelState):
    """Simulated time: cycles, ticks and deadlines (one instruction is one cycle)."""

    @property
    def cycles_per_tick(self) -> int:
        return self.config.cycles_per_tick

    def ticks(self) -> int:
        return self.now // self.cycles_per_tick

    def deadline_after_ticks(self, ticks: int) -> int:
        """The tick boundary `ticks` after the current (partial) tick: never early.
        A timeout below K_FOREVER (-1) is absolute (Zephyr's K_TIMEOUT_ABS_TICKS(t)
        encodes tick t as -2 - t): that tick's boundary, or the next one if it passed."""
        cpt = self.cycles_per_tick
        next_boundary = -(-self.now // cpt) * cpt
        if ticks < ABSOLUTE_TIMEOUT_BELOW:
            return max(next_boundary, absolute_tick(ticks) * cpt)
        return next_boundary + max(0, ticks) * cpt

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
