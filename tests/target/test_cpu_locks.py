"""k_sched_lock and irq_lock, absolute timeouts, the 64-bit cycle counter, the timing
functions and thread custom data, on both boards (tests/target/cpu_locks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "cpu_locks"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 9
    assert result.output.count("Fatal error expected as part of test case.") == 1
