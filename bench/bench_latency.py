"""(f) Per-operation host time of the operations of Zephyr's latency_measure, under its
names, each as a ratio to one supervisor k_sem_give timed in the same run.

`apps/latency` runs one operation at a time, OPERATIONS times over, and announces each
phase on the console ("PHASE <name> <count>", then "END"); the console sink stamps those
lines with the host clock as they are printed, so a phase's time is its operations and
nothing else (the two announcing calls are noise next to thousands of operations).
Latency_measure's own figures are simulated cycles; these are what the same operations
cost on the host, to set beside Zephyr on QEMU (bench_peer) where the programs match."""

from __future__ import annotations

import time

from bench.common import REPEATS, Result, build_app
from levante.board.system import power_up

REFERENCE = "semaphore.give.immediate.kernel"
# Targets by kind of operation: one system call with no waiter should cost about what
# k_sem_give costs; a switch leaves the engine (see "Thread switches" in performance.md);
# a user call adds its validation (user_vs_supervisor_syscall's target), a switch between
# user threads the emulated MPU's changes (user_vs_kernel_switch's: twice a kernel one).
IMMEDIATE_TARGET = 2.0
USER_TARGET = 3.0
SWITCH_TARGET = 5.0
USER_SWITCH_TARGET = 2 * SWITCH_TARGET


class PhaseClock:
    """A console sink that stamps the phase announcements with the host clock."""

    def __init__(self) -> None:
        self.pending = b""
        self.current: tuple[str, int, float] | None = None
        self.seconds_per_operation: dict[str, float] = {}

    def __call__(self, data: bytes) -> None:
        now = time.perf_counter()
        self.pending += data
        while b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            self._line(line.decode(errors="replace").split(), now)

    def _line(self, words: list[str], now: float) -> None:
        if len(words) == 3 and words[0] == "PHASE":
            self.current = (words[1], int(words[2]), now)
        elif words == ["END"] and self.current is not None:
            name, count, start = self.current
            self.seconds_per_operation[name] = (now - start) / count
            self.current = None


def measure() -> dict[str, float]:
    """Seconds per operation for every phase, the best of REPEATS runs each."""
    build_dir = build_app("latency")
    best: dict[str, float] = {}
    for _ in range(REPEATS):
        clock = PhaseClock()
        power_up(build_dir, clock).run()
        for name, seconds in clock.seconds_per_operation.items():
            best[name] = min(seconds, best.get(name, seconds))
    return best


def target_for(name: str) -> float:
    if name.endswith(".ctx.u_to_u"):
        return USER_SWITCH_TARGET
    if ".ctx." in name:
        return SWITCH_TARGET
    if name.endswith(".user"):
        return USER_TARGET
    return IMMEDIATE_TARGET


def run() -> list[Result]:
    per_operation = measure()
    reference = per_operation[REFERENCE]
    return [
        Result(name, seconds / reference, target_for(name), False,
               f"{seconds * 1e6:.2f} us per operation vs {REFERENCE} "
               f"{reference * 1e6:.2f} us")
        for name, seconds in per_operation.items() if name != REFERENCE
    ]
