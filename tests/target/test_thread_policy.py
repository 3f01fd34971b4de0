"""Thread starts under a policy (tests/target/thread_policy/policy.lvp) on both boards:
a start refused by entry function, priority, name or user mode never runs the thread
(static, immediate, K_FOREVER then k_thread_start, and delayed starts alike), its
creator's join returns at once, and the trace has each refusal and its audit line."""

from __future__ import annotations

import pytest

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "thread_policy"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_refused_thread_starts_never_run(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="5s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert [line for line in lines if "ran" in line] == [
        "worker ran: allowed", "worker ran: trusted name", "worker ran: user allowed"]
    for what in ("allowed", "by entry", "cooperative", "untrusted name", "trusted name",
                 "user allowed", "user blocked"):
        assert f"{what}: created 1 join 0" in lines, result.output
    assert "delayed: join 0" in lines
    assert lines[-1] == "DONE"
    refused = [(event["thread"], event["result"]) for event in result.events("thread_refused")]
    assert ("static_rogue", -13) in refused and ("untrusted", -1) in refused
    assert len(refused) == 6  # the static, by entry, cooperative, name, user, delayed
    assert sorted(result_ for _, result_ in refused) == [-13, -13, -13, -1, -1, -1]
    audits = result.events("policy_audit")
    assert {event["policy_event"] for event in audits} == {"thread start"}
    assert sorted(event["rule_line"] for event in audits) == [9, 9, 9, 11, 12, 13]
