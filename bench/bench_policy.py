"""(k) The policy engine: a user thread's k_sem_give with a policy installed vs none, and
the time of one verdict for an ACL, RBAC with 1,100 rules and a Flow of 8 states."""

from __future__ import annotations

import struct
from collections.abc import Callable

from bench.common import Result, best_time, boot_quietly, build_app
from levante.abi import SYSCALLS_BY_NAME, THREAD_OPTIONS
from levante.kernel.caller import Caller
from levante.kernel.objects.sem import Semaphore
from levante.policy.engine import PolicyEngine
from levante.policy.install import install_policy
from levante.policy.language import compile_policy

CALLS = 40_000  # as in apps/user_mode
VERDICTS = 100_000
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
    name = "operator7"


def _verdict_seconds(policy: str) -> float:
    engine = PolicyEngine(compile_policy(policy, "bench.lvp"))
    caller = Caller(_Thread())  # type: ignore[arg-type]
    call = SYSCALLS_BY_NAME["k_sem_give"]
    arguments = [Semaphore(0, 10)]
    judge: Callable[[], object] = lambda: engine.judge(caller, call, arguments)  # noqa: E731
    judge()

    def loop() -> None:
        for _ in range(VERDICTS):
            judge()
    return best_time(loop) / VERDICTS


def _rbac(roles: int, permissions: int) -> str:
    """`roles` roles of `permissions` grants each, one domain per role: 1,100 rules."""
    calls = [name for name in SYSCALLS_BY_NAME if name.startswith("k_")][:permissions]
    lines = []
    for role in range(roles):
        lines.append(f'domain d{role} = {{ "operator{role}" }}')
        lines.append(f"role r{role} {{ " + ", ".join(f"syscall {c}" for c in calls) + " }")
        lines.append(f"assign r{role} to d{role}")
    return "\n".join(lines)


def _flow(states: int) -> str:
    names = [f"s{index}" for index in range(states)]
    transitions = "\n".join(f" transition t{i}: {names[i]} -> {names[(i + 1) % states]}"
                            for i in range(states))
    grants = "\n".join(f"grant syscall k_sem_give perform f.t{i}" for i in range(states))
    return (f"flow f {{\n states {', '.join(names)}\n initial s0\n{transitions}\n}}\n"
            f"{grants}")


def run_verdict() -> Result:
    acl = _verdict_seconds('grant syscall k_sem_give from "operator7" when sem.count < 10')
    rbac = _verdict_seconds(_rbac(11, 100))
    flow = _verdict_seconds(_flow(8))
    worst = max(acl, rbac, flow)
    return Result(
        "policy_verdict_us", worst * 1e6, 1.0, False,
        f"one verdict: ACL {acl * 1e6:.2f} us, RBAC of 1,100 rules {rbac * 1e6:.2f} us, "
        f"Flow of 8 states {flow * 1e6:.2f} us (the goal: 1 us)",
    )
