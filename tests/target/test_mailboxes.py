"""k_mbox on both boards, checked by a ztest suite (tests/target/mailboxes): both
descriptors after a meeting, addressing by thread, data taken at once, later or not at
all, a synchronous sender waiting for its receiver (and behind it), asynchronous messages
bounded by CONFIG_NUM_MBOX_ASYNC_MSGS, timeouts, a mailbox's memory reused, and a user
thread refused (mailboxes are a kernel API in Zephyr)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "mailboxes"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_mailbox_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 10
    assert all(case.status == "passed" for case in verdict.cases)
    assert result.output.count("Fatal error expected as part of test case.") == 1
    assert "k_mbox_get is not a system call: user threads may not call it" in result.output
