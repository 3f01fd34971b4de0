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
# The expressions whose closures always give True or False (or raise Undefined).
_BOOLEAN_KINDS = frozenset({"and", "or", "not", "compare", "in_set", "in_map", "in_values",
                            "matches"})


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


# Whether values of a type are mappings, asked of the type once: `isinstance` against the
# `Mapping` ABC costs more than the rest of a field's read.  Bounded by the program's
# classes (threads pass values of kernel-made types, never new classes).
_MAPPING_TYPES: dict[type, bool] = {dict: True}
_ABSENT = object()


def _is_mapping(value: object) -> bool:
    kind = type(value)
    known = _MAPPING_TYPES.get(kind)
    if known is None:
        known = _MAPPING_TYPES[kind] = isinstance(value, Mapping)
    return known


def _member(value: object, name: str, symbol_of: SymbolOf | None) -> object:
    """`value.name`: a mapping's entry, a static object's C name, or an object's state."""
    if _is_mapping(value):
        entry = value.get(name, _ABSENT)  # type: ignore[attr-defined]
        if entry is _ABSENT:
            raise Undefined(name)
        return entry
    if name == "symbol" and symbol_of is not None:
        # The C name of a statically defined kernel object ("alarm", "sems[2]").
        symbol = symbol_of(value)
        if symbol is None:
            raise Undefined(name)
        return symbol
    if name.startswith("_"):
        raise Undefined(name)
    # A kernel object's own state (sem.count): read, never called.
    state = getattr(value, name, _ABSENT)
    if state is _ABSENT or callable(state):
        raise Undefined(name)
    return state


def _field(path: Sequence[str], symbol_of: SymbolOf | None) -> Predicate:
    head, rest = path[0], tuple(path[1:])
    if not rest:
        def read_head(fields: Fields) -> Any:
            value = fields.get(head, _ABSENT)
            if value is _ABSENT:
                raise Undefined(head)
            return _value_of(value)
        return read_head
    if len(rest) == 1:
        name = rest[0]
        # A plain attribute of an object that is not a mapping (sem.count) is read here
        # at once; anything else (a mapping, `.symbol`, a private name) by `_member`.
        plain = name != "symbol" and not name.startswith("_")

        def read_member(fields: Fields) -> Any:
            value = fields.get(head, _ABSENT)
            if value is _ABSENT:
                raise Undefined(head)
            if plain and _MAPPING_TYPES.get(type(value)) is False:
                state = getattr(value, name, _ABSENT)
                if state is _ABSENT or callable(state):
                    raise Undefined(name)
            else:
                state = _member(value, name, symbol_of)
            return state.decode("utf-8", "replace") if isinstance(state, bytes) else state
        return read_member

    def read(fields: Fields) -> Any:
        value = fields.get(head, _ABSENT)
        if value is _ABSENT:
            raise Undefined(head)
        for part in rest:
            value = _member(value, part, symbol_of)
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

    def condition(self, tree: Expression) -> Predicate:
        """A rule's condition: a closure that returns True or False, or raises Undefined
        (the check that the value is a boolean is left out where the operator makes one)."""
        inner = self.closure(tree)
        if tree[0] in _BOOLEAN_KINDS:
            return inner
        return lambda fields: truth(inner(fields))

    def closure(self, tree: Expression) -> Predicate:
        kind = tree[0]
        if kind == "const":
            constant = tree[1]
            return lambda fields: constant
        if kind == "field":
            return _field(tree[1], self.symbol_of)
        if kind == "and":
            return _every([self.condition(part) for part in tree[1]])
        if kind == "or":
            return _some([self.condition(part) for part in tree[1]])
        if kind == "not":
            inner = self.condition(tree[1])
            return lambda fields: not inner(fields)
        if kind == "compare":
            if tree[3][0] == "const":
                general = _compare_constant(_COMPARE[tree[1]], self.closure(tree[2]),
                                            tree[3][1])
                if tree[2][0] == "field" and len(tree[2][1]) == 2:
                    return _compare_member(_COMPARE[tree[1]], tree[2][1], tree[3][1], general)
                return general
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


def _every(parts: list[Predicate]) -> Predicate:
    """`and`: left to right, stopping at the first false part."""
    def every(fields: Fields) -> bool:
        for part in parts:
            if not part(fields):
                return False
        return True
    return every


def _some(parts: list[Predicate]) -> Predicate:
    """`or`: left to right, stopping at the first true part."""
    def some(fields: Fields) -> bool:
        for part in parts:
            if part(fields):
                return True
        return False
    return some


def _compare_constant(compare: Callable[[Any, Any], bool], left: Predicate,
                      constant: Any) -> Predicate:
    """A comparison with a constant (`sem.count < 10`): its type is known at load time."""
    kind = type(constant)
    ordered = compare not in (operator.eq, operator.ne)

    def judge(fields: Fields) -> bool:
        value = left(fields)
        if ordered and type(value) is not kind:
            raise Undefined("comparing values of different types")
        try:
            return compare(value, constant)
        except TypeError:
            raise Undefined("values that do not compare") from None
    return judge


def _compare_member(compare: Callable[[Any, Any], bool], path: Sequence[str],
                    constant: Any, general: Predicate) -> Predicate:
    """`object.member OP constant` (`sem.count < 10`, the common shape) in one closure: a
    plain attribute of the constant's own type is compared at once; anything else (a
    mapping, a missing member, another type) takes the general closure, which decides."""
    head, name, kind = path[0], path[1], type(constant)
    if name == "symbol" or name.startswith("_") or kind not in (int, str, bool):
        return general

    def judge(fields: Fields) -> bool:
        value = fields.get(head, _ABSENT)
        if _MAPPING_TYPES.get(type(value)) is False:
            state = getattr(value, name, _ABSENT)
            if type(state) is kind:
                return compare(state, constant)
        return general(fields)  # type: ignore[no-any-return]
    return judge


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
