"""The policy language's compiler: text → the decision structures the engine loads.

The grammar is `policy.lark`.  Compiling resolves every name (domains become the sets of
thread names they are, flows their transition tables, roles and type-enforcement
statements plain rules) and indexes the rules by event, so that the engine only looks
things up.  The compiled form is JSON-able: `levante build` writes it next to the image.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parser  # type: ignore[import-not-found]
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from levante.abi import ERRNO
from levante.errors import LevanteError
from levante.grammar_errors import unexpected
from levante.policy.events import event_key, known_fields, unknown_event

FORMAT_VERSION = 2  # of the compiled form: a build of another is rebuilt, never misread
DEFAULT_AUDIT_BUFFER = 64
AUDIT_BUFFER_MAX = 1 << 20  # records
# The engine evaluates a condition by recursion, inside the kernel's own call: its depth
# is bounded here, where a policy too deep is one error, not a RecursionError later.
MAX_EXPRESSION_DEPTH = 64
_UNIT_MICROSECONDS = {"us": 1, "ms": 1000, "s": 1_000_000}

# What a repeat (other than "?") may not hold, at any depth: another repeat ("(a+)+",
# "((a+))+", "(.*a){12}") or a choice ("(a|aa)+"): the shapes whose backtracking can
# grow exponentially with the text (conservative: "(ab|cd)+" is refused too).  The shape
# is re's own parse of the pattern (private modules, without type stubs).
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
# Side by side, variable repetitions cost a power of the text's length ("a*a*a*b" takes
# n**4 steps); with two at most, and the text bounded (predicates.MATCH_TEXT_MAX), a
# match takes milliseconds.
MAX_VARIABLE_REPEATS = 2

Compiled = dict[str, Any]
Expression = list[Any]


class PolicyError(LevanteError):
    """A policy that does not parse or whose names do not resolve."""


@dataclass(frozen=True)
class Finding:
    """One thing the compiler or the validator has to say about a line of a policy."""

    line: int
    severity: str  # "error" or "warning"
    message: str

    def render(self, source: str) -> str:
        return f"{source}:{self.line}: {self.severity}: {self.message}"


@cache
def _parser() -> Lark:
    grammar = resources.files("levante.policy").joinpath("policy.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True)


def parse(text: str, source: str) -> Tree[Token]:
    """The syntax tree of a policy; a PolicyError naming the line when it does not parse."""
    try:
        return _parser().parse(text)
    except UnexpectedInput as error:
        raise PolicyError(f"{source}:{error.line}: error: "
                          f"{unexpected(error, text, 'the policy')}") from None


@dataclass
class _Names:
    """What the declarations so far have defined."""

    domains: dict[str, list[str]] = field(default_factory=dict)
    sets: dict[str, list[Any]] = field(default_factory=dict)
    maps: dict[str, list[list[Any]]] = field(default_factory=dict)
    flows: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # where each name is declared
    used: set[str] = field(default_factory=set)


def decode_string(token: Token) -> str:
    """A string literal's text."""
    # The grammar's strings are JSON's minus unicode escapes: decode the usual ones.
    body = str(token)[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  body)


def _line(node: Tree[Token] | Token) -> int:
    if isinstance(node, Token):
        return node.line or 0
    return node.meta.line if not node.meta.empty else 0


