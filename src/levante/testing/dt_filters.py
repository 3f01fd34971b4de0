"""Twister's devicetree filter functions (`dt_compat_enabled("gpio-leds")`, ...), answered
from a build's devicetree, so a sample's `filter:` means on Levante's boards what it
means on Zephyr's."""

from __future__ import annotations

from collections.abc import Callable

from devicetree import edtlib

DtFunction = Callable[..., bool]


def _okay(node: edtlib.Node | None) -> bool:
    return node is not None and node.status == "okay"


def _by_alias(edt: edtlib.EDT, alias: str) -> edtlib.Node | None:
    return next((node for node in edt.nodes if alias in node.aliases), None)


def _by_label(edt: edtlib.EDT, label: str) -> edtlib.Node | None:
    return edt.label2node.get(label)


def _by_path(edt: edtlib.EDT, path: str) -> edtlib.Node | None:
    try:
        return edt.get_node(path)
    except edtlib.EDTError:
        return None


def _parent_has(node: edtlib.Node | None, compat: str) -> bool:
    return node is not None and node.parent is not None and compat in node.parent.compats


def _has_prop(node: edtlib.Node | None, prop: str) -> bool:
    return node is not None and prop in node.props


def dt_functions(edt: edtlib.EDT) -> dict[str, DtFunction]:
    """The functions by name, bound to one devicetree."""
    return {
        "dt_compat_enabled": lambda compat: bool(edt.compat2okay.get(compat)),
        "dt_alias_exists": lambda alias: _by_alias(edt, alias) is not None,
        "dt_enabled_alias_with_parent_compat": lambda alias, compat: (
            _okay(node := _by_alias(edt, alias)) and _parent_has(node, compat)),
        "dt_label_with_parent_compat_enabled": lambda label, compat: (
            _okay(node := _by_label(edt, label)) and _parent_has(node, compat)),
        "dt_chosen_enabled": lambda chosen: _okay(edt.chosen_node(chosen)),
        "dt_nodelabel_enabled": lambda label: _okay(_by_label(edt, label)),
        "dt_nodelabel_exists": lambda label: _by_label(edt, label) is not None,
        "dt_nodelabel_has_compat": lambda label, compat: (
            (node := _by_label(edt, label)) is not None and compat in node.compats),
        "dt_nodelabel_has_prop": lambda label, prop: _has_prop(_by_label(edt, label), prop),
        "dt_node_has_prop": lambda path, prop: _has_prop(_by_path(edt, path), prop),
        "dt_node_has_bool_prop": lambda path, prop: (
            _has_prop(node := _by_path(edt, path), prop)
            and node is not None and node.props[prop].val is True),
        "dt_path_enabled": lambda path: _okay(_by_path(edt, path)),
        "dt_compat_enabled_with_alias": lambda compat, alias: (
            (node := _by_alias(edt, alias)) is not None and _okay(node)
            and compat in node.compats),
    }
