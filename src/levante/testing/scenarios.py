"""Test scenarios from testcase.yaml and sample.yaml, as twister reads them.

A file's `common:` block applies to each of its `tests:`; a scenario's own value wins
for single values, and list values (tags, extra_args, extra_configs, extra_conf_files,
the allow and exclude lists) are joined, common first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from levante.errors import UsageError

SCENARIO_FILES = ("testcase.yaml", "sample.yaml")
# A scenario's name is also its build folder's: never a path.
_SCENARIO_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
# Keys whose values are lists (a string is one item, or space-separated for tags).
_LIST_KEYS = frozenset({
    "tags", "extra_args", "extra_configs", "extra_conf_files", "arch_allow", "arch_exclude",
    "platform_allow", "platform_exclude", "platform_type", "depends_on", "toolchain_allow",
    "toolchain_exclude", "integration_platforms", "required_snippets",
})
_SPACE_SEPARATED = frozenset({"tags", "arch_allow", "arch_exclude", "platform_allow",
                              "platform_exclude", "depends_on", "toolchain_allow",
                              "toolchain_exclude", "extra_args"})


@dataclass(frozen=True)
class Scenario:
    """One test scenario of one application."""

    name: str
    app_dir: Path
    source: Path  # the YAML file it came from
    fields: Mapping[str, Any] = field(default_factory=dict)

    def list(self, key: str) -> list[str]:
        return [str(item) for item in self.fields.get(key) or ()]

    def text(self, key: str, default: str = "") -> str:
        value = self.fields.get(key, default)
        return default if value is None else str(value)

    def flag(self, key: str) -> bool:
        value = self.fields.get(key, False)
        if isinstance(value, str):  # "false" in quotes is still false
            return value.strip().lower() in ("true", "yes", "y", "1")
        return bool(value)

    @property
    def harness(self) -> str:
        """twister's default harness for a test (ztest's output) is "test"."""
        return self.text("harness", "test") or "test"

    @property
    def harness_config(self) -> Mapping[str, Any]:
        config = self.fields.get("harness_config") or {}
        return config if isinstance(config, Mapping) else {}


def _as_list(key: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split() if key in _SPACE_SEPARATED else [value]
    if isinstance(value, list):
        return value
    return [value]


def _merge(common: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(common)
    for key, value in own.items():
        if key in _LIST_KEYS and key in merged:
            merged[key] = [*_as_list(key, merged[key]), *_as_list(key, value)]
        else:
            merged[key] = value
    for key in _LIST_KEYS & merged.keys():
        merged[key] = _as_list(key, merged[key])
    return merged


def load_scenarios(source: Path) -> list[Scenario]:
    """The scenarios a testcase.yaml or sample.yaml declares; UsageError for a file
    that is not one (with the reason)."""
    try:
        document = yaml.safe_load(source.read_text())
    except OSError as error:
        raise UsageError(f"{source}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{source}{where}: not valid YAML") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("tests"), Mapping):
        raise UsageError(f"{source}: no 'tests:' mapping of scenarios")
    common = document.get("common") or {}
    if not isinstance(common, Mapping):
        raise UsageError(f"{source}: 'common:' is not a mapping")
    scenarios = []
    for name, own in document["tests"].items():
        if not _SCENARIO_NAME.fullmatch(str(name)):
            raise UsageError(f"{source}: scenario name '{name}' is not a plain name "
                             "(letters, digits, '.', '_', '-')")
        if own is not None and not isinstance(own, Mapping):
            raise UsageError(f"{source}: scenario '{name}' is not a mapping")
        scenarios.append(Scenario(str(name), source.parent, source, _merge(common, own or {})))
    return scenarios


def find_scenario_files(roots: Iterable[Path]) -> list[Path]:
    """testcase.yaml and sample.yaml files in or under each root, in path order."""
    found: set[Path] = set()
    for root in roots:
        if not root.exists():
            raise UsageError(f"{root}: no such file or folder")
        if root.is_file():
            if root.name not in SCENARIO_FILES:
                raise UsageError(f"{root}: not a testcase.yaml or sample.yaml")
            found.add(root)
            continue
        for name in SCENARIO_FILES:
            found.update(root.rglob(name))
    return sorted(found)
