"""Compiled expression trees → Python closures over an event's fields.

A closure raises `Undefined` where a condition cannot be evaluated (a missing field, a
type mismatch, a division by zero): the engine decides what that means for a rule.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from levante.policy.language import Compiled, Expression

Fields = Mapping[str, object]
Predicate = Callable[[Fields], Any]
SymbolOf = Callable[[object], str | None]  # a kernel object's C name, when static


MATCH_TEXT_MAX = 256  # characters a regular expression is searched in


class Undefined(Exception):
    """A condition that cannot be evaluated: a missing field, a type mismatch."""


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}
_ARITH: dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.floordiv,
    "%": operator.mod,
}


def _value_of(value: object) -> object:
    """What a policy sees of a value: scalars as they are, bytes as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _field(path: Sequence[str], symbol_of: SymbolOf | None) -> Predicate:
    head, rest = path[0], tuple(path[1:])

    def read(fields: Fields) -> Any:
        if head not in fields:
            raise Undefined(head)
        value: object = fields[head]
        for name in rest:
            if isinstance(value, Mapping):
                if name not in value:
                    raise Undefined(name)
                value = value[name]
            elif name == "symbol" and symbol_of is not None:
                # The C name of a statically defined kernel object ("alarm", "sems[2]").
                symbol = symbol_of(value)
                if symbol is None:
                    raise Undefined(name)
                value = symbol
            elif not name.startswith("_") and hasattr(value, name):
                # A kernel object's own state (sem.count): read, never called.
                value = getattr(value, name)
                if callable(value):
                    raise Undefined(name)
            else:
                raise Undefined(name)
        return _value_of(value)
    return read


def _integers(left: Any, right: Any) -> tuple[int, int]:
    if type(left) is not int or type(right) is not int:
        raise Undefined("arithmetic on a value that is not an integer")
    return left, right


class Loader:
    """Compiled expression trees → closures, with the policy's sets and maps."""

    def __init__(self, compiled: Compiled, symbol_of: SymbolOf | None) -> None:
        self.symbol_of = symbol_of
        self.sets = {name: frozenset(values) for name, values in compiled["sets"].items()}
        self.maps = {name: {key: value for key, value in entries}
                     for name, entries in compiled["maps"].items()}

    def closure(self, tree: Expression) -> Predicate:
        kind = tree[0]
        if kind == "const":
            constant = tree[1]
            return lambda fields: constant
        if kind == "field":
            return _field(tree[1], self.symbol_of)
        if kind == "and":
            parts = [self.closure(part) for part in tree[1]]
            return lambda fields: all(truth(part(fields)) for part in parts)
        if kind == "or":
            parts = [self.closure(part) for part in tree[1]]
            return lambda fields: any(truth(part(fields)) for part in parts)
        if kind == "not":
            inner = self.closure(tree[1])
            return lambda fields: not truth(inner(fields))
        if kind == "compare":
            return self._compare(_COMPARE[tree[1]], self.closure(tree[2]), self.closure(tree[3]))
        if kind == "arith":
            return self._arith(_ARITH[tree[1]], self.closure(tree[2]), self.closure(tree[3]))
        if kind == "lookup":
            table, key = self.maps[tree[1]], self.closure(tree[2])
            return lambda fields: _lookup(table, key(fields))
        if kind in ("in_set", "in_map", "in_values"):
            members = (self.sets[tree[1]] if kind == "in_set" else
                       self.maps[tree[1]].keys() if kind == "in_map" else tree[1])
            value = self.closure(tree[2])
            return lambda fields: hashable(value(fields)) in members
        assert kind == "matches", kind
        pattern, text = re.compile(tree[1]), self.closure(tree[2])
        return lambda fields: pattern.search(_text(text(fields))) is not None

    @staticmethod
    def _compare(compare: Callable[[Any, Any], bool], left: Predicate,
                 right: Predicate) -> Predicate:
        def judge(fields: Fields) -> bool:
            a, b = left(fields), right(fields)
            if type(a) is not type(b) and compare not in (operator.eq, operator.ne):
                raise Undefined("comparing values of different types")
            try:
                return compare(a, b)
            except TypeError:
                raise Undefined("values that do not compare") from None
        return judge

    @staticmethod
    def _arith(arith: Callable[[int, int], int], left: Predicate,
               right: Predicate) -> Predicate:
        def compute(fields: Fields) -> int:
            a, b = _integers(left(fields), right(fields))
            if b == 0 and arith in (operator.floordiv, operator.mod):
                raise Undefined("division by zero")
            return arith(a, b)
        return compute


def truth(value: Any) -> bool:
    if type(value) is not bool:
        raise Undefined("a condition that is not true or false")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Undefined("a regular expression on a value that is not text")
    if len(value) > MATCH_TEXT_MAX:
        # A search's time grows with a power of the length: a peer's 64 KiB topic would
        # stall the kernel.  Undefined refuses (a deny holds, a grant grants nothing).
        raise Undefined(f"a regular expression on text longer than {MATCH_TEXT_MAX}")
    return value


def hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        raise Undefined("membership of a value that is not a scalar") from None
    return value


def _lookup(table: Mapping[Any, Any], key: Any) -> Any:
    try:
        return table[key]
    except (KeyError, TypeError):
        raise Undefined("a key the map does not have") from None
