"""(d) A k_work_submit round trip (submit, the work queue's thread runs the handler,
main is woken) as a ratio to one k_sem_give system call."""

from __future__ import annotations

from bench.bench_syscall import kernel_call_seconds
from bench.common import Result, best_time, boot_quietly, build_app

ROUND_TRIPS = 5_000  # as in apps/work


def run() -> Result:
    build_dir = build_app("work")
    per_round_trip = best_time(lambda: boot_quietly(build_dir).run()) / ROUND_TRIPS
    per_call = kernel_call_seconds()
    return Result(
        "k_work_submit_round_trip_vs_syscall", per_round_trip / per_call, 50.0, False,
        f"k_work_submit round trip {per_round_trip * 1e6:.2f} us "
        f"vs k_sem_give {per_call * 1e6:.2f} us",
    )
