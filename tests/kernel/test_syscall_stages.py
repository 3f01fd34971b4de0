"""The stages of a system call are structural: decode → validate → policy → perform.

Validate stages see the kernel as `Inspect` and perform stages as `Services` (narrow
types mypy holds them to); a validation that refuses is not judged by the policy and
performs nothing; a validate stage changes nothing (checked here, and on every call the
mock fuzzer makes); a perform stage that fails anyway halts the system as a defect."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from pathlib import Path

import pytest
from mock_cpu import Args, MockSystem, Script, call, run
from stage_checks import validation_checked

from levante.abi import ERRNO, FATAL_REASONS, Syscall
from levante.kernel.caller import Caller
from levante.kernel.fatal import Oops
from levante.kernel.syscalls import dispatch
from levante.kernel.syscalls.registry import STAGES

SYSCALLS_PACKAGE = Path(dispatch.__file__).parent


def test_every_stage_is_given_the_narrow_kernel() -> None:
    for name, stages in STAGES.items():
        perform = inspect.signature(stages.perform).parameters
        assert next(iter(perform.values())).annotation == "Services", name
        if stages.validate is not None:
            validate = inspect.signature(stages.validate).parameters
            assert next(iter(validate.values())).annotation == "Inspect", name


def test_no_handler_module_reaches_for_the_whole_kernel() -> None:
    for module in SYSCALLS_PACKAGE.glob("*_calls.py"):
        source = module.read_text()
        assert "levante.kernel.kernel" not in source, module.name
        assert "cpu." not in source, module.name


class RecordingPolicy:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def judge(self, caller: Caller, call: Syscall, arguments: Sequence[object]) -> int | None:
        self.asked.append(call.name)
        return None


def test_a_validation_refusal_is_not_judged_and_performs_nothing() -> None:
    results: list[object] = []
    sem: list[int] = []

    def main(_: Args) -> Script:
        results.append((yield call("k_sem_init", sem[0], 3, 0)))  # a limit of 0: EINVAL
        results.append((yield call("k_sem_count_get", sem[0])))

    system = MockSystem()
    sem.append(system.sem(1, 5))
    system.main(main)
    policy = RecordingPolicy()
    system.kernel.policy = policy
    system.run()
    assert results == [-ERRNO["EINVAL"], 1]  # the semaphore was not re-initialised
    assert policy.asked[:1] == ["k_sem_count_get"]


def test_validate_stages_change_nothing_on_the_common_calls() -> None:
    holder: dict[str, int] = {}

    def main(_: Args) -> Script:
        buffer = holder["buffer"]
        yield call("k_msgq_put", holder["queue"], buffer, 0)
        yield call("k_msgq_get", holder["queue"], buffer, 0)
        yield call("k_msgq_peek", holder["queue"], buffer)
        yield call("k_thread_name_set", 0, holder["name"])
        yield call("k_sem_init", holder["sem"], 0, 0)
        yield call("k_thread_priority_set", 0, 3)
        yield run(10)

    system = MockSystem(userspace=True)
    holder.update(queue=system.msgq(4, 2), buffer=system.ram(4), sem=system.sem(0, 1),
                  name=system.string("renamed"))
    system.main(main)
    system.boot()
    with validation_checked(system) as validated:
        system.run()
    assert {"k_msgq_put", "k_msgq_get", "k_msgq_peek", "k_thread_name_set", "k_sem_init",
            "k_thread_priority_set"} <= set(validated)


def test_the_purity_check_catches_a_validation_that_acts() -> None:
    """The check above can fail: a validate stage that changes a semaphore is caught."""
    sem: list[int] = []

    def main(_: Args) -> Script:
        yield call("k_sem_init", sem[0], 0, 1)

    system = MockSystem()
    sem.append(system.sem(1, 5))
    system.main(main)
    system.boot()
    entry = next(e for e in dispatch.TABLE.values() if e.call.name == "k_sem_init")
    honest = entry.validate
    assert honest is not None

    def acting(kernel: object, caller: Caller, address: int, *rest: int) -> object:
        system.kernel.objects.unchecked_state(address).count += 1  # type: ignore[union-attr]
        return honest(kernel, caller, address, *rest)

    object.__setattr__(entry, "validate", acting)
    try:
        with validation_checked(system), pytest.raises(AssertionError, match="k_sem_init"):
            system.run()
    finally:
        object.__setattr__(entry, "validate", honest)


@pytest.mark.parametrize("inline", [False, True], ids=["stop-events", "inline"])
def test_a_perform_stage_that_fails_halts_the_system_as_a_defect(inline: bool) -> None:
    after: list[int] = []
    sem: list[int] = []

    def main(_: Args) -> Script:
        yield call("k_sem_give", sem[0])
        after.append(1)

    system = MockSystem(inline_svcs=inline)
    sem.append(system.sem(0, 5))
    system.main(main)
    entry = next(e for e in dispatch.TABLE.values() if e.call.name == "k_sem_give")
    honest = entry.perform

    def failing(*arguments: object) -> None:
        raise Oops("a refusal nobody validated")

    object.__setattr__(entry, "perform", failing)
    try:
        system.run()
    finally:
        object.__setattr__(entry, "perform", honest)
    assert system.kernel.halted_reason == FATAL_REASONS["K_ERR_KERNEL_PANIC"]
    defects = system.events("kernel_defect")
    assert [event["call"] for event in defects] == ["k_sem_give"]
    assert "a refusal nobody validated" in defects[0]["detail"]
    assert after == []  # main never ran on past the call
