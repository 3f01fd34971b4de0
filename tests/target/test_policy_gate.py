"""A C program under a policy (tests/target/policy_gate/policy.lvp) on both boards: a
k_sem_give refused by its argument in supervisor and user mode, k_sem_take limited per
window of simulated time, the errno each caller sees, and the trace's audit lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import Builder, levante
from levante.errors import LevanteError

APP = Path(__file__).parent / "policy_gate"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_policy_refuses_by_argument_and_by_rate(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="2s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    # The alarm's gives were refused: its count stayed 0 for both callers.
    assert "main ordinary count 10 alarm count 0" in lines
    assert "worker alarm count 0" in lines
    # Three takes per 10 ms, then -EPERM; the supervisor and the user thread alike.
    for who in ("main", "worker"):
        takes = [line for line in lines if line.startswith(f"{who} take ")]
        assert [line.split(": ")[1] for line in takes] == ["0", "0", "0", "-1", "-1"]
    assert "worker after the window: 0" in lines  # a new window, a new allowance
    # A hostile pointer is refused by validation (an oops), never reaching the policy.
    assert "FATAL 3" in lines and "worker survived a bad pointer" not in lines
    assert lines[-1] == "DONE"
    refused = result.events("policy_refused")
    assert [(event["thread"], event["call"], event["result"]) for event in refused] == [
        ("main", "k_sem_give", -13), ("main", "k_sem_take", -1), ("main", "k_sem_take", -1),
        ("worker", "k_sem_give", -13), ("worker", "k_sem_take", -1),
        ("worker", "k_sem_take", -1)]
    audits = result.events("policy_audit")
    assert len(audits) == len(refused)
    assert {(event["policy_event"], event["rule_line"]) for event in audits} == {
        ("syscall k_sem_give", 16), ("syscall k_sem_take", 19)}
    assert all(event["verdict"] == "deny" for event in audits)


def test_the_same_program_without_a_policy_is_not_judged(tmp_path: Path) -> None:
    app = tmp_path / "policy_gate"
    shutil.copytree(APP, app)
    (app / "policy.lvp").unlink()
    build_dir = tmp_path / "build"
    built = levante("build", str(app), "-d", str(build_dir))
    assert built.returncode == 0, built.stderr
    assert not (build_dir / "policy.json").exists()
    trace = tmp_path / "trace.jsonl"
    run = levante("run", str(build_dir), "--max-time", "2s", "--trace", str(trace))
    assert "main ordinary count 10 alarm count 1" in run.stdout
    assert "worker alarm count 2" in run.stdout
    assert "main take 4: 0" in run.stdout
    assert '"policy_' not in trace.read_text()


def test_a_policy_that_does_not_compile_fails_the_build_in_one_line(tmp_path: Path) -> None:
    app = tmp_path / "policy_gate"
    shutil.copytree(APP, app)
    (app / "policy.lvp").write_text("default deny\ngrant syscall k_sem_giv\n")
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"levante: error: {app / 'policy.lvp'}:2: error: unknown system call 'k_sem_giv'"]


def test_a_build_of_another_compiled_format_is_refused_in_one_line(tmp_path: Path) -> None:
    from levante.sdk.policy_build import COMPILED_POLICY, load_compiled_policy

    (tmp_path / COMPILED_POLICY).write_text('{"version": 1}')
    with pytest.raises(LevanteError) as raised:
        load_compiled_policy(tmp_path)
    assert raised.value.message == (f"{tmp_path / COMPILED_POLICY}: compiled policy of "
                                    "another version: rebuild")
    (tmp_path / COMPILED_POLICY).write_text("{")
    with pytest.raises(LevanteError, match="unreadable compiled policy"):
        load_compiled_policy(tmp_path)
