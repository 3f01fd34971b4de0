"""(c) k_yield thread switch cost, recorded as a ratio to one k_sem_give system call."""

from __future__ import annotations

from bench.bench_syscall import kernel_call_seconds
from bench.common import Result, best_time, boot_quietly, build_app

YIELDS = 20_000  # per thread, as in apps/yield


def run() -> Result:
    build_dir = build_app("yield")
    switches = []

    def under_kernel() -> None:
        system = boot_quietly(build_dir)
        system.run()
        switches.append(system.kernel.switch_count)

    seconds = best_time(under_kernel)
    per_switch = seconds / switches[-1]
    per_call = kernel_call_seconds()
    return Result(
        "k_yield_switch_vs_syscall", per_switch / per_call, 5.0, False,
        f"k_yield with switch {per_switch * 1e6:.2f} us ({switches[-1]} switches) "
        f"vs k_sem_give {per_call * 1e6:.2f} us",
    )
