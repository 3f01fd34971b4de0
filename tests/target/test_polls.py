"""k_poll and poll signals on both boards, checked by a ztest suite (tests/target/polls):
every kind of event ready at once or awaited, states written back and accumulated,
waiters served before pollers and pollers by priority, timeouts, cancellation, ISRs,
and the user rules (counts, the copy's room in the pool, the array and every object
checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "polls"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_poll_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 16
    assert all(case.status == "passed" for case in verdict.cases)
    # The six user-mode refusals were announced faults, each ending only its thread.
    assert result.output.count("Fatal error expected as part of test case.") == 6
