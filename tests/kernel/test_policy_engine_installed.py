"""The policy engine installed in a kernel (a scripted CPU): it judges the decoded call,
its refusals reach the caller with the trace's audit line, its limits count simulated
time, and each verdict is charged POLICY_VERDICT_CYCLES."""

from __future__ import annotations

from mock_cpu import Args, MockSystem, Script, call

from levante.abi import ERRNO
from levante.kernel import costs
from levante.policy.install import install_policy
from levante.policy.language import compile_policy

POLICY = """
grant syscall * from "main"
deny syscall k_sem_give when sem.count >= 2 errno EACCES
limit syscall k_sem_count_get to 2 per 1 s
"""


def run_gives(policy: str | None) -> tuple[MockSystem, list[object]]:
    results: list[object] = []
    sem: list[int] = []

    def main(_: Args) -> Script:
        for _ in range(3):
            yield call("k_sem_give", sem[0])
        for _ in range(3):
            results.append((yield call("k_sem_count_get", sem[0])))

    system = MockSystem()
    sem.append(system.sem(0, 5))
    system.main(main)
    if policy is not None:
        install_policy(system.kernel, compile_policy(policy, "test.lvp"))
    system.run()
    return system, results


def test_the_engine_refuses_by_argument_and_by_rate() -> None:
    system, results = run_gives(POLICY)
    # The third give found the count at 2: refused, so the count stays 2; the third
    # count_get within the second is over the limit (its unsigned result carries -EPERM).
    assert results == [2, 2, -ERRNO["EPERM"] & 0xFFFFFFFF]
    refused = [(event["call"], event["result"]) for event in system.events("policy_refused")]
    assert refused == [("k_sem_give", -ERRNO["EACCES"]), ("k_sem_count_get", -ERRNO["EPERM"])]
    audits = system.events("policy_audit")
    assert [(event["policy_event"], event["rule_line"]) for event in audits] == [
        ("syscall k_sem_give", 3), ("syscall k_sem_count_get", 4)]


def test_each_verdict_is_charged_in_simulated_cycles() -> None:
    judged, _ = run_gives("default allow")
    free, _ = run_gives(None)
    mine = ("k_sem_give", "k_sem_count_get")
    judged_calls = [event for event in judged.events("syscall") if event["call"] in mine]
    free_calls = [event for event in free.events("syscall") if event["call"] in mine]
    assert len(judged_calls) == len(free_calls) == 6
    spacing = [b["cycle"] - a["cycle"] for a, b in zip(judged_calls[:-1], judged_calls[1:],
                                                        strict=True)]
    free_spacing = [b["cycle"] - a["cycle"] for a, b in zip(free_calls[:-1], free_calls[1:],
                                                            strict=True)]
    assert spacing == [gap + costs.POLICY_VERDICT_CYCLES for gap in free_spacing]


def test_an_object_the_image_does_not_name_has_no_symbol() -> None:
    # The scripted system's semaphore is no static object of an image: `sem.symbol` is
    # undefined, so a deny that asks for it refuses and a grant that asks grants nothing.
    system, results = run_gives('grant syscall k_sem_count_get\n'
                                'deny syscall k_sem_give when sem.symbol != "alarm"\n'
                                'grant syscall k_sem_give')
    assert results == [0, 0, 0]
    refused = [event["call"] for event in system.events("policy_refused")]
    assert refused.count("k_sem_give") == 3