class _Compiler:
    """One pass over the declarations in order: a name must be declared before use."""

    def __init__(self) -> None:
        self.names = _Names()
        self.findings: list[Finding] = []
        self.depth = 0  # of the expression being compiled
        self.compiled: Compiled = {
            "version": FORMAT_VERSION, "default": "deny", "audit": "denials",
            "audit_buffer": DEFAULT_AUDIT_BUFFER, "flows": {}, "sets": {}, "maps": {},
            "domains": {}, "events": {}, "neverallow": [],
            # Integrity levels: of threads (by their domains) and of static objects (by
            # symbol); the events that read or write an object, by its parameter.
            "integrity": {"threads": {}, "objects": {}}, "accesses": {},
        }

    def error(self, node: Tree[Token] | Token, message: str) -> None:
        self.findings.append(Finding(_line(node), "error", message))

    def event_rules(self, key: str) -> dict[str, list[Any]]:
        events: dict[str, dict[str, list[Any]]] = self.compiled["events"]
        return events.setdefault(key, {"deny": [], "grant": [], "limit": []})

    # Declarations ------------------------------------------------------------------

    def default_stmt(self, node: Tree[Token]) -> None:
        self.compiled["default"] = str(node.children[0])

    def audit_stmt(self, node: Tree[Token]) -> None:
        self.compiled["audit"] = str(node.children[0])

    def buffer_stmt(self, node: Tree[Token]) -> None:
        size = int(str(node.children[0]), 0)
        if not 1 <= size <= AUDIT_BUFFER_MAX:
            self.error(node, f"the audit buffer holds 1 to {AUDIT_BUFFER_MAX} records")
        self.compiled["audit_buffer"] = min(max(1, size), AUDIT_BUFFER_MAX)

    def _declare(self, node: Tree[Token], name: str) -> bool:
        taken = (self.names.domains, self.names.sets, self.names.maps, self.names.flows,
                 self.names.roles)
        if any(name in names for names in taken):
            self.error(node, f"{name!r} is already declared")
            return False
        self.names.lines[name] = _line(node)
        return True

    def domain_stmt(self, node: Tree[Token]) -> None:
        name, *threads = node.children
        if self._declare(node, str(name)):
            members = sorted({decode_string(thread) for thread in threads
                              if isinstance(thread, Token)})
            self.names.domains[str(name)] = members
            self.compiled["domains"][str(name)] = members

    def set_stmt(self, node: Tree[Token]) -> None:
        name, *items = node.children
        if self._declare(node, str(name)):
            values = [self.literal(item) for item in items if item is not None]
            self.names.sets[str(name)] = values
            self.compiled["sets"][str(name)] = values

    def map_stmt(self, node: Tree[Token]) -> None:
        name, *pairs = node.children
        if self._declare(node, str(name)):
            entries = [[self.literal(pair.children[0]), self.literal(pair.children[1])]
                       for pair in pairs if isinstance(pair, Tree)]
            self.names.maps[str(name)] = entries
            self.compiled["maps"][str(name)] = entries

    def flow_stmt(self, node: Tree[Token]) -> None:
        name, *items = node.children
        states: list[str] = []
        initial: str | None = None
        transitions: dict[str, dict[str, Any]] = {}
        for item in items:
            assert isinstance(item, Tree)
            words = [str(child) for child in item.children]
            if item.data == "flow_states":
                states.extend(words)
            elif item.data == "flow_initial":
                initial = words[0]
            else:
                transition, *sources, target = words
                if transition in transitions:
                    self.error(item, f"flow {name}: transition {transition!r} is declared twice")
                for state in (*sources, target):
                    if state not in states:
                        self.error(item, f"flow {name}: unknown state {state!r}")
                transitions[transition] = {"from": sources, "to": target, "line": _line(item)}
        if initial is None or initial not in states:
            self.error(node, f"flow {name}: needs an initial state among its states")
        if self._declare(node, str(name)):
            flow = {"states": states, "initial": initial, "transitions": transitions,
                    "line": _line(node)}
            self.names.flows[str(name)] = flow
            self.compiled["flows"][str(name)] = flow

    def role_stmt(self, node: Tree[Token]) -> None:
        name, *events = node.children
        if self._declare(node, str(name)):
            keys = [self.event(event) for event in events if isinstance(event, Tree)]
            self.names.roles[str(name)] = [key for key in keys if key is not None]

    def assign_stmt(self, node: Tree[Token]) -> None:
        role, domain = (str(child) for child in node.children)
        self.names.used.add(role)
        if role not in self.names.roles:
            self.error(node, f"unknown role {role!r}")
            return
        threads = self.domain(node, domain)
        for key in self.names.roles[role]:
            self.event_rules(key)["grant"].append(self.plain_rule(node, threads, domain))

    def te_stmt(self, node: Tree[Token]) -> None:
        kind, domain, event = node.children
        assert isinstance(event, Tree)
        threads = self.domain(node, str(domain))
        key = self.event(event)
        if key is None:
            return
        rule = self.plain_rule(node, threads, str(domain))
        if kind == "neverallow":
            # An assertion the validator proves, and a refusal at run time besides.
            self.compiled["neverallow"].append({"event": key, "threads": threads,
                                                "domain": str(domain), "line": _line(node)})
            self.event_rules(key)["deny"].append(rule)
            return
        rule["audit"] = kind == "auditallow"
        self.event_rules(key)["grant"].append(rule)

    def integrity_stmt(self, node: Tree[Token]) -> None:
        domain, level = (str(child) for child in node.children)
        levels: dict[str, int] = self.compiled["integrity"]["threads"]
        # By kernel domain too, for applications that declare domains (engine.py).
        self.compiled["integrity"].setdefault("domains", {})[domain] = int(level, 0)
        for thread in self.domain(node, domain):
            if levels.get(thread, int(level, 0)) != int(level, 0):
                self.error(node, f"thread {thread!r} already has integrity level "
                                 f"{levels[thread]}")
            levels[thread] = int(level, 0)

    def object_integrity_stmt(self, node: Tree[Token]) -> None:
        symbol, level = node.children
        assert isinstance(symbol, Token)
        objects: dict[str, int] = self.compiled["integrity"]["objects"]
        if decode_string(symbol) in objects:
            self.error(node, f"object {decode_string(symbol)!r} already has an integrity level")
        objects[decode_string(symbol)] = int(str(level), 0)

    def access_stmt(self, node: Tree[Token]) -> None:
        access, event, parameter = node.children
        assert isinstance(event, Tree)
        key = self.event(event)
        if key is None:
            return
        fields = known_fields(*key.split(" ", 1))
        if not key.startswith("syscall ") or "*" in key or fields is None \
                or str(parameter) not in fields:
            self.error(node, f"{key} has no parameter {str(parameter)!r} to {access} (an "
                             "access names one system call's object parameter)")
            return
        self.compiled["accesses"].setdefault(key, []).append(
            {"line": _line(node), "writes": access == "writes", "parameter": str(parameter)})

    def limit_stmt(self, node: Tree[Token]) -> None:
        event, *rest = node.children
        assert isinstance(event, Tree)
        threads: list[str] | None = None
        domain: str | None = None
        if isinstance(rest[0], Tree):
            source = rest.pop(0)
            assert isinstance(source, Tree)
            threads, domain = self.source(source), self.source_domain(source)
        count, window, unit = (str(token) for token in rest)
        key = self.event(event)
        window_us = int(window, 0) * _UNIT_MICROSECONDS[unit]
        if int(count, 0) < 1 or window_us < 1:
            self.error(node, "a limit needs at least one event per a window longer than 0")
        if key is not None:
            self.event_rules(key)["limit"].append({
                "line": _line(node), "threads": threads, "domain": domain,
                "count": int(count, 0), "window_us": window_us})

    # Rules ---------------------------------------------------------------------------

    def plain_rule(self, node: Tree[Token], threads: list[str] | None,
                   domain: str | None = None) -> dict[str, Any]:
        return {"line": _line(node), "threads": threads, "domain": domain, "when": None,
                "after": None,
                "between": None, "require": [], "perform": [], "errno": -ERRNO["EPERM"],
                "audit": False}

    def rule(self, node: Tree[Token]) -> None:
        verdict, event, *clauses = node.children
        assert isinstance(event, Tree)
        key = self.event(event)
        threads: list[str] | None = None
        domain: str | None = None
        if clauses and isinstance(clauses[0], Tree) and clauses[0].data == "source":
            source = clauses.pop(0)
            assert isinstance(source, Tree)
            threads, domain = self.source(source), self.source_domain(source)
        rule = self.plain_rule(node, threads, domain)
        fields = known_fields(*str(key).split(" ", 1)) if key is not None else None
        for clause in clauses:
            assert isinstance(clause, Tree)
            self.clause(rule, clause, fields, str(verdict))
        if key is not None:
            self.event_rules(key)[str(verdict)].append(rule)

    def clause(self, rule: dict[str, Any], clause: Tree[Token],
               fields: frozenset[str] | None, verdict: str) -> None:
        kind = clause.data
        if kind == "when_clause":
            rule["when"] = self.expression(clause.children[0], fields)
        elif kind == "audit_flag":
            rule["audit"] = True
        elif kind == "errno_clause":
            name = str(clause.children[0])
            if name not in ERRNO:
                self.error(clause, f"unknown errno {name!r}")
            elif verdict != "deny":
                self.error(clause, "only a deny rule has an errno")
            rule["errno"] = -ERRNO.get(name, ERRNO["EPERM"])
        elif verdict == "deny":
            self.error(clause, "after, between, require and perform belong to grant rules")
        elif kind == "between_clause":
            start, start_unit, end, end_unit = (str(token) for token in clause.children)
            window = [int(start, 0) * _UNIT_MICROSECONDS[start_unit],
                      int(end, 0) * _UNIT_MICROSECONDS[end_unit]]
            if window[0] >= window[1]:
                self.error(clause, "a time window ends after it starts")
            rule["between"] = window
        elif kind == "after_clause":
            event = clause.children[0]
            assert isinstance(event, Tree)
            rule["after"] = self.event(event)
        else:
            reference, word = clause.children
            assert isinstance(reference, Tree)
            flow_name, key = self.flow_reference(reference, fields)
            flow = self.names.flows.get(flow_name)
            if kind == "require_clause":
                if flow is not None and str(word) not in flow["states"]:
                    self.error(clause, f"flow {flow_name} has no state {str(word)!r}")
                rule["require"].append([flow_name, key, str(word)])
            else:
                if flow is not None and str(word) not in flow["transitions"]:
                    self.error(clause, f"flow {flow_name} has no transition {str(word)!r}")
                rule["perform"].append([flow_name, key, str(word)])

    def flow_reference(self, reference: Tree[Token],
                       fields: frozenset[str] | None) -> tuple[str, Expression | None]:
        name = str(reference.children[0])
        self.names.used.add(name)
        if name not in self.names.flows:
            self.error(reference, f"unknown flow {name!r}")
        key = reference.children[1] if len(reference.children) > 1 else None
        return name, None if key is None else self.expression(key, fields)

    def event(self, node: Tree[Token]) -> str | None:
        kind, name = (str(child) for child in node.children)
        problem = unknown_event(kind, name)
        if problem is not None:
            self.error(node, problem)
            return None
        return event_key(kind, name)

    def source(self, node: Tree[Token]) -> list[str]:
        token = node.children[0]
        assert isinstance(token, Token)
        if token.type == "STRING":
            return [decode_string(token)]
        return self.domain(node, str(token))

    @staticmethod
    def source_domain(node: Tree[Token]) -> str | None:
        """The domain a `from` names, None for a thread in quotes."""
        token = node.children[0]
        assert isinstance(token, Token)
        return None if token.type == "STRING" else str(token)

    def domain(self, node: Tree[Token], name: str) -> list[str]:
        if name not in self.names.domains:
            self.error(node, f"unknown domain {name!r}")
            return []
        self.names.used.add(name)
        return self.names.domains[name]

    # Expressions ---------------------------------------------------------------------

    def literal(self, node: Tree[Token] | Token | None) -> Any:
        assert isinstance(node, Tree)
        kind = node.data
        if kind == "true":
            return True
        if kind == "false":
            return False
        token = node.children[0]
        assert isinstance(token, Token)
        if kind == "string":
            return decode_string(token)
        value = int(str(token), 0)
        return -value if kind == "negative" else value

    def expression(self, node: Tree[Token] | Token | None,
                   fields: frozenset[str] | None) -> Expression:
        assert isinstance(node, Tree)
        if self.depth == MAX_EXPRESSION_DEPTH:
            message = f"an expression nested more than {MAX_EXPRESSION_DEPTH} levels deep"
            if Finding(_line(node), "error", message) not in self.findings:
                self.error(node, message)
            return ["const", False]
        self.depth += 1
        try:
            return self._expression(node, fields)
        finally:
            self.depth -= 1

    def _expression(self, node: Tree[Token],
                    fields: frozenset[str] | None) -> Expression:
        kind = node.data
        children = node.children
        if kind in ("int_", "negative", "string", "true", "false"):
            return ["const", self.literal(node)]
        if kind == "field":
            path = [str(child) for child in children]
            if fields is not None and path[0] not in fields:
                known = ", ".join(sorted(fields))
                self.error(node, f"unknown field {path[0]!r} (known: {known})")
            return ["field", path]
        if kind == "lookup":
            name = str(children[0])
            self.names.used.add(name)
            if name not in self.names.maps:
                self.error(node, f"unknown map {name!r}")
            return ["lookup", name, self.expression(children[1], fields)]
        if kind in ("or_", "and_"):
            return [kind.rstrip("_"), [self.expression(child, fields) for child in children]]
        if kind == "not_":
            return ["not", self.expression(children[0], fields)]
        if kind == "compare":
            left, operator, right = children
            return ["compare", str(operator), self.expression(left, fields),
                    self.expression(right, fields)]
        if kind == "arith":
            result = self.expression(children[0], fields)
            for index in range(1, len(children), 2):
                result = ["arith", str(children[index]), result,
                          self.expression(children[index + 1], fields)]
            return result
        if kind == "in_name":
            value, name = self.expression(children[0], fields), str(children[1])
            self.names.used.add(name)
            if name in self.names.sets:
                return ["in_set", name, value]
            if name in self.names.maps:
                return ["in_map", name, value]
            self.error(node, f"unknown set or map {name!r}")
            return ["in_set", name, value]
        if kind == "in_literal":
            values = [self.literal(item) for item in children[1:] if item is not None]
            return ["in_values", values, self.expression(children[0], fields)]
        assert kind == "matches", kind
        pattern = decode_string(children[1])  # type: ignore[arg-type]
        try:
            re.compile(pattern)
        except re.error as error:
            self.error(node, f"bad regular expression {pattern!r}: {error}")
        else:
            parsed = sre_parser.parse(pattern)
            if _repeats_a_repetition(parsed):
                # The text matched is the peer's or the thread's: a pattern that can
                # backtrack exponentially would let them stall the kernel.
                self.error(node, f"regular expression {pattern!r} repeats a repetition "
                                 "(it could backtrack without end on hostile text)")
            elif _variable_repeats(parsed) > MAX_VARIABLE_REPEATS:
                self.error(node, f"regular expression {pattern!r} has more than "
                                 f"{MAX_VARIABLE_REPEATS} variable repetitions (its matching "
                                 "time grows as a power of the text's length)")
        return ["matches", pattern, self.expression(children[0], fields)]


