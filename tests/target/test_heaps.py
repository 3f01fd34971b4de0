"""k_heap_* on both boards, checked by a ztest suite (tests/target/heaps): allocation and
exhaustion, zeroed blocks, alignment, calloc's overflow check, an allocation that waits
for a free, and the user rule (they are kernel functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "heaps"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_heap_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert [case.status for case in verdict.cases] == ["passed"] * 5
    assert "k_heap_alloc is not a system call" in result.output
