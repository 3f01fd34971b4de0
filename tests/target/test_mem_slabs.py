"""k_mem_slab on both boards, checked by a ztest suite (tests/target/mem_slabs): Zephyr's
block order and -EINVAL rules, K_MEM_SLAB_DEFINE's rounding, a waiter handed the freed
block, the mirrored counts and statistics, blocks the kernel never writes into, and the
refusals: a double free and a pointer inside a block oops, a pointer into flash is the
MPU fault hardware would raise, and a user thread may not call the kernel API."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "mem_slabs"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_mem_slab_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 10
    assert all(case.status == "passed" for case in verdict.cases)
    output = result.output
    assert output.count("is not a block of this slab in use") == 2  # double, inside
    assert "k_mem_slab_alloc is not a system call: user threads may not call it" in output
    assert "KERNEL WRITE ACCESS VIOLATION" in output  # *mem in flash
    assert output.count("Fatal error expected as part of test case.") == 4
