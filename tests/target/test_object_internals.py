"""The kernel's object table and user-mode internals on both boards, checked by a ztest
suite (tests/target/object_internals): k_object_find's records (a snapshot that grants
nothing when written), k_object_recycle, k_object_validate and k_object_is_valid,
grants to a thread object before its thread starts, the pool and domain the kernel
mirrors into struct k_thread, thread objects owning their slots, futexes (and their
-EAGAIN, -ETIMEDOUT, -EACCES, -EINVAL), a kernel-only thread refused user mode, and a
user thread's CONTROL write, MPU write and privileged-stack accesses; sys_mutex (judged by
memory: -EACCES outside the thread's memory) and sys_sem (waits on its futex) from user threads."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "object_internals"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_object_internals_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 18
    assert all(case.status == "passed" for case in verdict.cases)
    # Every refusal was a fault of the reason the case expected, ending only its thread.
    assert result.output.count("LEVANTE FATAL ERROR 0: CPU exception") == 4
    assert result.output.count("LEVANTE FATAL ERROR 3: Kernel oops") == 2
    assert result.output.count("LEVANTE FATAL ERROR 4: Kernel panic") == 1
    assert "unexpected fatal error" not in result.output
