"""k_queue, k_fifo, k_lifo and k_stack on both boards, checked by a ztest suite
(tests/target/queues): order, timeouts, waiters handed items, ISRs, the allocating
variants against a user thread's resource pool, and the user rules (the plain puts are
kernel functions, the queue needs a grant)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "queues"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_queue_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 11
    assert all(case.status == "passed" for case in verdict.cases)
    # The two user-mode refusals were announced faults, each ending only its thread.
    assert result.output.count("Fatal error expected as part of test case.") == 2
