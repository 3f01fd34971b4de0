"""The verdict of docs/policy.md read straight, rule by rule: the oracle the engine's
plans (its constants, fused closures and Flow dispatch) must agree with."""

from __future__ import annotations

from collections import deque

from levante.policy import plans
from levante.policy.engine import (
    Access,
    AuditRecord,
    EventTable,
    FlowStep,
    PolicyEngine,
    Rule,
    Verdict,
)
from levante.policy.predicates import Fields, Undefined, hashable, truth


def reference_decide(engine: PolicyEngine, key: str, thread: str, fields: Fields) -> Verdict:
    """Judge one event on `engine`'s rules and state, without its plans."""
    engine.verdicts += 1
    table = engine.table(key, thread)
    now = engine.clock()
    verdict = _verdict(engine, table, thread, fields, now)
    if verdict.granted:
        engine.state.granted.add(key)
        for limit in table.limit:
            engine.state.windows.setdefault((limit.line, thread), deque()).append(now)
    profile = engine.audit_profile
    if verdict.audit or profile == "all" or (profile == "denials" and not verdict.granted):
        engine._record(AuditRecord(now, thread, key, "grant" if verdict.granted else "deny",
                                   verdict.line))
    return verdict


def _verdict(engine: PolicyEngine, table: EventTable, thread: str, fields: Fields,
             now: int) -> Verdict:
    # 1. Forbid wins; a deny that cannot be evaluated counts as matching.
    for rule in table.deny:
        if rule.when is None or _holds_or_undefined(rule, fields):
            return rule.verdict
    # 2. Integrity.
    for access in table.accesses:
        if not _integrity_allows(engine, access, table.level, fields):
            return access.verdict
    # 3. Temporal limits.
    state = engine.state
    for limit in table.limit:
        window = state.windows.get((limit.line, thread))
        if window is not None:
            while window and window[0] <= now - limit.window_us:
                window.popleft()
            if not window:
                del state.windows[limit.line, thread]
                continue
            if len(window) >= limit.count:
                return limit.verdict
    # 4. The first grant that matches, and its transitions.
    for rule in table.grant:
        if _grants(engine, rule, fields, now):
            for step in rule.perform:
                instance = _flow_key(step, fields)
                if step.target == step.initial:
                    state.flows.pop(instance, None)
                else:
                    state.flows[instance] = step.target
            return rule.verdict
    # 5. The default.
    return engine.default_verdict


def _holds_or_undefined(rule: Rule, fields: Fields) -> bool:
    assert rule.when is not None
    try:
        return truth(rule.when(fields))
    except Undefined:
        return True


def _grants(engine: PolicyEngine, rule: Rule, fields: Fields, now: int) -> bool:
    state = engine.state
    if rule.after is not None and rule.after not in state.granted:
        return False
    if rule.between is not None and not rule.between[0] <= now < rule.between[1]:
        return False
    try:
        if rule.when is not None and not truth(rule.when(fields)):
            return False
        for step in rule.require:
            if state.flows.get(_flow_key(step, fields), step.initial) != step.word:
                return False
        for step in rule.perform:
            if state.flows.get(_flow_key(step, fields), step.initial) not in step.sources:
                return False
            if len(state.flows) >= plans.FLOW_INSTANCE_LIMIT and \
                    _flow_key(step, fields) not in state.flows:
                return False
    except Undefined:
        return False
    return True


def _integrity_allows(engine: PolicyEngine, access: Access, level: int | None,
                      fields: Fields) -> bool:
    try:
        object_level = engine.object_levels.get(hashable(access.symbol(fields)))
    except Undefined:
        return True
    if level is None or object_level is None:
        return True
    return level >= object_level if access.writes else level <= object_level


def _flow_key(step: FlowStep, fields: Fields) -> tuple[str, object]:
    return step.flow, None if step.key is None else hashable(step.key(fields))
