"""Zephyr's eventfd on both boards (tests/target/eventfds): the counter's rules, a
reader woken by a write, poll() over an eventfd beside a socket, close ending a wait,
the slot and descriptor limits, hostile arguments; and the user rules: a thread's own
eventfds work, another thread's descriptor is EBADF until its object is granted, kernel
memory as the value faults the caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "eventfds"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_eventfd_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 12
    assert all(case.status == "passed" for case in verdict.cases)
    # The two user-mode faults were announced, each ending only its thread.
    assert result.output.count("Fatal error expected as part of test case.") == 2
