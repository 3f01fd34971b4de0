"""(e) An application-defined system call from a user thread (the trap, the handler run
privileged as the caller with one verification check, and the way back) as a ratio to
one k_sem_give system call."""

from __future__ import annotations

from bench.bench_syscall import kernel_call_seconds
from bench.common import Result, best_time, boot_quietly, build_app

CALLS = 5_000  # as in apps/app_syscall


def run() -> Result:
    build_dir = build_app("app_syscall")
    per_call = best_time(lambda: boot_quietly(build_dir).run()) / CALLS
    kernel_call = kernel_call_seconds()
    return Result(
        "app_syscall_vs_syscall", per_call / kernel_call, 50.0, False,
        f"application call {per_call * 1e6:.2f} us vs k_sem_give {kernel_call * 1e6:.2f} us",
    )
