"""A user->user IPC round trip (a generated stub's call, the server's receive and reply,
both messages checked) as a ratio to the same exchange through a pair of message queues,
both measured on one image in one process."""

from __future__ import annotations

import struct
from pathlib import Path

from bench.common import Result, best_time, boot_quietly, build_app

ROUND_TRIPS = 5000  # as in apps/ipc
IPC_CALLS, MSGQ_PAIR = 0, 1


def _seconds(build_dir: Path, work: int) -> float:
    def once() -> None:
        system = boot_quietly(build_dir)
        address = system.image.symbols["bench_work"].address
        system.cpu.write_memory(address, struct.pack("<I", work))
        system.run()
        assert not system.kernel.faults, list(system.kernel.faults)

    return best_time(once)


def run() -> Result:
    build_dir = build_app("ipc")
    ipc = _seconds(build_dir, IPC_CALLS)
    msgq = _seconds(build_dir, MSGQ_PAIR)
    return Result(
        "ipc_round_trip_vs_msgq_pair", ipc / msgq, 2.0, False,
        f"user->user IPC round trip {ipc / ROUND_TRIPS * 1e6:.1f} us vs a k_msgq pair "
        f"{msgq / ROUND_TRIPS * 1e6:.1f} us",
    )
