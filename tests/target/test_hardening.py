"""Stack protection and memory attributes on the target (tests/target/hardening).

The same C cases run on builds with different options; each option must change what
happens: a smashed canary, an overflow by deep recursion, code on the stack, a write to
flash, a null pointer read, stack usage, and randomised stack pointers and canaries.
"""

from __future__ import annotations

import re

import pytest

from conftest import TARGET_TESTS, Builder, RunResult

APP = TARGET_TESTS / "hardening"
STACK_CHK_FAIL = "K_ERR_STACK_CHK_FAIL"
CPU_EXCEPTION = "K_ERR_CPU_EXCEPTION"
_REPORTER = re.compile(r"RESULT thread (\d) depth (\d+) delta (\d+) canary ([0-9a-f]{8})")


def _faults(result: RunResult) -> dict[str, dict[str, object]]:
    return {str(event["thread"]): event for event in result.events("fault")}


def _reporters(result: RunResult) -> list[tuple[int, int, int]]:
    """(depth of a local below the stack top, recorded delta, canary) per thread."""
    return [(int(depth), int(delta), int(canary, 16))
            for _, depth, delta, canary in _REPORTER.findall(result.output)]


def _run(builder: Builder, extra: str, board: str = "lv_m4", seed: str = "1") -> RunResult:
    result = builder.run(APP, "--entropy-seed", seed, board=board, extra=(f"{extra}.conf",))
    assert result.status == 0, result.errors
    assert result.output.splitlines()[-1] == "DONE"
    return result


@pytest.fixture(scope="module", params=["lv_m4", "lv_m33"])
def hardened(request: pytest.FixtureRequest, builder: Builder) -> RunResult:
    return _run(builder, "hardened", request.param)


@pytest.fixture(scope="module")
def plain(builder: Builder) -> RunResult:
    return _run(builder, "plain")


def test_a_smashed_canary_ends_only_its_thread(hardened: RunResult, plain: RunResult) -> None:
    fault = _faults(hardened)["canary_smash"]
    assert fault["reason"] == STACK_CHK_FAIL
    assert "canary" in str(fault["description"])
    assert "RESULT canary_smash returned" not in hardened.output
    # Unprotected, the copy reaches the return address: the CPU jumps into the attacker's
    # bytes.
    unprotected = _faults(plain)["canary_smash"]
    assert unprotected["reason"] == CPU_EXCEPTION
    assert unprotected["pc"] == 0xEEEEEEEE


def test_deep_recursion_is_stopped_before_it_writes_below_the_stack(
        hardened: RunResult, plain: RunResult) -> None:
    fault = _faults(hardened)["deep_recursion"]
    assert fault["reason"] == STACK_CHK_FAIL
    assert "RESULT moat changed 0" in hardened.output
    # Unprotected, the recursion returns as if nothing happened, having written hundreds
    # of bytes of memory below its stack.
    assert "deep_recursion" not in _faults(plain)
    changed = int(re.search(r"RESULT moat changed (\d+)", plain.output).group(1))  # type: ignore[union-attr]
    assert changed > 100


def test_the_sentinel_finds_the_overflow_at_the_next_stop(builder: Builder) -> None:
    result = _run(builder, "sentinel")
    fault = _faults(result)["deep_recursion"]
    assert fault["reason"] == STACK_CHK_FAIL
    assert "sentinel" in str(fault["description"])
    assert "RESULT deep_recursion returned" not in result.output


def test_code_on_the_stack_runs_only_without_execute_xor_write(
        hardened: RunResult, plain: RunResult) -> None:
    fault = _faults(hardened)["exec_stack"]
    assert fault["reason"] == CPU_EXCEPTION
    assert fault["description"] == "MPU fault: instruction access violation"
    assert "RESULT exec_stack executed" in plain.output


def test_flash_is_never_writable(hardened: RunResult, plain: RunResult) -> None:
    for result in (hardened, plain):
        fault = _faults(result)["flash_write"]
        assert fault["description"] == "MPU fault: data write access violation"
        assert fault["access"] == "write"
        assert "RESULT flash_write" not in result.output


def test_a_null_pointer_read_faults_only_with_the_guard(
        hardened: RunResult, plain: RunResult) -> None:
    fault = _faults(hardened)["null_read"]
    assert (fault["address"], fault["access"]) == (0, "read")
    assert "RESULT null_read read" in plain.output


def test_init_stacks_reports_the_unused_part(hardened: RunResult) -> None:
    match = re.search(r"RESULT stack_space (-?\d+) size (\d+) unused (\d+)", hardened.output)
    assert match is not None
    result, size, unused = (int(group) for group in match.groups())
    assert result == 0
    assert 0 < unused < size


def test_stack_pointers_are_random_per_thread(hardened: RunResult, plain: RunResult) -> None:
    reporters = _reporters(hardened)
    assert len(reporters) == 3
    deltas = [delta for _, delta, _ in reporters]
    assert len(set(deltas)) > 1
    assert all(delta % 8 == 0 and delta < 256 for delta in deltas)
    # The local sits below the random offset: the offset is really applied.
    assert all(depth >= delta for depth, delta, _ in reporters)
    assert {delta for _, delta, _ in _reporters(plain)} == {0}


def test_canaries_are_per_thread_with_a_zero_byte(hardened: RunResult) -> None:
    canaries = [canary for _, _, canary in _reporters(hardened)]
    assert len(set(canaries)) == 3
    assert all(canary & 0xFF == 0 and canary != 0 for canary in canaries)


def test_one_canary_for_all_threads_without_tls(builder: Builder) -> None:
    result = _run(builder, "canaries_global")
    canaries = {canary for _, _, canary in _reporters(result)}
    assert len(canaries) == 1 and canaries.pop() & 0xFF == 0
    assert _faults(result)["canary_smash"]["reason"] == STACK_CHK_FAIL


def test_the_same_seed_gives_the_same_run_and_another_seed_another(builder: Builder) -> None:
    first = _run(builder, "hardened")
    again = _run(builder, "hardened")
    other = _run(builder, "hardened", seed="2")
    assert first.output == again.output
    assert _reporters(first) != _reporters(other)
