"""The fused closure of `object.member OP constant` decides as the general one does, on
every kind of value an event can carry: the same result, or the same Undefined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from levante.policy.predicates import _COMPARE, Loader, Predicate, Undefined, _compare_constant

_LOADER = Loader({"sets": {}, "maps": {}}, symbol_of=None)


@dataclass
class _Object:
    count: Any


def _outcome(predicate: Predicate, fields: dict[str, object]) -> object:
    try:
        return predicate(fields)
    except Undefined:
        return Undefined


values = st.one_of(st.integers(-3, 12), st.booleans(), st.sampled_from(("a", "b", "")),
                   st.binary(max_size=2), st.none(), st.just(len))
constants = st.one_of(st.integers(-3, 12), st.booleans(), st.sampled_from(("a", "b")))


@given(st.sampled_from(sorted(_COMPARE)), values, constants,
       st.sampled_from(("object", "mapping", "mapping without", "absent")))
def test_the_fused_comparison_agrees_with_the_general_one(
        operator: str, value: object, constant: object, holder: str) -> None:
    field: list[Any] = ["field", ["sem", "count"]]
    tree: list[Any] = ["compare", operator, field, ["const", constant]]
    fused = _LOADER.closure(tree)
    general = _compare_constant(_COMPARE[operator], _LOADER.closure(field), constant)
    fields: dict[str, object] = {"thread": "main"}
    if holder == "object":
        fields["sem"] = _Object(value)
    elif holder == "mapping":
        fields["sem"] = {"count": value}
    elif holder == "mapping without":
        fields["sem"] = {"limit": value}
    assert _outcome(fused, fields) == _outcome(general, fields)
