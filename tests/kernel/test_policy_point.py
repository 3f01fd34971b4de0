"""The policy point of the system-call path: asked once per call, after decoding, with
the decoded arguments; a refusal performs nothing and returns its errno."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from mock_cpu import Args, MockSystem, Script, call

from levante.abi import ERRNO, Syscall
from levante.kernel.caller import Caller
from levante.kernel.objects.sem import Semaphore

EPERM = -ERRNO["EPERM"]


class RefuseSemGive:
    """Refuses k_sem_give and k_sem_take; records every question it is asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, tuple[object, ...]]] = []

    def judge(self, caller: Caller, call: Syscall, arguments: Sequence[object]) -> int | None:
        self.asked.append((caller.thread.name, call.name, tuple(arguments)))
        return EPERM if call.name in ("k_sem_give", "k_sem_take") else None


@pytest.mark.parametrize("inline", [False, True], ids=["stop-events", "inline"])
def test_a_refused_call_performs_nothing_and_returns_the_errno(inline: bool) -> None:
    results: list[object] = []
    sem: list[int] = []

    def main(_: Args) -> Script:
        yield call("k_sem_give", sem[0])
        results.append((yield call("k_sem_take", sem[0], 0)))
        results.append((yield call("k_sem_count_get", sem[0])))

    system = MockSystem(inline_svcs=inline)
    sem.append(system.sem(1, 5))
    system.main(main)
    policy = RefuseSemGive()
    system.kernel.policy = policy
    system.run()
    assert results == [EPERM, 1]  # the give added nothing, the take took nothing
    asked = [(thread, name) for thread, name, _ in policy.asked]
    assert asked[:3] == [("main", "k_sem_give"), ("main", "k_sem_take"),
                         ("main", "k_sem_count_get")]
    # Asked with the decoded arguments: the semaphore itself, validated.
    assert isinstance(policy.asked[0][2][0], Semaphore)
    assert len(system.events("policy_refused")) == 2
