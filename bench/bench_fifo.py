"""(e) A k_fifo put/get round trip (two system calls, no waiter, no switch) as a ratio to
one k_sem_give system call."""

from __future__ import annotations

from bench.bench_syscall import per_operation_vs_kernel_call
from bench.common import Result

ROUND_TRIPS = 20_000  # as in apps/fifo


def run() -> Result:
    return per_operation_vs_kernel_call("k_fifo_put_get_round_trip_vs_syscall", "fifo",
                                        ROUND_TRIPS, 3.0, "k_fifo put/get round trip")
