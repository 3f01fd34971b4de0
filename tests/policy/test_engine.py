"""The engine's verdicts: default deny, forbid wins, predicates, Flow, RBAC, type
enforcement, temporal rules, audit, and the kernel's two questions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_support import Clocked

import levante.policy.plans as plans_module
from levante.abi import SYSCALLS_BY_NAME
from levante.kernel.caller import Caller
from levante.kernel.objects.sem import Semaphore
from levante.kernel.service_control import ServiceMessage
from levante.policy.engine import ServiceJudge


def test_default_deny_and_default_allow() -> None:
    assert not Clocked("").syscall("k_sem_give")
    assert Clocked("default allow").syscall("k_sem_give")
    assert not Clocked("default allow\ndeny syscall k_sem_give").syscall("k_sem_give")


def test_forbid_wins_whatever_the_order() -> None:
    for text in ("grant syscall k_sem_give\ndeny syscall k_sem_give from \"main\"",
                 "deny syscall k_sem_give from \"main\"\ngrant syscall k_sem_give"):
        policy = Clocked(text)
        assert not policy.syscall("k_sem_give", "main")
        assert policy.syscall("k_sem_give", "other")


def test_wildcards_apply_to_every_event_of_their_kind() -> None:
    policy = Clocked('grant syscall * from "main"\ndeny service mqtt.*\ngrant service *')
    assert policy.syscall("k_msgq_put", "main") and not policy.syscall("k_msgq_put", "x")
    assert not policy.service("mqtt.publish", topic="a")
    assert policy.service("coap.GET", path="/a")


def test_predicates_on_fields_sets_maps_and_regexes() -> None:
    policy = Clocked(
        'set rooms = { "hall", "door" }\nmap quota = { "main": 2, "ui": 5 }\n'
        "grant service mqtt.publish when topic ~ \"^home/\" and not retain\n"
        "    and payload_length <= quota[thread] * 8 and qos in { 0, 1 }\n"
        "grant service mqtt.subscribe when thread in quota\n")
    fine = {"topic": "home/door", "retain": False, "payload_length": 16, "qos": 1}
    assert policy.service("mqtt.publish", **fine)
    assert not policy.service("mqtt.publish", **{**fine, "payload_length": 17})
    assert policy.service("mqtt.publish", "ui", **{**fine, "payload_length": 40})
    assert not policy.service("mqtt.publish", **{**fine, "topic": "work/door"})
    assert not policy.service("mqtt.publish", **{**fine, "qos": 2})
    # A thread the map lacks: the grant's condition is undefined, so it grants nothing.
    assert not policy.service("mqtt.publish", "stranger", **fine)
    assert policy.service("mqtt.subscribe", "ui") and not policy.service("mqtt.subscribe", "x")


def test_an_undefined_condition_denies_in_a_deny_and_does_not_grant_in_a_grant() -> None:
    policy = Clocked("grant syscall k_sem_take when timeout / 0 == 1\n"
                     "grant syscall k_sem_give\ndeny syscall k_sem_give when sem.nothing == 1")
    assert not policy.syscall("k_sem_take", timeout=5)
    assert not policy.syscall("k_sem_give", sem={"count": 0})


@settings(max_examples=200, deadline=None)
@given(st.integers(-2**40, 2**40), st.integers(-2**40, 2**40),
       st.sampled_from(["+", "-", "*", "/", "%"]), st.sampled_from(["<", "<=", "==", "!="]))
def test_integer_arithmetic_is_pythons_floor_arithmetic(a: int, b: int, op: str,
                                                        compare: str) -> None:
    policy = Clocked(f"grant syscall k_sleep when timeout {op} {abs(b) + 1} {compare} 7")
    expected = eval(f"({a} {'//' if op == '/' else op} {abs(b) + 1}) {compare} 7")  # noqa: S307
    assert policy.syscall("k_sleep", timeout=a) == expected


def test_kernel_object_fields_are_read_from_the_decoded_object() -> None:
    engine = Clocked("grant syscall k_sem_give when sem.count < sem.limit").engine
    call = SYSCALLS_BY_NAME["k_sem_give"]

    class Thread:
        name = "main"
    caller = Caller(Thread())  # type: ignore[arg-type]
    assert engine.judge(caller, call, [Semaphore(0, 1)]) is None
    assert engine.judge(caller, call, [Semaphore(1, 1)]) == -1


def test_interrupt_context_is_judged_as_isr_not_as_the_interrupted_thread() -> None:
    engine = Clocked('grant syscall k_sem_give from "main"').engine
    call = SYSCALLS_BY_NAME["k_sem_give"]

    class Thread:
        name = "main"
    assert engine.judge(Caller(Thread()), call, [Semaphore(0, 1)]) is None  # type: ignore[arg-type]
    assert engine.judge(Caller(Thread(), in_isr=True), call,  # type: ignore[arg-type]
                        [Semaphore(0, 1)]) == -1


def test_the_service_judge_answers_for_service_messages() -> None:
    judge = ServiceJudge(Clocked('grant service mqtt.publish from "main" when '
                                 'peer == "198.51.100.7" and topic == "a"').engine)
    assert judge.judge("main", "198.51.100.7", ServiceMessage("mqtt", "publish",
                                                              {"topic": "a"})) is None
    assert judge.judge("main", "203.0.113.9", ServiceMessage("mqtt", "publish",
                                                             {"topic": "a"})) == -1


DOOR = """
domain control = { "ctl" }
flow door {
    states locked, authenticated, unlocked
    initial locked
    transition authenticate: locked -> authenticated
    transition unlock: authenticated -> unlocked
    transition lock: unlocked, authenticated -> locked
}
grant syscall k_sem_give from control when sem.count == 1 perform door.authenticate
grant syscall k_sem_give from control when sem.count == 2 perform door.unlock
grant syscall k_sem_give from control when sem.count == 3 perform door.lock
grant syscall k_sem_take require door is unlocked
"""


def test_a_flow_allows_unlock_only_after_authenticate() -> None:
    policy = Clocked(DOOR)
    unlock, authenticate, lock = ({"count": n} for n in (2, 1, 3))
    assert not policy.syscall("k_sem_give", "ctl", sem=unlock)
    assert not policy.syscall("k_sem_take", "any")
    assert policy.syscall("k_sem_give", "ctl", sem=authenticate)
    assert not policy.syscall("k_sem_give", "ctl", sem=authenticate)  # not from there
    assert policy.syscall("k_sem_give", "ctl", sem=unlock)
    assert policy.syscall("k_sem_take", "any")
    assert policy.syscall("k_sem_give", "ctl", sem=lock)
    assert not policy.syscall("k_sem_take", "any")
    policy.engine.reset()
    assert not policy.syscall("k_sem_give", "ctl", sem=unlock)


def test_a_keyed_flow_keeps_one_machine_per_resource() -> None:
    policy = Clocked("flow seen {\n states new, old\n initial new\n"
                     " transition use: new -> old\n}\n"
                     "grant service mqtt.publish perform seen[topic].use\n")
    assert policy.service("mqtt.publish", topic="a")
    assert policy.service("mqtt.publish", topic="b")
    assert not policy.service("mqtt.publish", topic="a")


def test_roles_and_type_enforcement() -> None:
    policy = Clocked('domain ops = { "ops" }\ndomain guests = { "guest" }\n'
                     "role operator { syscall k_sem_give }\nassign operator to ops\n"
                     "auditallow guests syscall k_sem_take\n"
                     "allow ops syscall k_sem_take\n"
                     "neverallow guests syscall k_sem_give\ngrant syscall k_sem_give\n")
    assert policy.syscall("k_sem_give", "ops")
    assert not policy.syscall("k_sem_give", "guest")  # the neverallow refuses at run time
    assert policy.syscall("k_sem_take", "guest") and policy.syscall("k_sem_take", "ops")
    audited = [(entry["thread"], entry["verdict"]) for entry in policy.traced]
    assert audited == [("guest", "deny"), ("guest", "grant")]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 5000), min_size=1, max_size=40), st.integers(1, 4),
       st.integers(1, 2000))
def test_a_limit_never_lets_more_than_n_through_any_window(gaps: list[int], count: int,
                                                          window: int) -> None:
    policy = Clocked(f"grant syscall k_yield\nlimit syscall k_yield to {count} per {window} us")
    granted: list[int] = []
    for gap in gaps:
        policy.now += gap
        before = [time for time in granted if time > policy.now - window]
        assert policy.syscall("k_yield") == (len(before) < count)
        if len(before) < count:
            granted.append(policy.now)


def test_limits_count_per_thread_and_after_needs_the_other_event_first() -> None:
    policy = Clocked("grant syscall k_yield\nlimit syscall k_yield to 1 per 1 ms\n"
                     "grant syscall k_msgq_get after syscall k_msgq_put\n"
                     "grant syscall k_msgq_put when false\ngrant syscall k_msgq_put\n")
    assert policy.syscall("k_yield", "a") and policy.syscall("k_yield", "b")
    assert not policy.syscall("k_yield", "a")
    policy.now = 1000
    assert policy.syscall("k_yield", "a")
    assert not policy.syscall("k_msgq_get")
    assert policy.syscall("k_msgq_put")
    assert policy.syscall("k_msgq_get")


def test_the_audit_buffer_is_bounded_and_counts_what_it_dropped() -> None:
    policy = Clocked("audit all\naudit buffer 3\ngrant syscall k_yield audit")
    for _ in range(5):
        policy.syscall("k_yield")
    assert len(policy.engine.audit) == 3 and policy.engine.audit_dropped == 2
    assert policy.engine.verdicts == 5
    assert Clocked("audit none\n").traced == []
    quiet = Clocked("audit none")
    quiet.syscall("k_yield")
    assert quiet.traced == [] and len(quiet.engine.audit) == 0


def test_a_keyed_flow_refuses_new_resources_beyond_its_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plans_module, "FLOW_INSTANCE_LIMIT", 2)
    policy = Clocked("flow seen {\n states new, old\n initial new\n"
                     " transition use: new -> old\n transition reset: old -> new\n}\n"
                     "grant service mqtt.publish when retain perform seen[topic].reset\n"
                     "grant service mqtt.publish perform seen[topic].use\n")
    assert policy.service("mqtt.publish", topic="a", retain=False)
    assert policy.service("mqtt.publish", topic="b", retain=False)
    assert not policy.service("mqtt.publish", topic="c", retain=False)
    # Back in its initial state a resource is forgotten, and makes room for another.
    assert policy.service("mqtt.publish", topic="a", retain=True)
    assert policy.service("mqtt.publish", topic="c", retain=False)


def test_a_grant_between_two_times_of_simulated_time() -> None:
    policy = Clocked("grant syscall k_yield between 1 ms and 2 s")
    assert not policy.syscall("k_yield")
    policy.now = 1000
    assert policy.syscall("k_yield")
    policy.now = 1_999_999
    assert policy.syscall("k_yield")
    policy.now = 2_000_000
    assert not policy.syscall("k_yield")


INTEGRITY = """
domain control = { "ctl" }
domain network = { "net" }
integrity control = 3
integrity network = 1
integrity object "actuator" = 3
integrity object "inbox" = 1
writes syscall k_msgq_put on msgq
reads syscall k_msgq_get on msgq
grant syscall k_msgq_put
grant syscall k_msgq_get
"""


def test_integrity_levels_forbid_writing_up_and_reading_down() -> None:
    policy = Clocked(INTEGRITY)
    actuator, inbox, unnamed = {"symbol": "actuator"}, {"symbol": "inbox"}, {"used_msgs": 0}
    assert policy.syscall("k_msgq_put", "ctl", msgq=actuator)
    assert not policy.syscall("k_msgq_put", "net", msgq=actuator)  # no write up
    assert policy.syscall("k_msgq_put", "net", msgq=inbox)
    assert policy.syscall("k_msgq_get", "net", msgq=inbox)
    assert policy.syscall("k_msgq_get", "net", msgq=actuator)  # reading up is fine
    assert not policy.syscall("k_msgq_get", "ctl", msgq=inbox)  # no read down
    # Where a level is not declared (a thread, an object the image does not name), the
    # levels say nothing and the rules decide.
    assert policy.syscall("k_msgq_put", "other", msgq=actuator)
    assert policy.syscall("k_msgq_get", "ctl", msgq=unnamed)
    denial = [entry["rule_line"] for entry in policy.traced]
    assert denial == [8, 9]
