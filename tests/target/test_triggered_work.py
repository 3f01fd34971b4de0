"""Triggered work (k_work_poll) on both boards, checked by a ztest suite
(tests/target/triggered_work): signals, semaphores and message queues submitting an
item, timeouts, K_NO_WAIT, cancelling, which queue owns the item, ISRs and user threads
raising the events, and the refusals (events the kernel may not write, no event, an
item over a live semaphore, a running item initialised again, a user thread)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "triggered_work"
REFUSALS = 5


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_triggered_work_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 14
    assert all(case.status == "passed" for case in verdict.cases)
    # Each refusal was an announced fault that ended only the test's thread.
    assert result.output.count("Fatal error expected as part of test case.") == REFUSALS


def test_a_refusal_says_why(builder: Builder) -> None:
    output = builder.run(APP).output
    assert "k_work_poll_submit_to_queue: NULL queue or events, or no event" in output
    assert "is a live k_sem, not a work item" in output
    assert "k_work_poll_init: " in output and "is queued or running" in output
    assert "k_work_poll_submit_to_queue is not a system call" in output
