"""Application-defined system calls on both boards (tests/target/app_syscalls): the
build's stubs and handlers from the app's __syscall prototypes, results and arguments of
every width, the verification checks (memory, objects, string copies) judging the user
thread, K_OOPS, a call without handler, and supervisor callers going straight to
z_impl."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "app_syscalls"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 10
    assert result.output.count("Fatal error expected as part of test case.") == 4
    assert "never_handled: no handler compiled in" in result.output
    assert "z_vrfy_sem_poke failed check" in result.output
    calls = {event["call"] for event in result.events("app_syscall")}
    assert {"counter_add", "mix", "name_store", "name_fetch", "sem_poke"} <= calls
