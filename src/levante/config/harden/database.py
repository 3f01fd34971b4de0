"""The hardening rule database: load the YAML rule files and check every rule's shape.

The rules are data, not code: each file in this package holds any of four sections
(`profiles`, `sources`, `renames`, `rules`). They are merged, and everything a rule
refers to (profiles, sources, architectures) must exist, so a typo in a rule file is
reported with the file and the rule's name instead of silently weakening the audit.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from levante.config.harden.arch import ARCHITECTURES
from levante.errors import LevanteError

RULES_DIRECTORY = Path(__file__).parent
DEFAULT_PROFILE = "base"
_E = TypeVar("_E", bound=Enum)

_SYMBOL = re.compile(r"^[A-Za-z0-9_]+$")
_CWE = re.compile(r"^CWE-[1-9][0-9]*$")
_RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SECTIONS = {"profiles", "sources", "renames", "rules"}
_RULE_KEYS = {
    "title", "symbol", "value", "min", "max", "any", "all", "when", "arch", "profiles",
    "severity", "absent", "rationale", "references",
}
_CHECK_KEYS = {"symbol", "value", "min", "max", "any", "all"}


class RuleDatabaseError(LevanteError):
    """A rule file that cannot be read or does not follow the rule format."""


class Severity(Enum):
    """How much a failed rule weakens the device; it sets the SARIF level."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Absent(Enum):
    """What a symbol missing from the configuration (its dependencies unmet) counts as."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class SymbolCheck:
    """One Kconfig symbol compared with an exact value or a numeric range."""

    symbol: str
    value: str | int | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class AnyOf:
    """Alternatives: the check holds when one of them does."""

    checks: tuple[Check, ...]


@dataclass(frozen=True)
class AllOf:
    """The check holds when every one of them does."""

    checks: tuple[Check, ...]


Check = SymbolCheck | AnyOf | AllOf


@dataclass(frozen=True)
class Rule:
    """One recommendation: what to check, where it applies, and why it matters."""

    rule_id: str
    title: str
    check: Check
    rationale: str
    cwe: tuple[str, ...]
    sources: tuple[str, ...]
    profiles: tuple[str, ...]
    architectures: tuple[str, ...]  # empty: every architecture
    when: Check | None
    absent: Absent | None  # None: decided by the expected value (see evaluate)
    severity: Severity
    defined_in: str


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    extends: str | None


@dataclass(frozen=True)
class Source:
    """Where a recommendation comes from (seed 002, hardened.csv, hardening.yaml, ...)."""

    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Rename:
    """A symbol Zephyr renamed (current is set) or removed (current is None)."""

    old: str
    current: str | None
    note: str


@dataclass(frozen=True)
class RuleDatabase:
    profiles: Mapping[str, Profile]
    sources: Mapping[str, Source]
    renames: Mapping[str, Rename]
    rules: tuple[Rule, ...]

    def profile_closure(self, name: str) -> set[str]:
        """The profile and every profile it extends."""
        closure: list[str] = []
        current: str | None = name
        while current is not None:
            if current not in self.profiles:
                known = ", ".join(sorted(self.profiles))
                raise RuleDatabaseError(f"unknown profile '{current}' (known: {known})")
            if current in closure:
                raise RuleDatabaseError(f"profile '{name}' extends itself in a cycle")
            closure.append(current)
            current = self.profiles[current].extends
        return set(closure)

    def rules_for(self, profile: str) -> list[Rule]:
        active = self.profile_closure(profile)
        return [rule for rule in self.rules if active.intersection(rule.profiles)]

    def old_names_of(self, symbol: str) -> list[str]:
        """Every earlier name of `symbol`, following chains of renames (A → B → C)."""
        found: list[str] = []
        pending = [symbol]
        while pending:
            name = pending.pop()
            for rename in self.renames.values():
                if rename.current == name and rename.old not in found:
                    found.append(rename.old)
                    pending.append(rename.old)
        return found


# LibYAML's parser when PyYAML was built with it: the rules load several times faster.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A YAML loader that refuses duplicate keys, which YAML would silently overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Hashable, Any] = super().construct_mapping(node, deep)
        return mapping


def default_rule_files() -> list[Path]:
    return sorted(RULES_DIRECTORY.glob("*.yaml"))


def load_database(paths: Iterable[Path] | None = None) -> RuleDatabase:
    """Load, merge and validate rule files (default: the files shipped in this package)."""
    files = list(paths) if paths is not None else default_rule_files()
    sections: dict[str, dict[str, tuple[str, Any]]] = {name: {} for name in _SECTIONS}
    for path in files:
        for section, entries in _read_rule_file(path).items():
            for key, entry in entries.items():
                if key in sections[section]:
                    earlier = sections[section][key][0]
                    raise RuleDatabaseError(
                        f"{path}: {section} entry '{key}' is already defined in {earlier}"
                    )
                sections[section][key] = (path.name, entry)
    profiles = {key: _profile(file, key, raw) for key, (file, raw) in sections["profiles"].items()}
    if DEFAULT_PROFILE not in profiles:
        raise RuleDatabaseError(f"the rule files define no '{DEFAULT_PROFILE}' profile")
    sources = {key: _source(file, key, raw) for key, (file, raw) in sections["sources"].items()}
    renames = {key: _rename(file, key, raw) for key, (file, raw) in sections["renames"].items()}
    rules = tuple(
        _rule(file, key, raw, profiles, sources) for key, (file, raw) in sections["rules"].items()
    )
    database = RuleDatabase(profiles, sources, renames, rules)
    for name in profiles:
        database.profile_closure(name)  # an unknown 'extends' or a cycle fails here
    return database


def _read_rule_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleDatabaseError(f"cannot read rule file {path}: {error}") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise RuleDatabaseError(f"rule file {path}{line}: invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RuleDatabaseError(f"rule file {path}: expected a mapping of sections")
    unknown = set(data) - _SECTIONS
    if unknown:
        raise RuleDatabaseError(f"rule file {path}: unknown section(s) {sorted(unknown)}")
    for section, entries in data.items():
        if not isinstance(entries, dict):
            raise RuleDatabaseError(f"rule file {path}: '{section}' must be a mapping")
    return data


def _fail(file: str, what: str, problem: str) -> RuleDatabaseError:
    return RuleDatabaseError(f"rule file {file}: {what}: {problem}")


def _text(file: str, what: str, raw: Mapping[str, Any], key: str, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, what, f"'{key}' must be a non-empty string")
    return " ".join(value.split())


def _profile(file: str, name: str, raw: Any) -> Profile:
    if not isinstance(raw, dict):
        raise _fail(file, f"profile '{name}'", "must be a mapping")
    extends = raw.get("extends")
    if extends is not None and not isinstance(extends, str):
        raise _fail(file, f"profile '{name}'", "'extends' must name a profile")
    return Profile(name, _text(file, f"profile '{name}'", raw, "description"), extends)


def _source(file: str, key: str, raw: Any) -> Source:
    if not isinstance(raw, dict):
        raise _fail(file, f"source '{key}'", "must be a mapping")
    what = f"source '{key}'"
    return Source(key, _text(file, what, raw, "title"), _text(file, what, raw, "url"))


def _rename(file: str, old: str, raw: Any) -> Rename:
    what = f"rename '{old}'"
    if not isinstance(raw, dict) or not _SYMBOL.match(old):
        raise _fail(file, what, "must map a symbol name to {current, note}")
    current = raw.get("current")
    if current is not None and (not isinstance(current, str) or not _SYMBOL.match(current)):
        raise _fail(file, what, "'current' must be a symbol name (or absent when removed)")
    return Rename(old, current, _text(file, what, raw, "note"))


def _rule(
    file: str, rule_id: str, raw: Any, profiles: Mapping[str, Profile],
    sources: Mapping[str, Source],
) -> Rule:
    what = f"rule '{rule_id}'"
    if not _RULE_ID.match(rule_id):
        raise _fail(file, what, "rule names are lower-case words joined by '-'")
    if not isinstance(raw, dict):
        raise _fail(file, what, "must be a mapping")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(file, what, f"unknown key(s) {sorted(unknown)}")
    check = _check(file, what, {key: raw[key] for key in _CHECK_KEYS if key in raw})
    when = _check(file, f"{what} 'when'", raw["when"]) if "when" in raw else None
    rule_profiles = _names(file, what, raw, "profiles", [DEFAULT_PROFILE])
    for profile in rule_profiles:
        if profile not in profiles:
            raise _fail(file, what, f"unknown profile '{profile}'")
    architectures = _names(file, what, raw, "arch", [])
    for architecture in architectures:
        if architecture not in ARCHITECTURES:
            raise _fail(file, what, f"unknown architecture '{architecture}'")
    references = raw.get("references", {})
    if not isinstance(references, dict) or set(references) - {"cwe", "sources"}:
        raise _fail(file, what, "'references' holds 'cwe' and 'sources' lists")
    cwe = _names(file, what, references, "cwe", [])
    for identifier in cwe:
        if not _CWE.match(identifier):
            raise _fail(file, what, f"'{identifier}' is not a CWE id like CWE-121")
    rule_sources = _names(file, what, references, "sources", [])
    if not rule_sources:
        raise _fail(file, what, "'references.sources' must name where the advice comes from")
    for source in rule_sources:
        if source not in sources:
            raise _fail(file, what, f"unknown source '{source}'")
    return Rule(
        rule_id=rule_id,
        title=_text(file, what, raw, "title"),
        check=check,
        rationale=_text(file, what, raw, "rationale"),
        cwe=tuple(cwe),
        sources=tuple(rule_sources),
        profiles=tuple(rule_profiles),
        architectures=tuple(architectures),
        when=when,
        absent=_enum(Absent, file, what, raw, "absent"),
        severity=_enum(Severity, file, what, raw, "severity") or Severity.MEDIUM,
        defined_in=file,
    )


def _names(
    file: str, what: str, raw: Mapping[str, Any], key: str, default: list[str]
) -> list[str]:
    value = raw.get(key, default)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(file, what, f"'{key}' must be a list of names")
    return value


def _enum(
    kind: type[_E], file: str, what: str, raw: Mapping[str, Any], key: str
) -> _E | None:
    if key not in raw:
        return None
    try:
        return kind(raw[key])
    except ValueError:
        choices = ", ".join(str(member.value) for member in kind)
        raise _fail(file, what, f"'{key}' must be one of {choices}") from None


def _check(file: str, what: str, raw: Any) -> Check:
    if not isinstance(raw, dict):
        raise _fail(file, what, "a check is a mapping with 'symbol', 'any' or 'all'")
    kinds = [key for key in ("symbol", "any", "all") if key in raw]
    if len(kinds) != 1:
        raise _fail(file, what, "give exactly one of 'symbol', 'any' or 'all'")
    if kinds[0] in ("any", "all"):
        if set(raw) != {kinds[0]}:
            raise _fail(file, what, f"'{kinds[0]}' cannot be combined with a value or range")
        items = raw[kinds[0]]
        if not isinstance(items, list) or len(items) < 2:
            raise _fail(file, what, f"'{kinds[0]}' needs a list of at least two checks")
        checks = tuple(_check(file, what, item) for item in items)
        return AnyOf(checks) if kinds[0] == "any" else AllOf(checks)
    return _symbol_check(file, what, raw)


def _symbol_check(file: str, what: str, raw: Mapping[str, Any]) -> SymbolCheck:
    unknown = set(raw) - _CHECK_KEYS
    if unknown:
        raise _fail(file, what, f"unknown key(s) {sorted(unknown)} in a check")
    symbol = raw["symbol"]
    if not isinstance(symbol, str) or not _SYMBOL.match(symbol) or symbol.startswith("CONFIG_"):
        raise _fail(file, what, f"'{symbol}' is not a symbol name (write it without CONFIG_)")
    minimum, maximum = raw.get("min"), raw.get("max")
    has_range = minimum is not None or maximum is not None
    if ("value" in raw) == has_range:
        raise _fail(file, what, f"{symbol}: give either 'value' or 'min'/'max'")
    for bound in (minimum, maximum):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int)):
            raise _fail(file, what, f"{symbol}: 'min' and 'max' must be integers")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise _fail(file, what, f"{symbol}: min {minimum} is greater than max {maximum}")
    value = raw.get("value")
    if isinstance(value, bool):  # YAML reads true/false/yes/no as booleans
        value = "y" if value else "n"
    if has_range:
        return SymbolCheck(symbol, None, minimum, maximum)
    if not isinstance(value, str | int):
        raise _fail(file, what, f"{symbol}: 'value' must be y, n, a number or a string")
    return SymbolCheck(symbol, value)
