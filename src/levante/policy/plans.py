"""Decision plans: one event's rules for one thread, fused into a constant or one closure.

The engine filters an event's rules for a thread once (its `EventTable`); a plan is what
is left to do at each verdict.  Where nothing can change the outcome (no condition, no
state, no time: an ACL or RBAC grant, an unconditional deny, an unbound event) the plan
is the verdict itself, and judging is a dictionary lookup.  Otherwise the plan is one
closure holding only the checks its rules have, in the order of docs/policy.md ("Rules
and their verdict"): forbid wins, then integrity, then temporal limits, then the first
grant that matches, then the default.  Fields are read only by plans whose rules read
them, and the clock only by plans with a limit or a `between`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from levante.policy.predicates import Fields, Predicate, Undefined, hashable

if TYPE_CHECKING:
    from levante.policy.engine import Access, EventTable, FlowStep, Rule, Verdict, _State

# Resources a keyed Flow tracks away from their initial state at once; a transition of
# one more is refused rather than the memory grown.
FLOW_INSTANCE_LIMIT = 1024

Decide = Callable[[Fields], "Verdict"]
_Test = Callable[[Fields, int], bool]  # a grant's condition, on the fields and the time
_Perform = Callable[[Fields], None]  # a grant's Flow transitions
Clock = Callable[[], int]


@dataclass(frozen=True, slots=True)
class Plan:
    """How to judge event `key` for one thread."""

    key: str
    table: EventTable
    constant: Verdict | None  # the verdict whatever the fields, the state and the time
    reads_fields: bool  # whether `decide` looks at the event's fields
    decide: Decide  # the verdict, with the Flow transitions and limit windows it makes
    marks_granted: bool  # an `after` names this event: remember that it was granted


@dataclass(frozen=True)
class PlanContext:
    """What a plan reads besides the event: the engine's state, clock and levels."""

    state: _State
    clock: Clock
    object_levels: dict[str, int]
    default: Verdict
    after_keys: frozenset[str]  # the events some rule's `after` names


def make_plan(key: str, thread: str, table: EventTable, context: PlanContext) -> Plan:
    """The plan of `table` (event `key`, thread `thread`)."""
    constant = _constant(table, context.default)
    marks = key in context.after_keys
    if constant is not None:
        return Plan(key, table, constant, False, lambda fields: constant, marks)
    reads = (any(rule.when is not None for rule in table.deny) or bool(table.accesses)
             or any(_reads_fields(rule) for rule in table.grant))
    return Plan(key, table, None, reads, _decider(thread, table, context), marks)


def _unconditional(rule: Rule) -> bool:
    return (rule.when is None and rule.after is None and rule.between is None
            and not rule.require and not rule.perform)


def _constant(table: EventTable, default: Verdict) -> Verdict | None:
    if table.deny:
        first = table.deny[0]
        return first.verdict if first.when is None else None  # forbid wins, first
    if table.accesses or table.limit:
        return None
    for rule in table.grant:
        return rule.verdict if _unconditional(rule) else None
    return default


def _reads_fields(rule: Rule) -> bool:
    return rule.when is not None or any(step.key is not None
                                        for step in (*rule.require, *rule.perform))


def _decider(thread: str, table: EventTable, context: PlanContext) -> Decide:
    denies: list[tuple[Predicate, Verdict]] = []
    for rule in table.deny:
        if rule.when is None:
            # An unconditional deny decides once the conditional ones before it did not.
            return _denier(denies, rule.verdict)
        denies.append((rule.when, rule.verdict))
    default = context.default
    conditional: list[Rule] = []
    for rule in table.grant:
        if _unconditional(rule):
            default = rule.verdict  # the first unconditional grant ends the search
            break
        conditional.append(rule)
    if not denies and not table.accesses and not table.limit:
        # Only grants to choose from: the shapes ACLs and Flows have get a closure each.
        if all(_only_when(rule) for rule in conditional):
            return _chooser([(rule.when, rule.verdict) for rule in conditional
                             if rule.when is not None], default)
        dispatch = _flow_dispatch(conditional, default, context.state)
        if dispatch is not None:
            return dispatch
    grants = [(_test(rule, context.state), _perform(rule.perform, context.state),
               rule.verdict) for rule in conditional]
    state, clock = context.state, context.clock
    windows = state.windows
    limits = [((limit.line, thread), limit.count, limit.window_us, limit.verdict)
              for limit in table.limit]
    window_keys = [window_key for window_key, _, _, _ in limits]
    timed = bool(limits) or any(rule.between is not None for rule in table.grant)
    accesses, level, object_levels = table.accesses, table.level, context.object_levels

    def decide(fields: Fields) -> Verdict:
        for when, verdict in denies:
            try:
                if when(fields):
                    return verdict
            except Undefined:
                return verdict  # uncertainty refuses
        for access in accesses:
            if not _integrity_allows(access, level, object_levels, fields):
                return access.verdict
        now = clock() if timed else 0
        for window_key, count, window_us, verdict in limits:
            window = windows.get(window_key)
            if window is not None:
                while window and window[0] <= now - window_us:
                    window.popleft()
                if not window:
                    del windows[window_key]
                elif len(window) >= count:
                    return verdict
        chosen = default
        for test, perform, verdict in grants:
            if test(fields, now):
                if perform is not None:
                    perform(fields)
                chosen = verdict
                break
        if chosen.granted:
            for window_key in window_keys:
                windows.setdefault(window_key, deque()).append(now)
        return chosen
    return decide


def _only_when(rule: Rule) -> bool:
    return (rule.after is None and rule.between is None and not rule.require
            and not rule.perform)


