"""The top of a user thread's stack keeps Zephyr's reserved area, so an overflow in the
thread's first frames stays inside the stack and the canary catches it
(K_ERR_STACK_CHK_FAIL), as Zephyr's mem_protect/stackprot test expects, instead of an MPU
fault past the stack's end."""

from __future__ import annotations

import pytest

from conftest import TARGET_TESTS, Builder
from levante.abi import FATAL_REASONS

APP = TARGET_TESTS / "user_stack_top"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_first_frame_overflow_is_a_stack_check_failure(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    assert f"fatal error {FATAL_REASONS['K_ERR_STACK_CHK_FAIL']}" in result.output, result.output
    assert "MPU FAULT" not in result.output
    assert "the overflow went unnoticed" not in result.output
    assert result.output.splitlines()[-1] == "main goes on"
