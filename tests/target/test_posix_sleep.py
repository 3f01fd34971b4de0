"""sleep() and usleep() of CONFIG_POSIX_API on both boards, checked by a ztest suite
(tests/target/posix_sleep): simulated time taken, the refusal of a second or more, and
k_wakeup ending a sleep early, from supervisor and user threads."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "posix_sleep"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_posix_sleep_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 5
    assert all(case.status == "passed" for case in verdict.cases)
