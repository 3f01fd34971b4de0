"""(d) A k_work_submit round trip (submit, the work queue's thread runs the handler,
main is woken) as a ratio to one k_sem_give system call."""

from __future__ import annotations

from bench.bench_syscall import per_operation_vs_kernel_call
from bench.common import Result

ROUND_TRIPS = 5_000  # as in apps/work


def run() -> Result:
    return per_operation_vs_kernel_call("k_work_submit_round_trip_vs_syscall", "work",
                                        ROUND_TRIPS, 50.0, "k_work_submit round trip")
