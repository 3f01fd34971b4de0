"""SYS_INIT's levels and priorities at boot, BOOT_DELAY, per-thread errno, timer user data
and expiry ticks, kernel timeouts, timepoints and constant time conversions on both
boards, checked by a ztest suite (tests/target/init_timers), with hostile user
arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "init_timers"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_init_and_timer_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 11
    assert all(case.status == "passed" for case in verdict.cases)
    # The two hostile user calls were announced faults, each ending only its thread.
    assert result.output.count("Fatal error expected as part of test case.") == 2
