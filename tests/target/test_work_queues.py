"""Work queues on both boards, checked by a ztest suite (tests/target/work_queues):
handlers on their queue's thread (and the system work queue's), item states, cancel,
flush, drain and plug, delays on simulated time, ISRs, the user work queue, and the
refusals (no handler, another object's memory, memory the kernel may not write, a busy
item initialised again, a thread asking for another queue's work, a user thread)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "work_queues"
REFUSALS = 7


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_work_queue_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 19
    assert all(case.status == "passed" for case in verdict.cases)
    # Each refusal was an announced fault that ended only the test's thread.
    assert result.output.count("Fatal error expected as part of test case.") == REFUSALS


def test_a_refusal_says_why(builder: Builder) -> None:
    output = builder.run(APP).output
    assert "has no handler (not initialised?)" in output
    assert "is a live k_sem, not a work item" in output
    assert "k_work_init: " in output and "is busy (queued, delayed or running)" in output
    assert "z_work_queue_next: not the thread of work queue" in output
    assert "k_work_queue_init: the work queue" in output and "already started" in output
    assert "k_work_submit_to_queue is not a system call" in output
