"""The scheduler's rules on both boards, checked by a ztest suite
(tests/target/sched_rules): meta-IRQ preemption of cooperative threads and the return to
the preempted one, deadline order among equal priorities, a thread's own time slice and
its expiry function in interrupt context, CPU masks, k_wakeup, the thread state the
kernel shows in struct k_thread (kthread.h, k_thread_state_str), and user threads'
hostile arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "sched_rules"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_scheduler_rules_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 10
    assert all(case.status == "passed" for case in verdict.cases)
    # The three hostile user calls were announced faults, each ending only its thread.
    assert result.output.count("Fatal error expected as part of test case.") == 3
    # In the order the suite runs them (by name): deadline, float, priority_get.
    faults = [event["description"] for event in result.events("fault")]
    assert faults == ["invalid thread deadline 0", "NULL is not a thread object",
                      "NULL is not a thread object"]
    # The per-thread slice ended once, and its function ran as an ISR.
    assert [event["function"] for event in result.events("isr")].count("slice_expired") == 1
