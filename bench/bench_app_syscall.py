"""(e) An application-defined system call from a user thread (the trap, the handler run
privileged as the caller with one verification check, and the way back) as a ratio to
one k_sem_give system call."""

from __future__ import annotations

from bench.bench_syscall import per_operation_vs_kernel_call
from bench.common import Result

CALLS = 5_000  # as in apps/app_syscall


def run() -> Result:
    return per_operation_vs_kernel_call("app_syscall_vs_syscall", "app_syscall", CALLS, 50.0,
                                        "application call")