def _repeats_a_repetition(pattern: Any, inside_repeat: bool = False) -> bool:
    """Whether a parsed pattern (re's own parse) repeats a repetition or a choice."""
    for operator, argument in pattern:
        if operator in _REPEATS:
            if inside_repeat and argument[1] > 1:
                return True
            if _repeats_a_repetition(argument[2], inside_repeat or argument[1] > 1):
                return True
        elif operator is sre_constants.BRANCH:
            if inside_repeat or any(_repeats_a_repetition(branch, False)
                                    for branch in argument[1]):
                return True
        elif any(_repeats_a_repetition(part, inside_repeat) for part in _subpatterns(argument)):
            return True
    return False


def _variable_repeats(pattern: Any) -> int:
    """How many repeats of a parsed pattern match a variable number (more than one) of
    times ("?" only doubles the ways to try, whatever the text's length)."""
    count = 0
    for operator, argument in pattern:
        if operator in _REPEATS:
            count += (argument[1] > max(argument[0], 1)) + _variable_repeats(argument[2])
        elif operator is sre_constants.BRANCH:
            count += sum(_variable_repeats(branch) for branch in argument[1])
        else:
            count += sum(_variable_repeats(part) for part in _subpatterns(argument))
    return count


def _subpatterns(argument: Any) -> list[Any]:
    """The nested patterns of one parsed item (a group's, a look-around's, a
    conditional's), whatever tuple shape the item has."""
    parts = argument if isinstance(argument, tuple | list) else (argument,)
    return [part for part in parts if isinstance(part, sre_parser.SubPattern)]


def compile_findings(text: str, source: str) -> tuple[Compiled, list[Finding]]:
    """The compiled policy and the compiler's findings (errors) on it; a PolicyError
    when the text does not parse."""
    tree = parse(text, source)
    compiler = _Compiler()
    for statement in tree.children:
        assert isinstance(statement, Tree)
        getattr(compiler, str(statement.data))(statement)
    names = compiler.names
    for name, line in names.lines.items():
        if name not in names.used:
            compiler.findings.append(Finding(line, "warning", f"{name!r} is never used"))
    return compiler.compiled, compiler.findings


def compile_policy(text: str, source: str) -> Compiled:
    """The compiled policy; a PolicyError with the first error when it has any."""
    compiled, findings = compile_findings(text, source)
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        raise PolicyError(errors[0].render(source))
    return compiled
