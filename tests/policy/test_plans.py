"""The engine's plans (constant verdicts, fused closures, the Flow dispatch, lazy fields)
against the rules read straight (`reference.py`): on random policies and random event
sequences both give the same verdicts, audit records and state."""

from __future__ import annotations

import random
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_decide

import levante.policy.plans as plans_module
from levante.abi import SYSCALLS_BY_NAME
from levante.kernel.caller import Caller
from levante.kernel.objects.sem import Semaphore
from levante.policy.engine import PolicyEngine
from levante.policy.language import compile_policy

THREADS = ("a", "b", "c")
# Static objects, by name; "x" is declared at integrity level 1.
SEMAPHORES = {"x": Semaphore(1, 3), "y": Semaphore(3, 3)}
EVENTS = ("syscall k_sem_give", "syscall k_sem_take", "service mqtt.publish")
# Conditions that compile for each event pattern (some of them undefined on purpose).
CONDITIONS = {
    "syscall k_sem_give": ("sem.count / 0 == 1", "sem.count < 2", "sem.count == sem.limit",
                           "sem.symbol == \"x\"", "thread == \"a\" or sem.count >= 3"),
    "syscall k_sem_take": ("timeout", "timeout > 5", "sem.count + timeout < 4",
                           "not (timeout == 0)"),
    "syscall *": ("thread == \"b\"", "thread in { \"a\", \"c\" }"),
    "service mqtt.publish": ("qos", "topic ~ \"^a\"", "qos in { 0, 1 } and not retain",
                             "qos * 2 > 1"),
    "service mqtt.*": ("thread != \"c\"",),
}
FLOW = ("flow f {\n states s0, s1, s2\n initial s0\n transition go: s0 -> s1\n"
        " transition up: s1 -> s2\n transition back: s2, s1 -> s0\n}\n")
KEYS = {"syscall k_sem_give": "[sem.count]", "syscall k_sem_take": "[timeout]",
        "service mqtt.publish": "[topic]"}


@st.composite
def rules(draw: st.DrawFn) -> str:
    pattern = draw(st.sampled_from(sorted(CONDITIONS)))
    source = draw(st.sampled_from(("", " from d", ' from "a"', ' from "c"')))
    kind = draw(st.sampled_from(("grant", "grant", "grant", "deny", "limit", "role")))
    if kind == "limit":
        return f"limit {pattern}{source} to {draw(st.integers(1, 3))} per 3 ms"
    if kind == "role":
        return f"role r {{ {pattern} }}\nassign r to d"
    clauses = []
    if draw(st.integers(0, 3)) > 0:
        clauses.append("when " + draw(st.sampled_from(CONDITIONS[pattern])))
    if kind == "deny":
        clauses += draw(st.sampled_from(([], ["errno EACCES"], ["audit"])))
        return " ".join([f"deny {pattern}{source}", *clauses])
    if draw(st.booleans()):
        return " ".join([f"grant {pattern}{source}", *clauses])  # an ACL's shape
    if draw(st.integers(0, 4)) == 0:
        clauses.append("after " + draw(st.sampled_from(EVENTS)))
    if draw(st.integers(0, 4)) == 0:
        clauses.append("between 2 ms and 6 ms")
    keyed = pattern in KEYS and draw(st.booleans())
    machine = "f" + (KEYS[pattern] if keyed else "")
    if draw(st.integers(0, 2)) == 0:
        clauses.append(f"require {machine} is {draw(st.sampled_from(('s0', 's1', 's2')))}")
    if draw(st.booleans()):
        clauses.append(f"perform {machine}.{draw(st.sampled_from(('go', 'up', 'back')))}")
    if draw(st.integers(0, 5)) == 0:
        clauses.append("audit")
    return " ".join([f"grant {pattern}{source}", *clauses])


@st.composite
def policies(draw: st.DrawFn) -> str:
    head = [draw(st.sampled_from(("", "default allow"))),
            draw(st.sampled_from(("", "audit all", "audit none"))),
            'domain d = { "a", "b" }', FLOW.rstrip()]
    if draw(st.booleans()):
        head += ["integrity d = 2", 'integrity object "x" = 1',
                 draw(st.sampled_from(("writes", "reads"))) + " syscall k_sem_give on sem"]
    body = draw(st.lists(rules(), min_size=1, max_size=8))
    roles = [rule for rule in body if rule.startswith("role")][:1]
    return "\n".join([*head, *roles, *(rule for rule in body if not rule.startswith("role"))])


