"""Whether a scenario applies to a Levante board, and why not when it does not.

As twister decides: the platform and architecture allow and exclude lists, the build
being for a test framework Levante does not have, hardware the board lacks
(`depends_on`), RAM and flash minimums, and the `filter` expression, evaluated against
the scenario's configuration once it is known.  A filter is twister's expression
language: CONFIG_ symbols, ARCH and PLATFORM, `and`/`or`/`not`, comparisons, `in`, and
the devicetree functions (`dt_*`, dt_filters.py), answered from the scenario's
devicetree.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from levante.config import Board
from levante.testing.dt_filters import DtFunction
from levante.testing.scenarios import Scenario

ARCH = "arm"
# What twister calls a platform's "supported" features that Levante's boards have.
BOARD_FEATURES = frozenset({"entropy", "flash", "gpio", "serial", "uart"})
# Harnesses Levante can judge; a scenario with another (led, button, keyboard, sensor:
# hardware a person or a fixture watches) is built and not run, as twister does.
HARNESSES = frozenset({"test", "ztest", "console", ""})


def applicability(scenario: Scenario, board: Board) -> str | None:
    """None when the scenario applies to `board`, else the reason it is skipped."""
    allowed = scenario.list("platform_allow")
    if allowed and board.name not in allowed:
        return f"platform_allow does not name {board.name}"
    if board.name in scenario.list("platform_exclude"):
        return f"platform_exclude names {board.name}"
    arches = scenario.list("arch_allow")
    if arches and ARCH not in arches:
        return f"arch_allow does not name {ARCH}"
    if ARCH in scenario.list("arch_exclude"):
        return f"arch_exclude names {ARCH}"
    if "native" in scenario.list("platform_type") or scenario.list("platform_type") == ["sim"]:
        return "for native or simulation platforms only"
    missing = [feature for feature in scenario.list("depends_on")
               if feature not in BOARD_FEATURES]
    if missing:
        return f"needs {', '.join(missing)}, which {board.name} does not have"
    for key, have in (("min_ram", board.sram.size), ("min_flash", board.flash.size)):
        wanted = scenario.fields.get(key)
        if isinstance(wanted, int) and wanted * 1024 > have:
            return f"{key} {wanted} KiB is more than {board.name} has ({have // 1024} KiB)"
    return None


class FilterError(Exception):
    """A filter expression that cannot be read."""


_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def evaluate_filter(expression: str, config: Mapping[str, bool | int | str],
                    board: Board, devicetree: Mapping[str, DtFunction] | None = None) -> bool:
    """Evaluate a twister filter against a configuration (symbols without CONFIG_)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise FilterError(f"cannot read filter '{expression}': {error.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise FilterError("cannot read filter: the expression is too deeply nested") from None
    names: dict[str, Any] = {"ARCH": ARCH, "PLATFORM": board.name, "BOARD": board.name,
                             "True": True, "False": False}

    def value(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.BoolOp):
            results = (value(part) for part in node.values)
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not value(node.operand)
        if isinstance(node, ast.Compare):
            left = value(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = value(right_node)
                compare = _COMPARISONS.get(type(op))
                if compare is None or not compare(left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Name):
            if node.id.startswith("CONFIG_"):
                found = config.get(node.id.removeprefix("CONFIG_"))
                return False if found is None else found  # y is True, as twister reads
            return names.get(node.id, False)
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [value(item) for item in node.elts]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id.startswith("dt_"):
            function = (devicetree or {}).get(node.func.id)
            if function is None:
                raise FilterError(f"filter '{expression}': no devicetree function "
                                  f"{node.func.id}")
            arguments = [value(argument) for argument in node.args]
            try:
                return function(*arguments)
            except TypeError:
                raise FilterError(f"filter '{expression}': bad arguments to "
                                  f"{node.func.id}") from None
        raise FilterError(f"filter '{expression}': cannot evaluate "
                          f"'{ast.unparse(node)}'")

    try:
        return bool(value(tree))
    except (TypeError, RecursionError) as error:
        raise FilterError(f"filter '{expression}': {error}") from None
