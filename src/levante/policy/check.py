"""`levante policy check`: what the compiler finds, and what a reviewer would ask of a
policy that compiles: unreachable Flow states, transitions no rule performs, rules that
can never decide, `neverallow` assertions some grant breaks, and the policy's domains
against the application's kernel domains (domains.toml)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lark import Tree

from levante.kernel.domains import DEFAULT_DOMAIN
from levante.policy.events import wildcards_of
from levante.policy.language import Compiled, Finding, compile_findings, parse


@dataclass(frozen=True)
class ManifestFinding(Finding):
    """A finding on the domains manifest rather than a line of the policy."""

    where: str = ""

    def render(self, source: str) -> str:
        del source  # the manifest's, not the policy's
        return f"{self.where}: {self.severity}: {self.message}"


def check_policy(text: str, source: str,
                 ipc_fields: Mapping[str, frozenset[str]] | None = None,
                 kernel_domains: Mapping[str, Sequence[str]] | None = None,
                 manifest: str = "domains.toml") -> list[Finding]:
    """Every finding on a policy, in line order; a PolicyError when it does not parse.
    `ipc_fields` are the fields of each IPC event the application's interfaces define
    ("ipc.door.unlock" -> its fields), when they are known; `kernel_domains` the
    threads of each domain of the application's manifest `manifest`, when it has one."""
    compiled, findings = compile_findings(text, source)
    if kernel_domains is not None:
        findings = [_unknown_kernel_domain(finding, kernel_domains, manifest)
                    for finding in findings]
        findings.extend(_domain_findings(text, source, compiled, kernel_domains, manifest))
    findings.extend(_flow_findings(compiled))
    declared = frozenset(kernel_domains or ())
    findings.extend(_rule_findings(compiled, declared))
    findings.extend(_neverallow_findings(compiled, declared))
    if ipc_fields is not None:
        findings.extend(_ipc_findings(compiled, ipc_fields))
    return sorted(findings, key=lambda finding: (finding.line, finding.message))


def _unknown_kernel_domain(finding: Finding, kernel_domains: Mapping[str, Sequence[str]],
                           manifest: str) -> Finding:
    """The compiler's error on a `from NAME` no `domain NAME` declares, saying so when
    NAME is a kernel domain: a policy names one through a policy domain of its name."""
    for name in kernel_domains:
        if finding.message == f"unknown domain {name!r}":
            return Finding(finding.line, "error",
                           f"unknown domain {name!r}: {manifest} declares it; the policy "
                           f"names it by declaring `domain {name} = {{}}`")
    return finding


def _domain_findings(text: str, source: str, compiled: Compiled,
                     kernel_domains: Mapping[str, Sequence[str]],
                     manifest: str) -> Iterator[Finding]:
    """A policy domain that is a kernel domain means it (docs/domains.md): its own list
    of threads is not consulted; a kernel domain no rule names is worth a look."""
    for statement in parse(text, source).children:
        if not isinstance(statement, Tree) or statement.data != "domain_stmt":
            continue
        name = str(statement.children[0])
        listed = [child for child in statement.children[1:] if child is not None]
        if name in kernel_domains and listed:
            threads = ", ".join(repr(thread) for thread in kernel_domains[name]) or "none"
            yield Finding(statement.meta.line, "warning",
                          f"domain {name} is the kernel domain of {manifest}: its threads "
                          f"are the manifest's ({threads}), this list is ignored")
    named = {rule.get("domain") for _, _, rule in _rules(compiled)}
    named.update(limit.get("domain") for rules in compiled["events"].values()
                 for limit in rules["limit"])
    for name in sorted(set(kernel_domains) - named - {DEFAULT_DOMAIN}):
        yield ManifestFinding(0, "warning",
                              f"domains.{name}: no rule of the policy names this kernel "
                              f"domain (`from {name}`)", manifest)


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


def _members(entry: Mapping[str, Any], kernel_domains: frozenset[str]) -> frozenset[str] | None:
    """Whom a rule or an assertion names (None: every thread).  A kernel domain's
    threads are the manifest's, whatever the policy lists, so the domain stands for
    itself; a thread named in quotes may be in any domain, so it overlaps none."""
    if entry["threads"] is None:
        return None
    domain = entry.get("domain")
    if domain is not None and domain in kernel_domains:
        return frozenset({f"domain {domain}"})
    return frozenset(entry["threads"])


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    """Everyone `narrow` names is named by `wide` (None: every thread)."""
    if wide is None:
        return True
    return narrow is not None and narrow <= wide


def _rule_findings(compiled: Compiled, kernel_domains: frozenset[str]) -> Iterator[Finding]:
    events = compiled["events"]
    for key, rules in events.items():
        # A deny of the event itself or of a wildcard that covers it overrides a grant.
        denies = [deny for index in (key, *wildcards_of(key)) if index in events
                  for deny in events[index]["deny"] if _unconditional(deny)]
        earlier: list[dict[str, Any]] = []
        for rule in rules["grant"]:
            members = _members(rule, kernel_domains)
            overriding = next((deny for deny in denies
                               if _covers(_members(deny, kernel_domains), members)), None)
            shadowing = next((first for first in earlier if _unconditional(first)
                              and _covers(_members(first, kernel_domains), members)), None)
            if overriding is not None:
                yield Finding(rule["line"], "warning",
                              f"this grant never applies: the deny on line "
                              f"{overriding['line']} refuses {key} for these threads")
            elif shadowing is not None and not rule["audit"] and not rule["perform"]:
                yield Finding(rule["line"], "warning",
                              f"this grant is shadowed by line {shadowing['line']}, which "
                              f"grants {key} to these threads unconditionally")
            # A kernel domain's threads are the manifest's, whatever the policy lists.
            if rule["threads"] == [] and rule.get("domain") not in kernel_domains:
                yield Finding(rule["line"], "warning", "this rule names no thread")
            earlier.append(rule)


def _neverallow_findings(compiled: Compiled,
                         kernel_domains: frozenset[str]) -> Iterator[Finding]:
    events = compiled["events"]
    for assertion in compiled["neverallow"]:
        forbidden = _members(assertion, kernel_domains) or frozenset()
        for key, rules in events.items():
            # A grant of the event, of a wildcard over it, or of an event under the
            # assertion's own wildcard (`neverallow network query door.*`).
            if key != assertion["event"] and key not in wildcards_of(assertion["event"]) \
                    and assertion["event"] not in wildcards_of(key):
                continue
            for rule in rules["grant"]:
                threads = _members(rule, kernel_domains)
                if threads is None or forbidden & threads:
                    yield Finding(rule["line"], "error",
                                  f"grants {assertion['event']} against the neverallow on "
                                  f"line {assertion['line']}")
