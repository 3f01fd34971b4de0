"""k_event on both boards, checked by a ztest suite (tests/target/events): what each update
returns, any and all waiters, the struct k_event fields Zephyr's tests read (the set, and
the first waiter through <wait_q.h>) however a wait ends, ISRs, and the user rules with
hostile arguments (no grant, another kind, NULL, kernel memory, a wild pointer, a second
initialisation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "events"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_event_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 14
    assert all(case.status == "passed" for case in verdict.cases)
    # Each hostile user call was refused as Zephyr's validation refuses it: an oops of
    # the caller alone, for the reason the kernel object check gives.
    assert result.output.count("Fatal error expected as part of test case.") == 6
    assert result.output.count("k_event access denied (EBADF)") == 4
    assert result.output.count("k_event access denied (EADDRINUSE)") == 1
    assert result.output.count("k_event access denied (EPERM)") == 1
