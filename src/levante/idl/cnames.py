"""The C names the generated headers give each declaration (cgen.py spells them so).

Two declarations whose C names meet would make a header the compiler refuses (or, for
macros, silently redefines), so the interface compiler claims every name here and
refuses the second claim at its line.  C keeps struct and enum tags apart from other
identifiers; macros, functions and enum constants share one space here (a macro
replaces any identifier of its spelling).
"""

from __future__ import annotations

from typing import Any

TAG = "tag"  # struct and enum tags
IDENTIFIER = "identifier"  # macros, functions, enum constants


def enumerator_constant(enum: str, enumerator: str) -> str:
    return f"{enum.upper()}_{enumerator.upper()}"


def interface_id_macro(interface: str) -> str:
    return f"{interface.upper()}_INTERFACE_ID"


def interface_names(interface: str) -> list[tuple[str, str]]:
    """What an interface declares: its ids and bounds, its dispatch, its ops struct."""
    upper = interface.upper()
    return [(IDENTIFIER, interface_id_macro(interface)),
            (IDENTIFIER, f"LEVANTE_IDL_ID_{interface}"),
            (IDENTIFIER, f"{upper}_REQUEST_MAX"), (IDENTIFIER, f"{upper}_REPLY_MAX"),
            (IDENTIFIER, f"{interface}_dispatch"), (IDENTIFIER, f"{interface}_serve_once"),
            (TAG, f"{interface}_ops")]


def method_names(interface: str, method: str) -> list[tuple[str, str]]:
    """What a method declares: its client stubs and its id and bounds."""
    prefix = f"{interface}_{method}"
    upper = prefix.upper()
    return [(IDENTIFIER, prefix), (IDENTIFIER, f"{prefix}_timeout"),
            (IDENTIFIER, f"{upper}_METHOD"), (IDENTIFIER, f"{upper}_REQUEST_MAX"),
            (IDENTIFIER, f"{upper}_REPLY_MAX")]


def type_names(kind: dict[str, Any]) -> list[tuple[str, str]]:
    """What an enum or struct declares: its tag, and an enum its constants."""
    names = [(TAG, str(kind["name"]))]
    if kind["kind"] == "enum":
        names += [(IDENTIFIER, enumerator_constant(kind["name"], enumerator))
                  for enumerator in kind["values"]]
    return names
