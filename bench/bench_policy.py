"""(k) The policy engine: a user thread's k_sem_give with a policy installed vs none, the
time of one verdict for an ACL, RBAC with 1,100 rules and a Flow of 8 states, and the same
policies' verdicts in Cedar (cedarpy) and casbin side by side."""

from __future__ import annotations

import struct
import time
from collections.abc import Callable

from bench import policy_peers as peers
from bench.common import Result, best_time, boot_quietly, build_app
from levante.abi import SYSCALLS_BY_NAME, THREAD_OPTIONS
from levante.kernel.caller import Caller
from levante.kernel.objects.sem import Semaphore
from levante.policy.engine import PolicyEngine
from levante.policy.install import install_policy
from levante.policy.language import compile_policy

CALLS = 40_000  # as in apps/user_mode
GIVE_LOOP = 0

# Every call allowed, each k_sem_give judged on its argument.
OVERHEAD_POLICY = """
grant syscall *
deny syscall k_sem_give when sem.count > sem.limit
"""


def _user_gives(policy: str | None) -> float:
    build_dir = build_app("user_mode")
    compiled = None if policy is None else compile_policy(policy, "bench.lvp")

    def once() -> None:
        system = boot_quietly(build_dir)
        symbols = system.image.symbols
        for name, value in (("bench_options", THREAD_OPTIONS["K_USER"]),
                            ("bench_work", GIVE_LOOP)):
            system.cpu.write_memory(symbols[name].address, struct.pack("<I", value))
        if compiled is not None:
            install_policy(system.kernel, compiled)
        system.run()
        assert not system.kernel.faults, list(system.kernel.faults)

    return best_time(once)


def run_overhead() -> Result:
    off, on = _user_gives(None), _user_gives(OVERHEAD_POLICY)
    return Result(
        "policy_on_vs_off_user_k_sem_give", on / off, 1.5, False,
        f"k_sem_give from a user thread {on / CALLS * 1e6:.2f} us judged vs "
        f"{off / CALLS * 1e6:.2f} us with no policy",
    )


class _Thread:
    name = peers.ACL_THREAD


def _judge(policy: str) -> Callable[[], object]:
    """One `PolicyEngine.judge` on a user thread's k_sem_give, as the kernel asks it."""
    engine = PolicyEngine(compile_policy(policy, "bench.lvp"))
    caller = Caller(_Thread())  # type: ignore[arg-type]
    call = SYSCALLS_BY_NAME["k_sem_give"]
    arguments = [Semaphore(0, 10)]
    judge: Callable[[], object] = lambda: engine.judge(caller, call, arguments)  # noqa: E731
    assert judge() is None  # every verdict measured is a grant
    return judge


# The benchmark's policies: an ACL on an argument, RBAC of 11 roles x 100 calls = 1,100
# rules, a Flow of 8 states that each verdict moves along (a cycle, so every one grants).
ACL_LIMIT, ROLES, PERMISSIONS, FLOW_STATES = 10, 11, 100, 8
# The three are timed in turns, in short rounds, and each keeps its best round: on shared
# cores a long loop is always interrupted somewhere, a short one often is not.
VERDICT_ROUNDS, ROUND_VERDICTS = 30, 10_000


def verdict_seconds() -> dict[str, float]:
    """The best time of one verdict under each policy."""
    judges = {"acl": _judge(peers.acl_text(ACL_LIMIT)),
              "rbac": _judge(peers.rbac_text(ROLES, PERMISSIONS)),
              "flow": _judge(peers.flow_text(FLOW_STATES, cycle=True))}
    best = dict.fromkeys(judges, float("inf"))
    for _ in range(VERDICT_ROUNDS):
        for name, judge in judges.items():
            start = time.perf_counter()
            for _ in range(ROUND_VERDICTS):
                judge()
            best[name] = min(best[name], (time.perf_counter() - start) / ROUND_VERDICTS)
    return best


def run_verdict() -> Result:
    seconds = verdict_seconds()
    acl, rbac, flow = seconds["acl"], seconds["rbac"], seconds["flow"]
    return Result(
        "policy_verdict_us", max(seconds.values()) * 1e6, 1.0, False,
        f"one verdict: ACL {acl * 1e6:.2f} us, RBAC of 1,100 rules {rbac * 1e6:.2f} us, "
        f"Flow of 8 states {flow * 1e6:.2f} us (the goal: 1 us)",
    )


# Verdicts per measurement: Cedar and casbin take hundreds of microseconds each.
PEER_VERDICTS = {"levante": 20_000, "cedar": 200, "casbin": 200}


def _requests(policy: str) -> list[peers.Request]:
    """The same granted requests for every engine (a Flow's walk once round its cycle)."""
    if policy == "acl":
        return [peers.Request(peers.ACL_THREAD, peers.ACL_CALL, count=3)]
    if policy == "rbac":
        return [peers.Request(peers.ACL_THREAD, peers.ACL_CALL)]
    return [peers.Request("main", peers.FLOW_CALL, state=state)
            for state in range(FLOW_STATES)]


def _seconds_per_verdict(judge: peers.Judge, requests: list[peers.Request],
                         count: int) -> float:
    assert all(judge(request) for request in requests)  # each engine grants them all
    rounds = max(1, count // len(requests))

    def loop() -> None:
        for _ in range(rounds):
            for request in requests:
                judge(request)
    return best_time(loop) / (rounds * len(requests))


def run_peers() -> list[Result]:
    """Levante's verdict against Cedar's and casbin's on the same policies and requests,
    side by side in this process: how many times faster Levante is (goal: 5)."""
    engines = {"acl": peers.acl(ACL_LIMIT), "rbac": peers.rbac(ROLES, PERMISSIONS),
               "flow": peers.flow(FLOW_STATES, cycle=True)}
    results = []
    for policy, three in engines.items():
        requests = _requests(policy)
        times = {name: _seconds_per_verdict(getattr(three, name), requests, count)
                 for name, count in PEER_VERDICTS.items()}
        for peer in ("cedar", "casbin"):
            results.append(Result(
                f"policy_vs_{peer}_{policy}", times[peer] / times["levante"], 5.0, True,
                f"{policy}: Levante {times['levante'] * 1e6:.2f} us, {peer} "
                f"{times[peer] * 1e6:.1f} us per verdict"))
    return results


if __name__ == "__main__":
    # The verdicts alone, e.g. with another tree's engine: PYTHONPATH=TREE/src:. python -m
    # bench.bench_policy
    print(run_verdict().details)
