"""(a) User-code speed under the kernel (tick on, two threads time-sliced) vs bare Unicorn."""

from __future__ import annotations

from bench.common import BareMachine, Result, best_time, boot_quietly, build_app

ITERATIONS = 4_000_000  # per thread, as in apps/mips
THREADS = 2


def run() -> Result:
    build_dir = build_app("mips")
    systems = []

    def under_kernel() -> None:
        system = boot_quietly(build_dir)
        system.run()
        systems.append(system)

    kernel_seconds = best_time(under_kernel)
    instructions = systems[-1].cpu.executed_instructions
    switches = systems[-1].kernel.switch_count

    bare = BareMachine(build_dir)

    def raw() -> None:
        for _ in range(THREADS):
            bare.call("bench_loop", ITERATIONS, 1)

    raw_seconds = best_time(raw)
    from bench.common import count_instructions

    raw_instructions = THREADS * count_instructions(build_dir, "bench_loop", ITERATIONS, 1)
    kernel_mips = instructions / kernel_seconds / 1e6
    raw_mips = raw_instructions / raw_seconds / 1e6
    return Result(
        "mips_user_loop", kernel_mips / raw_mips, 0.5, True,
        f"kernel {kernel_mips:.0f} MIPS ({instructions} instructions, {switches} switches) "
        f"vs bare Unicorn {raw_mips:.0f} MIPS",
    )
