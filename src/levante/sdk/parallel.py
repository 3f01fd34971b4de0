"""Run a build's independent tool commands (the compilations) side by side, one per core.

The results come back in the order of the commands whatever order they finish in, so a
build's warnings, and the error it reports when several sources fail (the first source's),
are the same as when they run one after another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # a platform without affinity masks
        return max(1, os.cpu_count() or 1)


def run_in_parallel(run: Callable[[list[str], str], str],
                    commands: Sequence[tuple[list[str], str]]) -> list[str]:
    """`run(command, what)` for every command, at most one per core at a time; their
    outputs in command order. The first command (in order) that raised has its error
    raised, once every command already started has ended; the others are not started."""
    workers = min(usable_cores(), len(commands))
    if workers <= 1:
        return [run(command, what) for command, what in commands]
    # Threads are enough: each one waits on its compiler's process.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run, command, what) for command, what in commands]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise
