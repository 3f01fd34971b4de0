"""(d) User mode costs: the same k_sem_give from a user vs a supervisor thread, and a
user→user vs kernel→kernel thread switch, measured on one image in one process."""

from __future__ import annotations

import struct
from pathlib import Path

from bench.common import Result, best_time, boot_quietly, build_app
from levante.abi import THREAD_OPTIONS

CALLS = 40_000  # as in apps/user_mode
GIVE_LOOP, YIELD_PAIR = 0, 1


def _run_seconds(build_dir: Path, options: int, work: int) -> tuple[float, int]:
    """Best wall time of one run, and the switches it made."""
    switches = []

    def once() -> None:
        system = boot_quietly(build_dir)
        symbols = system.image.symbols
        for name, value in (("bench_options", options), ("bench_work", work)):
            system.cpu.write_memory(symbols[name].address, struct.pack("<I", value))
        system.run()
        assert not system.kernel.faults, list(system.kernel.faults)
        switches.append(system.kernel.switch_count)

    return best_time(once), switches[-1]


def run_syscall() -> Result:
    build_dir = build_app("user_mode")
    supervisor, _ = _run_seconds(build_dir, 0, GIVE_LOOP)
    user, _ = _run_seconds(build_dir, THREAD_OPTIONS["K_USER"], GIVE_LOOP)
    return Result(
        "user_vs_supervisor_syscall", user / supervisor, 3.0, False,
        f"k_sem_give from a user thread {user / CALLS * 1e6:.2f} us vs supervisor "
        f"{supervisor / CALLS * 1e6:.2f} us (Zephyr's latency_measure: about 5x)",
    )


def run_switch() -> Result:
    build_dir = build_app("user_mode")
    kernel_seconds, kernel_switches = _run_seconds(build_dir, 0, YIELD_PAIR)
    user_seconds, user_switches = _run_seconds(build_dir, THREAD_OPTIONS["K_USER"],
                                               YIELD_PAIR)
    kernel_switch = kernel_seconds / kernel_switches
    user_switch = user_seconds / user_switches
    return Result(
        "user_vs_kernel_switch", user_switch / kernel_switch, 2.0, False,
        f"user->user switch {user_switch * 1e6:.2f} us vs kernel->kernel "
        f"{kernel_switch * 1e6:.2f} us (Zephyr's latency_measure: about 1.34x)",
    )
