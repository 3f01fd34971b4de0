"""(b) k_sem_give round trip through the kernel vs a bare SVC hook that does nothing."""

from __future__ import annotations

from typing import Any

from bench.common import BareMachine, Result, best_time, boot_quietly, build_app

CALLS = 40_000  # as in apps/sem


def kernel_call_seconds() -> float:
    build_dir = build_app("sem")

    def under_kernel() -> None:
        boot_quietly(build_dir).run()

    return best_time(under_kernel) / CALLS


def run() -> Result:
    build_dir = build_app("sem")
    kernel = kernel_call_seconds()
    bare = BareMachine(build_dir)

    def nothing(uc: Any, number: int, user_data: Any) -> None:
        return None

    bare.add_svc_hook(nothing)
    bare_call = best_time(lambda: bare.call("give_loop", CALLS)) / CALLS
    return Result(
        "k_sem_give_vs_bare_svc", kernel / bare_call, 3.0, False,
        f"k_sem_give {kernel * 1e6:.2f} us vs bare SVC hook {bare_call * 1e6:.2f} us",
    )


def per_operation_vs_kernel_call(name: str, app: str, operations: int, target: float,
                                 what: str) -> Result:
    """An app that repeats one operation `operations` times, timed per operation and
    set against one k_sem_give (lower is better)."""
    build_dir = build_app(app)
    per_operation = best_time(lambda: boot_quietly(build_dir).run()) / operations
    per_call = kernel_call_seconds()
    return Result(
        name, per_operation / per_call, target, False,
        f"{what} {per_operation * 1e6:.2f} us vs k_sem_give {per_call * 1e6:.2f} us",
    )
