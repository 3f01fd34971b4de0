"""`levante policy test`: scenario files run against a policy, its state fresh for each.

A scenario is a sequence of events, each at a time of simulated time, from a thread
(in a kernel domain, when the application has a domains manifest), with its fields and
the verdict expected (the grammar is `scenario.lark`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from levante.kernel.domains import DEFAULT_DOMAIN
from levante.policy.engine import ISR_THREAD, PolicyEngine
from levante.policy.events import event_key, unknown_event
from levante.policy.language import Compiled, PolicyError, decode_string

_UNIT_MICROSECONDS = {"us": 1, "ms": 1000, "s": 1_000_000}


@dataclass(frozen=True)
class Step:
    line: int
    time_us: int | None  # None: at the previous step's time
    event: str
    thread: str
    fields: dict[str, Any]
    expected: str  # "grant" or "deny"
    domain: str | None = None  # `in NAME`: None where the manifest places the thread


@dataclass(frozen=True)
class Scenario:
    name: str
    line: int
    steps: tuple[Step, ...]


@cache
def _parser() -> Lark:
    grammar = resources.files("levante.policy").joinpath("scenario.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True)


class _TooDeep(Exception):
    """A value nested past MAX_VALUE_DEPTH."""


MAX_VALUE_DEPTH = 64  # objects and lists in one another: deeper is an error, not a crash


def _value(node: Tree[Token] | Token | None, depth: int = 0) -> Any:
    assert isinstance(node, Tree)
    kind = node.data
    if depth == MAX_VALUE_DEPTH:
        raise _TooDeep
    if kind == "object":
        return {str(member.children[0]): _value(member.children[1], depth + 1)
                for member in node.children if isinstance(member, Tree)}
    if kind == "list":
        return [_value(item, depth + 1) for item in node.children if item is not None]
    if kind in ("true", "false"):
        return kind == "true"
    token = node.children[0]
    assert isinstance(token, Token)
    if kind == "string":
        return decode_string(token)
    value = int(str(token), 0)
    return -value if kind == "negative" else value


def parse_scenarios(text: str, source: str) -> list[Scenario]:
    """The scenarios of a file; a PolicyError naming the line of a mistake."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise PolicyError(f"{source}:{error.line}: error: not a scenario step") from None
    scenarios = []
    for node in tree.children:
        assert isinstance(node, Tree)
        name, *steps = node.children
        assert isinstance(name, Token)
        parsed = []
        for step in steps:
            assert isinstance(step, Tree)
            parts = list(step.children)
            time_us = None
            first = parts[0]
            if isinstance(first, Tree) and first.data == "time":
                amount, unit = first.children
                parts.pop(0)
                time_us = int(str(amount), 0) * _UNIT_MICROSECONDS[str(unit)]
            kind, event_name, thread = str(parts[0]), str(parts[1]), parts[2]
            assert isinstance(thread, Token)
            problem = unknown_event(kind, event_name)
            if problem is not None or "*" in event_name:
                raise PolicyError(f"{source}:{step.meta.line}: error: "
                                  f"{problem or 'a step is one event, not a wildcard'}")
            domain = None
            fields = {}
            for part in parts[3:-1]:
                assert isinstance(part, Tree)
                if part.data == "in_domain":
                    domain = str(part.children[0])
                    continue
                try:
                    fields = _value(part)
                except _TooDeep:
                    raise PolicyError(f"{source}:{step.meta.line}: error: a value nested "
                                      f"more than {MAX_VALUE_DEPTH} levels deep") from None
            parsed.append(Step(step.meta.line, time_us, event_key(kind, event_name),
                               decode_string(thread), fields,
                               str(parts[-1]), domain))
        scenarios.append(Scenario(decode_string(name), node.meta.line, tuple(parsed)))
    return scenarios


def _domain_of(step: Step, kernel_domains: Mapping[str, Sequence[str]] | None,
               source: str) -> str:
    """The kernel domain a step's thread is judged in, as the kernel would judge it:
    the one `in NAME` says, else where the manifest places a thread of that name, else
    the default domain (every thread's, when there is no manifest); interrupt context
    ("isr") is in none."""
    if kernel_domains is None:
        if step.domain is not None:
            raise PolicyError(f"{source}:{step.line}: error: the step names kernel domain "
                              f"{step.domain!r}, and there is no domains manifest (a "
                              "domains.toml next to the policy, or --domains)")
        return "" if step.thread == ISR_THREAD else DEFAULT_DOMAIN
    if step.domain is not None:
        if step.domain not in kernel_domains:
            raise PolicyError(f"{source}:{step.line}: error: no kernel domain "
                              f"{step.domain!r} in the domains manifest")
        return step.domain
    if step.thread == ISR_THREAD:
        return ""
    return next((name for name, threads in kernel_domains.items()
                 if step.thread in threads), DEFAULT_DOMAIN)


def run_scenarios(compiled: Compiled, scenarios: list[Scenario], source: str,
                  kernel_domains: Mapping[str, Sequence[str]] | None = None
                  ) -> tuple[int, list[str]]:
    """The number of steps run and one line per step whose verdict was not the expected
    one.  Every scenario starts from the policy's initial state at time 0.  With
    `kernel_domains` (each kernel domain's threads, from the application's manifest),
    a policy domain of a kernel domain's name means that domain, as in the kernel."""
    now = [0]
    engine = PolicyEngine(compiled, clock=lambda: now[0])
    if kernel_domains is not None:
        engine.is_kernel_domain = lambda name: name in kernel_domains
    failures = []
    steps = 0
    for scenario in scenarios:
        engine.reset()
        now[0] = 0
        for step in scenario.steps:
            if step.time_us is not None:
                if step.time_us < now[0]:
                    raise PolicyError(f"{source}:{step.line}: error: time goes backwards")
                now[0] = step.time_us
            domain = _domain_of(step, kernel_domains, source)
            # As the kernel's system calls: the thread's name and kernel domain.
            fields = {**step.fields, "thread": step.thread, "domain": domain}
            verdict = engine.decide(step.event, step.thread, fields, domain)
            steps += 1
            got = "grant" if verdict.granted else "deny"
            if got != step.expected:
                decided = (f"line {verdict.line}" if verdict.line is not None
                           else "the default")
                failures.append(f"{source}:{step.line}: scenario {scenario.name!r}: "
                                f"expected {step.expected}, got {got} ({decided} of the "
                                f"policy decided)")
    return steps, failures
