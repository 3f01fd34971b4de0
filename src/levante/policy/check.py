"""`levante policy check`: what the compiler finds, and what a reviewer would ask of a
policy that compiles: unreachable Flow states, transitions no rule performs, rules that
can never decide, and `neverallow` assertions some grant breaks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from levante.policy.events import wildcards_of
from levante.policy.language import Compiled, Finding, compile_findings


def check_policy(text: str, source: str,
                 ipc_fields: Mapping[str, frozenset[str]] | None = None) -> list[Finding]:
    """Every finding on a policy, in line order; a PolicyError when it does not parse.
    `ipc_fields` are the fields of each IPC event the application's interfaces define
    ("ipc.door.unlock" -> its fields), when they are known."""
    compiled, findings = compile_findings(text, source)
    findings.extend(_flow_findings(compiled))
    findings.extend(_rule_findings(compiled))
    findings.extend(_neverallow_findings(compiled))
    if ipc_fields is not None:
        findings.extend(_ipc_findings(compiled, ipc_fields))
    return sorted(findings, key=lambda finding: (finding.line, finding.message))


def _fields_read(expression: Any) -> Iterator[str]:
    """The first name of every field a compiled condition reads."""
    if isinstance(expression, list) and expression:
        if expression[0] == "field":
            yield expression[1][0]
            return
        for part in expression[1:]:
            yield from _fields_read(part)


def _ipc_findings(compiled: Compiled,
                  ipc_fields: Mapping[str, frozenset[str]]) -> Iterator[Finding]:
    """Rules on IPC events against the interfaces: the method exists, and each field
    a condition reads is one of its events' fields."""
    for key, verdict, rule in _rules(compiled):
        kind, _, name = key.partition(" ")
        if kind != "service" or not name.startswith("ipc.") or "*" in name \
                or name == "ipc.malformed":
            continue
        fields = ipc_fields.get(name)
        if fields is None:
            yield Finding(rule["line"], "error",
                          f"{key}: no interface of the application has this method")
            continue
        for field in sorted(set(_fields_read(rule["when"])) - fields):
            yield Finding(rule["line"], "error",
                          f"{key} has no field {field!r} (this {verdict} reads it)")


def _reachable(flow: Mapping[str, Any]) -> set[str]:
    reached = {flow["initial"]}
    grew = True
    while grew:
        grew = False
        for transition in flow["transitions"].values():
            if transition["to"] not in reached and reached & set(transition["from"]):
                reached.add(transition["to"])
                grew = True
    return reached


def _rules(compiled: Compiled) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for key, rules in compiled["events"].items():
        for verdict in ("deny", "grant"):
            for rule in rules[verdict]:
                yield key, verdict, rule


def _flow_findings(compiled: Compiled) -> Iterator[Finding]:
    performed = {(step[0], step[2]) for _, _, rule in _rules(compiled)
                 for step in rule["perform"]}
    for name, flow in compiled["flows"].items():
        if flow["initial"] is None:
            continue  # the compiler said so already
        reached = _reachable(flow)
        for state in flow["states"]:
            if state not in reached:
                yield Finding(flow["line"], "warning",
                              f"flow {name}: state {state!r} is unreachable from "
                              f"{flow['initial']!r}")
        for transition_name, transition in flow["transitions"].items():
            if (name, transition_name) not in performed:
                yield Finding(transition["line"], "warning",
                              f"flow {name}: no rule performs transition {transition_name!r}")


def _unconditional(rule: Mapping[str, Any]) -> bool:
    return (rule["when"] is None and rule["after"] is None and rule["between"] is None
            and not rule["require"] and not rule["perform"])


def _covers(wide: list[str] | None, narrow: list[str] | None) -> bool:
    """Every thread `narrow` names is one `wide` names (None: every thread)."""
    if wide is None:
        return True
    return narrow is not None and set(narrow) <= set(wide)


def _rule_findings(compiled: Compiled) -> Iterator[Finding]:
    events = compiled["events"]
    for key, rules in events.items():
        # A deny of the event itself or of a wildcard that covers it overrides a grant.
        denies = [deny for index in (key, *wildcards_of(key)) if index in events
                  for deny in events[index]["deny"] if _unconditional(deny)]
        earlier: list[dict[str, Any]] = []
        for rule in rules["grant"]:
            overriding = next((deny for deny in denies
                               if _covers(deny["threads"], rule["threads"])), None)
            shadowing = next((first for first in earlier if _unconditional(first)
                              and _covers(first["threads"], rule["threads"])), None)
            if overriding is not None:
                yield Finding(rule["line"], "warning",
                              f"this grant never applies: the deny on line "
                              f"{overriding['line']} refuses {key} for these threads")
            elif shadowing is not None and not rule["audit"] and not rule["perform"]:
                yield Finding(rule["line"], "warning",
                              f"this grant is shadowed by line {shadowing['line']}, which "
                              f"grants {key} to these threads unconditionally")
            if rule["threads"] == []:
                yield Finding(rule["line"], "warning", "this rule names no thread")
            earlier.append(rule)


def _neverallow_findings(compiled: Compiled) -> Iterator[Finding]:
    events = compiled["events"]
    for assertion in compiled["neverallow"]:
        forbidden = set(assertion["threads"])
        for key, rules in events.items():
            # A grant of the event, of a wildcard over it, or of an event under the
            # assertion's own wildcard (`neverallow network query door.*`).
            if key != assertion["event"] and key not in wildcards_of(assertion["event"]) \
                    and assertion["event"] not in wildcards_of(key):
                continue
            for rule in rules["grant"]:
                threads = rule["threads"]
                if threads is None or forbidden & set(threads):
                    yield Finding(rule["line"], "error",
                                  f"grants {assertion['event']} against the neverallow on "
                                  f"line {assertion['line']}")
