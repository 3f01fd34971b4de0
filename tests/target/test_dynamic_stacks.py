"""k_thread_stack_alloc and k_thread_stack_free on both boards, checked by a ztest suite
(tests/target/dynamic_stacks): the build's pool first, then the caller's resource pool
(and only it for a stack bigger than the pool's); a stack a thread runs on is busy; a
stack freed twice or never handed out is invalid; a user thread allocates a user stack,
runs a thread on it and frees it, and may not free one it holds no permission on."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "dynamic_stacks"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_dynamic_stack_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 4
    assert all(case.status == "passed" for case in verdict.cases)
    faults = [event["description"] for event in result.events("fault")]
    assert len(faults) == 2
    assert faults[0].endswith("z_thread_stack_element access denied (EPERM)")
    assert faults[1] == "0x0: z_thread_stack_element access denied (EBADF)"
