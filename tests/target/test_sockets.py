"""Zephyr's socket calls on both boards (tests/target/sockets), without a link: what
socket makes and refuses, names and ports, sending limits, options, O_NONBLOCK and
timeouts on simulated time, poll and select, waits ended by close, descriptors and their
limit, address text and numeric getaddrinfo; and the user rules: a thread's own sockets
work, another thread's descriptor is EBADF until its object is granted, kernel memory as
a buffer or an address faults the caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "sockets"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_socket_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 15
    assert all(case.status == "passed" for case in verdict.cases)
    # The three user-mode faults were announced, each ending only its thread.
    assert result.output.count("Fatal error expected as part of test case.") == 3


def test_the_suite_passes_with_picolibc(builder: Builder) -> None:
    result = builder.run(APP, board="lv_m4", extra=("overlay-picolibc.conf",))
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 15
