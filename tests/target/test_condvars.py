"""k_condvar on both boards, checked by a ztest suite (tests/target/condvars): signal
order by priority, broadcast counts, the mutex given up while waiting and held again,
timeouts, an ISR's signal, user waiters, and the user refusals, each an oops naming
k_object_validate's errno for the object it refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "condvars"

# In the suite's (alphabetical) order: what each refused user call was denied for.
REFUSALS = [
    "k_condvar access denied (EINVAL)",  # never initialised
    "k_condvar access denied (EBADF)",  # NULL
    "k_condvar access denied (EPERM)",  # never granted
    "k_condvar access denied (EBADF)",  # a mutex is no condition variable
    "k_mutex access denied (EPERM)",  # the mutex was never granted
]


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_condvar_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 11
    assert all(case.status == "passed" for case in verdict.cases)
    denials = re.findall(r"k_\w+ access denied \(\w+\)", result.output)
    assert denials == REFUSALS, result.output
    assert result.output.count("Fatal error expected as part of test case.") == len(REFUSALS)
