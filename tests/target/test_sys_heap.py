"""sys_heap, the library heap in the caller's own memory, on both boards
(tests/target/sys_heap): first fit, alignment, merging, exhaustion, realloc, validation
and statistics, from a supervisor and a user thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "sys_heap"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 3
