"""samples/synchronization: two equal-priority threads hand a turn back and forth."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SAMPLES, Builder

APP = SAMPLES / "synchronization"
NAP_MS = 500  # the sample's NAP_MS
RUN_MS = 5000
LINE = re.compile(
    r"^(thread_[ab]): Hello World from cpu 0 on (\w+)! \(uptime (\d+) ms\)$"
)


def config_int(build_dir: Path, name: str) -> int:
    for line in (build_dir / ".config").read_text().splitlines():
        if line.startswith(f"CONFIG_{name}="):
            return int(line.split("=", 1)[1])
    raise AssertionError(f"CONFIG_{name} missing from {build_dir / '.config'}")


def turn_period_ms(ticks_per_second: int) -> int:
    """One turn is a nap begun part-way through a tick: k_msleep rounds the nap up to
    whole ticks and waits them out from the *next* tick boundary, as Zephyr does."""
    nap_ticks = -(-NAP_MS * ticks_per_second // 1000)
    period_ticks = nap_ticks + 1
    assert period_ticks * 1000 % ticks_per_second == 0, "the uptimes would not be exact"
    return period_ticks * 1000 // ticks_per_second


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_threads_alternate_once_per_nap(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time=f"{RUN_MS}ms")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert lines[0] == "*** Booting Levante v0.1.0 ***"
    matches = [LINE.match(line) for line in lines[1:]]
    assert all(matches), lines
    names = [m.group(1) for m in matches if m]
    boards = {m.group(2) for m in matches if m}
    uptimes = [int(m.group(3)) for m in matches if m]
    assert boards == {board}

    # Strict alternation, starting with thread_a, whose semaphore starts available.
    assert names == [("thread_a", "thread_b")[i % 2] for i in range(len(names))]

    # Every turn starts one nap (rounded as the kernel rounds it) after the previous one.
    period = turn_period_ms(config_int(builder.build(APP, board), "SYS_CLOCK_TICKS_PER_SEC"))
    assert period >= NAP_MS
    assert uptimes == [turn * period for turn in range(len(uptimes))]

    # The run stops at RUN_MS of simulated time: exactly the turns that began before it.
    assert len(uptimes) == len(range(0, RUN_MS, period))
    assert len(uptimes) >= 2 * 4


def test_each_turn_blocks_on_its_semaphore_and_the_threads_never_end(builder: Builder) -> None:
    result = builder.run(APP, max_time=f"{RUN_MS}ms")
    turns = result.output.count("Hello World")
    takes = [event for event in result.events("syscall") if event["call"] == "k_sem_take"]
    # thread_a's first take succeeds at once; every other take waits for the other
    # thread's give.  One take per turn, plus thread_b's first one at boot (the thread
    # napping when time runs out has not asked for its next turn yet).
    assert [e["thread"] for e in takes] == [("thread_a", "thread_b")[i % 2]
                                            for i in range(turns + 1)]
    assert [e["result"] for e in takes] == [0] + ["blocked"] * turns
    gives = [e["thread"] for e in result.events("syscall") if e["call"] == "k_sem_give"]
    assert gives == [("thread_a", "thread_b")[i % 2] for i in range(turns - 1)]
    # Only main returns; the two turn-takers are still going when time runs out.
    assert [event["thread"] for event in result.events("thread_exit")] == ["main"]
