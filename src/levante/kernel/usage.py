"""The CPU's usage (CONFIG_SCHED_THREAD_USAGE_ALL): cycles not idle, in all and per window.

Zephyr's analysis for a CPU: a window is a stretch of time between idle periods; its
`current` is the non-idle time since the CPU last left idle, `longest` the longest such
stretch, and the average is the non-idle total over the windows that ended.  Everything
is derived from the kernel's clock and its idle total, so the counts always add up: the
time while tracking was off (k_sys_runtime_stats_disable) is simply left out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CpuUsage:
    tracking: bool = True
    window_start: int = 0  # the cycle the current window began at
    longest: int = 0
    windows: int = 0
    untracked: int = 0  # non-idle cycles while tracking was off
    _off_since: tuple[int, int] = (0, 0)  # (now, idle) when tracking went off
    _frozen_current: int = 0  # the window's length when tracking went off

    def busy_cycles(self, now: int, idle: int) -> int:
        """Non-idle cycles counted so far."""
        counted = now - idle - self.untracked
        if not self.tracking:
            counted -= (now - self._off_since[0]) - (idle - self._off_since[1])
        return counted

    def current(self, now: int) -> int:
        return now - self.window_start if self.tracking else self._frozen_current

    def peak(self, now: int) -> int:
        return max(self.longest, self.current(now))

    def going_idle(self, now: int) -> None:
        """The CPU idles from `now`: the window ends."""
        if self.tracking:
            self.longest = max(self.longest, self.current(now))
            self.windows += 1

    def leaving_idle(self, now: int) -> None:
        self.window_start = now

    def enable(self, now: int, idle: int) -> None:
        if self.tracking:
            return
        self.untracked += (now - self._off_since[0]) - (idle - self._off_since[1])
        self.tracking = True
        self.windows += 1
        self.window_start = now

    def disable(self, now: int, idle: int) -> None:
        if not self.tracking:
            return
        self._frozen_current = self.current(now)
        self.longest = max(self.longest, self._frozen_current)
        self.tracking = False
        self._off_since = (now, idle)