def events(chance: random.Random, count: int) -> list[tuple[int, str, str, dict[str, Any]]]:
    """A sequence of events: (microseconds since the last, event, thread, fields)."""
    sequence = []
    for _ in range(count):
        key = chance.choice(EVENTS)
        fields: dict[str, Any]
        if key == "service mqtt.publish":
            fields = {"topic": chance.choice(("a/1", "b/2", "a/3")),
                      "qos": chance.randint(0, 2), "retain": chance.random() < 0.5}
        else:
            fields = {"sem": SEMAPHORES[chance.choice(sorted(SEMAPHORES))]}
            if key == "syscall k_sem_take":
                fields["timeout"] = chance.choice((0, 7, -1))
        sequence.append((chance.randint(0, 2000), key, chance.choice(THREADS), fields))
    return sequence


class _Thread:
    def __init__(self, name: str) -> None:
        self.name = name


def _engine(text: str, clock: list[int], records: list[tuple[Any, ...]]) -> PolicyEngine:
    names = {id(semaphore): name for name, semaphore in SEMAPHORES.items()}
    return PolicyEngine(compile_policy(text, "random.lvp"), clock=lambda: clock[0],
                        trace=lambda event, **fields: records.append(
                            (event, *sorted(fields.items()))),
                        symbol_of=lambda value: names.get(id(value)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), st.randoms(use_true_random=False))
def test_plans_agree_with_the_rules_read_straight(text: str, chance: random.Random) -> None:
    sequence = events(chance, 40)
    clock = [0]
    planned_trace: list[tuple[Any, ...]] = []
    reference_trace: list[tuple[Any, ...]] = []
    planned = _engine(text, clock, planned_trace)
    reference = _engine(text, clock, reference_trace)
    with mock.patch.object(plans_module, "FLOW_INSTANCE_LIMIT", 2):  # reached at times
        for gap, key, thread, fields in sequence:
            clock[0] += gap
            _judge_both(planned, reference, key, thread, fields)
    assert planned_trace == reference_trace
    assert planned.audit == reference.audit
    assert planned.state.flows == reference.state.flows
    assert planned.state.windows == reference.state.windows
    # The plans remember only the grants some `after` waits for.
    compiled = compile_policy(text, "random.lvp")
    awaited = {rule["after"] for rules in compiled["events"].values()
               for rule in rules["grant"] if rule["after"] is not None}
    assert planned.state.granted == reference.state.granted & awaited
    assert planned.verdicts == reference.verdicts == len(sequence)


def _judge_both(planned: PolicyEngine, reference: PolicyEngine, key: str, thread: str,
                fields: dict[str, Any]) -> None:
    if key.startswith("syscall "):
        # The kernel's own question: the fields are made from the call's arguments.
        call = SYSCALLS_BY_NAME[key.split()[1]]
        errno = planned.judge(Caller(_Thread(thread)),  # type: ignore[arg-type]
                              call, list(fields.values()))
    else:
        errno = planned.decide(key, thread, {**fields, "thread": thread}).errno
    expected = reference_decide(reference, key, thread, {**fields, "thread": thread})
    assert errno == expected.errno, (key, thread, fields)


def test_a_grant_with_no_condition_is_a_constant_plan_and_reads_no_fields() -> None:
    engine = PolicyEngine(compile_policy(
        'grant syscall k_sem_give from "a"\ngrant syscall k_sem_take when timeout > 1',
        "p.lvp"))
    assert engine.plan("syscall k_sem_give", "a").constant is not None
    assert engine.plan("syscall k_sem_give", "b").constant == engine.default_verdict
    taking = engine.plan("syscall k_sem_take", "a")
    assert taking.constant is None and taking.reads_fields


def test_the_flow_dispatch_keeps_the_bound_on_tracked_machines(monkeypatch: Any) -> None:
    monkeypatch.setattr(plans_module, "FLOW_INSTANCE_LIMIT", 1)
    engine = PolicyEngine(compile_policy(
        FLOW + "grant syscall k_sem_give perform f.go\n"
        "grant syscall k_sem_take require f is s0\n"
        "grant service mqtt.publish perform f[topic].go", "p.lvp"))
    assert engine.decide("service mqtt.publish", "a", {"thread": "a", "topic": "t"}).granted
    # The Flow table is full: the unkeyed machine cannot leave its initial state, but a
    # rule that only requires that state still grants.
    assert not engine.decide("syscall k_sem_give", "a", {"thread": "a"}).granted
    assert engine.decide("syscall k_sem_take", "a", {"thread": "a"}).granted
