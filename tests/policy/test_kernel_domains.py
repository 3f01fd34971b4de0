"""A policy's domains bound to the kernel's security domains: a domain named as a kernel
domain matches by the thread's kernel domain, never by its name; other domains and
quoted threads still match names; integrity levels, limits and service rules follow."""

from __future__ import annotations

from levante.kernel.service_control import ServiceMessage
from levante.policy.engine import PolicyEngine
from levante.policy.language import compile_policy

POLICY = """
domain control = { "main" }
domain helpers = { "sysworkq" }
grant syscall k_sem_give from control
grant syscall k_sem_give from helpers
grant syscall k_sem_take from "main"
limit syscall k_sem_give from control to 2 per 1 s
grant service mqtt.publish from control
integrity control = 3
integrity helpers = 2
integrity object "actuator" = 3
writes syscall k_msgq_put on msgq
grant syscall k_msgq_put
"""


def engine(bound: set[str]) -> PolicyEngine:
    judge = PolicyEngine(compile_policy(POLICY, "p.lvp"))
    judge.is_kernel_domain = lambda name: name in bound
    return judge


def test_a_bound_domain_matches_by_kernel_domain_not_by_name() -> None:
    judge = engine({"control"})
    give = "syscall k_sem_give"
    assert not judge.decide(give, "main", {}, "network").granted  # named main, not control
    assert judge.decide(give, "anyone", {}, "control").granted
    assert judge.decide(give, "sysworkq", {}, "default").granted  # helpers: by name
    assert judge.decide("syscall k_sem_take", "main", {}, "network").granted  # quoted


def test_unbound_the_same_policy_matches_names() -> None:
    judge = engine(set())
    assert judge.decide("syscall k_sem_give", "main", {}, "network").granted
    assert not judge.decide("syscall k_sem_give", "anyone", {}, "control").granted


def test_limits_and_integrity_follow_the_kernel_domain() -> None:
    judge = engine({"control", "network"})
    verdicts = [judge.decide("syscall k_sem_give", f"t{index}", {}, "control").granted
                for index in range(3)]
    assert verdicts == [True, True, True]  # counted per thread, each has its own window
    again = [judge.decide("syscall k_sem_give", "t0", {}, "control").granted
             for _ in range(2)]
    assert again == [True, False]
    write = {"msgq": object()}
    assert judge.table("syscall k_msgq_put", "worker", "control").level == 3
    assert judge.table("syscall k_msgq_put", "main", "network").level is None
    # helpers is no kernel domain: its threads' level goes by name.
    assert judge.table("syscall k_msgq_put", "sysworkq", "default").level == 2
    assert judge.decide("syscall k_msgq_put", "worker", write, "control").granted


def test_a_service_message_is_judged_by_its_thread_s_domain() -> None:
    judge = engine({"control"})
    message = ServiceMessage("mqtt", "publish", {"topic": "a"})
    judge.service_domain = lambda thread: "control" if thread == "ctl" else "network"
    assert judge.judge_message("ctl", "peer", message) is None
    assert judge.judge_message("main", "peer", message) is not None
