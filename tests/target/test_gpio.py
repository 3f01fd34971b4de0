"""The devicetree macros and the GPIO driver on both boards, checked by a ztest suite
(tests/target/gpio, whose app.overlay adds a line): levels, active-low pins, pulls, bad
pins and flags, interrupts with callbacks in interrupt context, a button the stimulus
script presses, and the grant a user thread needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.config import load_board
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "gpio"
STIMULUS = APP / "stimulus.txt"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_gpio_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, "--stimulus", str(STIMULUS), board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 6
    assert all(case.status == "passed" for case in verdict.cases)
    assert result.output.count("Fatal error expected as part of test case.") == 1
    # The press is in the trace, at the script's time, with the interrupt it raised.
    press = next(event for event in result.events("button") if event["action"] == "press")
    assert press["line"] == "sw0"
    assert press["cycle"] == load_board(board).clock_hz // 2  # 500 ms
    assert any(event["pins"] == 1 << 8 for event in result.events("gpio_interrupt"))



def test_without_the_press_the_button_test_fails(builder: Builder) -> None:
    result = builder.run(APP)
    verdict = judge_ztest(result.output.splitlines())
    failed = [case.name for case in verdict.cases if case.status == "failed"]
    assert failed == ["gpio.test_a_pressed_button_interrupts"], result.output