def _chooser(grants: list[tuple[Predicate, Verdict]], default: Verdict) -> Decide:
    """Grants with conditions only: the first whose condition holds decides."""
    if len(grants) == 1:
        (when, verdict), = grants

        def decide_one(fields: Fields) -> Verdict:
            try:
                if when(fields):
                    return verdict
            except Undefined:
                pass  # a grant that cannot be evaluated grants nothing
            return default
        return decide_one

    def decide(fields: Fields) -> Verdict:
        for when, verdict in grants:
            try:
                if when(fields):
                    return verdict
            except Undefined:
                pass  # a grant that cannot be evaluated grants nothing
        return default
    return decide


def _flow_dispatch(rules: list[Rule], default: Verdict, state: _State) -> Decide | None:
    """Grants that only require and perform steps of one unkeyed Flow: which grant
    decides depends on the machine's state alone, so it is looked up by that state
    (None where the rules have another shape)."""
    steps = [step for rule in rules for step in (*rule.require, *rule.perform)]
    if not rules or any(rule.when is not None or rule.after is not None
                        or rule.between is not None for rule in rules) or \
            len({step.flow for step in steps}) != 1 or any(step.key is not None
                                                         for step in steps):
        return None
    flows, initial = state.flows, steps[0].initial
    instance = (steps[0].flow, None)
    states = {initial} | {word for step in steps
                          for word in (step.word, step.target, *step.sources)}

    def first(current: str, may_perform: bool) -> tuple[str | None, Verdict]:
        """The deciding rule in state `current`: the state its transitions lead to (the
        last one's target; None without any) and its verdict."""
        for rule in rules:
            if all(step.word == current for step in rule.require) and \
                    all(current in step.sources for step in rule.perform) and \
                    (may_perform or not rule.perform):
                return (rule.perform[-1].target if rule.perform else None), rule.verdict
        return None, default
    by_state = {current: first(current, True) for current in states}
    # At its initial state the machine is not tracked: when the Flow table is full, a
    # transition is refused rather than tracked (the bound of `_can_perform`).
    initial_when_full = first(initial, False)

    def decide(fields: Fields) -> Verdict:
        current = flows.get(instance)
        if current is None and len(flows) >= FLOW_INSTANCE_LIMIT:
            target, verdict = initial_when_full
        else:
            target, verdict = by_state.get(initial if current is None else current,
                                           (None, default))
        if target is not None:
            if target == initial:
                flows.pop(instance, None)  # as if never touched
            else:
                flows[instance] = target
        return verdict
    return decide


def _denier(denies: list[tuple[Predicate, Verdict]], last: Verdict) -> Decide:
    def decide(fields: Fields) -> Verdict:
        for when, verdict in denies:
            try:
                if when(fields):
                    return verdict
            except Undefined:
                return verdict  # uncertainty refuses
        return last
    return decide


def _instance(step: FlowStep) -> Callable[[Fields], tuple[str, object]]:
    """The Flow machine a step acts on: the flow's one machine, or the one of its key."""
    flow, key = step.flow, step.key
    if key is None:
        single = (flow, None)
        return lambda fields: single
    return lambda fields: (flow, hashable(key(fields)))


def _test(rule: Rule, state: _State) -> _Test:
    """Whether `rule` grants (an undefined condition grants nothing)."""
    flows, granted = state.flows, state.granted
    parts: list[_Test] = []
    if rule.after is not None:
        after = rule.after
        parts.append(lambda fields, now: after in granted)
    if rule.between is not None:
        start, end = rule.between
        parts.append(lambda fields, now: start <= now < end)
    if rule.when is not None:
        when = rule.when
        parts.append(lambda fields, now: when(fields))
    for step in rule.require:
        parts.append(_requires(step, flows))
    for step in rule.perform:
        parts.append(_can_perform(step, flows))
    if len(parts) == 1:
        only = parts[0]

        def test_one(fields: Fields, now: int) -> bool:
            try:
                return only(fields, now)
            except Undefined:
                return False
        return test_one

    def test_all(fields: Fields, now: int) -> bool:
        try:
            for part in parts:
                if not part(fields, now):
                    return False
        except Undefined:
            return False
        return True
    return test_all


def _requires(step: FlowStep, flows: dict[tuple[str, object], str]) -> _Test:
    instance, initial, state = _instance(step), step.initial, step.word
    return lambda fields, now: flows.get(instance(fields), initial) == state


def _can_perform(step: FlowStep, flows: dict[tuple[str, object], str]) -> _Test:
    instance, initial, sources = _instance(step), step.initial, step.sources

    def possible(fields: Fields, now: int) -> bool:
        machine = instance(fields)
        if flows.get(machine, initial) not in sources:
            return False
        # Bounded: a flood of new resources is refused.
        return len(flows) < FLOW_INSTANCE_LIMIT or machine in flows
    return possible


def _perform(steps: tuple[FlowStep, ...], state: _State) -> _Perform | None:
    if not steps:
        return None
    flows = state.flows
    moves = [(_instance(step), step.target, step.target == step.initial) for step in steps]

    def perform(fields: Fields) -> None:
        for instance, target, back_to_initial in moves:
            if back_to_initial:
                flows.pop(instance(fields), None)  # as if never touched
            else:
                flows[instance(fields)] = target
    return perform


def _integrity_allows(access: Access, level: int | None, object_levels: dict[str, int],
                      fields: Fields) -> bool:
    """No write up, no read down, where both levels are declared."""
    try:
        object_level = object_levels.get(hashable(access.symbol(fields)))
    except Undefined:
        return True  # an object the image does not name has no declared level
    if level is None or object_level is None:
        return True
    return level >= object_level if access.writes else level <= object_level
