"""Check a configuration against the rules of one profile and explain every verdict.

A symbol missing from a .config is not the same as `n`: Kconfig leaves out symbols whose
dependencies are unmet. For a rule that wants a feature off (n, 0, or at most 0), a
missing symbol means the feature is not built, so the rule passes. For a rule that wants
a feature on, a missing symbol usually means the platform cannot have it, so the rule is
skipped, unless the rule says the absence is itself a failure (no RNG, no CSPRNG).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from levante.config.harden.arch import detect_architecture
from levante.config.harden.database import (
    Absent,
    AllOf,
    AnyOf,
    Check,
    Rule,
    RuleDatabase,
    SymbolCheck,
)
from levante.config.harden.dotconfig import Assignment, KconfigValues


class Status(Enum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Reading:
    """A symbol's value found in the configuration, maybe under an older name."""

    symbol: str
    found_as: str | None  # the name in the file: symbol itself, an old name, or None
    value: str | None
    line: int | None


@dataclass(frozen=True)
class _Outcome:
    holds: bool | None  # None: cannot tell (symbol missing and the rule skips then)
    readings: tuple[Reading, ...]
    failing: tuple[Reading, ...]


@dataclass(frozen=True)
class Finding:
    rule: Rule
    status: Status
    expected: str
    actual: str
    reason: str
    line: int | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class LegacySymbol:
    """A symbol in the configuration that current Zephyr renamed or removed."""

    symbol: str
    line: int
    note: str


@dataclass(frozen=True)
class Audit:
    config_path: Path
    architecture: str | None
    profile: str
    findings: tuple[Finding, ...]
    legacy_symbols: tuple[LegacySymbol, ...]

    def count(self, status: Status) -> int:
        return sum(1 for finding in self.findings if finding.status is status)

    @property
    def failed(self) -> int:
        return self.count(Status.FAIL)


def audit(config: KconfigValues, database: RuleDatabase, profile: str) -> Audit:
    architecture = detect_architecture(config.values())
    evaluator = _Evaluator(config.assignments, database)
    findings = tuple(
        evaluator.evaluate(rule, architecture) for rule in database.rules_for(profile)
    )
    return Audit(config.path, architecture, profile, findings, _legacy(config, database))


def describe_check(check: Check) -> str:
    """The recommendation as a short formula: `STACK_CANARIES=y`, `any of (A=y | B=y)`."""
    if isinstance(check, AnyOf):
        return "any of (" + " | ".join(describe_check(item) for item in check.checks) + ")"
    if isinstance(check, AllOf):
        return " & ".join(describe_check(item) for item in check.checks)
    if check.value is not None:
        return f"{check.symbol}={check.value}"
    if check.minimum is not None and check.maximum is not None:
        return f"{check.minimum}<={check.symbol}<={check.maximum}"
    if check.minimum is not None:
        return f"{check.symbol}>={check.minimum}"
    return f"{check.symbol}<={check.maximum}"


def _as_number(text: str) -> int | None:
    try:
        return int(text, 16) if text.lower().startswith(("0x", "-0x")) else int(text, 10)
    except ValueError:
        return None


def _matches(check: SymbolCheck, value: str) -> bool:
    if check.value in ("y", "n"):
        as_bool = "y" if value == "m" else value  # a module is built in for this purpose
        return as_bool == check.value
    if check.value is not None and not isinstance(check.value, int):
        return value == check.value
    number = _as_number(value)
    if number is None:
        return False
    if isinstance(check.value, int):
        return number == check.value
    too_small = check.minimum is not None and number < check.minimum
    too_large = check.maximum is not None and number > check.maximum
    return not (too_small or too_large)


def _absent_equivalent(check: SymbolCheck) -> str:
    """What a missing symbol amounts to: the feature is not built, so n (or 0)."""
    return "n" if check.value in ("y", "n") else "0"


class _Evaluator:
    def __init__(self, assignments: dict[str, Assignment], database: RuleDatabase) -> None:
        self.assignments = assignments
        self.database = database

    def read(self, symbol: str) -> Reading:
        for name in (symbol, *self.database.old_names_of(symbol)):
            entry = self.assignments.get(name)
            if entry is not None:
                return Reading(symbol, name, entry.value, entry.line)
        return Reading(symbol, None, None, None)

    def outcome(
        self, check: Check, absent: Absent | None, missing_is_unset: bool = False
    ) -> _Outcome:
        if isinstance(check, SymbolCheck):
            reading = self.read(check.symbol)
            holds: bool | None
            if reading.value is not None:
                holds = _matches(check, reading.value)
            elif missing_is_unset:
                holds = _matches(check, _absent_equivalent(check))
            else:
                policy = absent or (
                    Absent.PASS if _matches(check, _absent_equivalent(check)) else Absent.SKIP
                )
                holds = {Absent.PASS: True, Absent.FAIL: False, Absent.SKIP: None}[policy]
            return _Outcome(holds, (reading,), () if holds is not False else (reading,))
        parts = [self.outcome(item, absent, missing_is_unset) for item in check.checks]
        readings = tuple(reading for part in parts for reading in part.readings)
        failing = tuple(reading for part in parts for reading in part.failing)
        results = [part.holds for part in parts]
        if isinstance(check, AnyOf):
            holds = True if True in results else (False if False in results else None)
            return _Outcome(holds, readings, () if holds else failing)
        holds = False if False in results else (None if None in results else True)
        return _Outcome(holds, readings, failing)

    def evaluate(self, rule: Rule, architecture: str | None) -> Finding:
        expected = describe_check(rule.check)
        if rule.architectures and architecture not in rule.architectures:
            found = architecture or "not detected"
            reason = f"applies to {', '.join(rule.architectures)}; architecture is {found}"
            return Finding(rule, Status.SKIP, expected, "-", reason, None, ())
        if rule.when is not None:
            # A condition on a missing symbol reads it as n: the feature is not built.
            if not self.outcome(rule.when, None, missing_is_unset=True).holds:
                reason = f"not applicable: only when {describe_check(rule.when)}"
                return Finding(rule, Status.SKIP, expected, "-", reason, None, ())
        outcome = self.outcome(rule.check, rule.absent)
        actual = ", ".join(_show(reading) for reading in outcome.readings)
        notes = self._rename_notes(outcome.readings)
        shown = outcome.failing or outcome.readings
        line = next((reading.line for reading in shown if reading.line is not None), None)
        if outcome.holds is None:
            missing = ", ".join(f"CONFIG_{r.symbol}" for r in outcome.readings if r.value is None)
            reason = f"{missing} not in this configuration (unsupported here or dependencies unmet)"
            return Finding(rule, Status.SKIP, expected, actual, reason, line, notes)
        status = Status.PASS if outcome.holds else Status.FAIL
        reason = self._reason(rule, outcome) if status is Status.FAIL else "as recommended"
        return Finding(rule, status, expected, actual, reason, line, notes)

    def _reason(self, rule: Rule, outcome: _Outcome) -> str:
        parts = []
        for reading in outcome.failing:
            name = f"CONFIG_{reading.found_as or reading.symbol}"
            parts.append(f"{name} is {reading.value}" if reading.value is not None
                         else f"{name} is not in the configuration")
        if isinstance(rule.check, AnyOf):
            return "none of the alternatives holds: " + ", ".join(parts)
        return ", ".join(parts)

    def _rename_notes(self, readings: tuple[Reading, ...]) -> tuple[str, ...]:
        notes = []
        for reading in readings:
            if reading.found_as is not None and reading.found_as != reading.symbol:
                rename = self.database.renames[reading.found_as]
                notes.append(
                    f"the configuration uses the old name CONFIG_{reading.found_as} "
                    f"(line {reading.line}); current Zephyr calls it CONFIG_{reading.symbol}: "
                    f"{rename.note}"
                )
            elif reading.found_as is not None and reading.symbol in self.database.renames:
                removed = self.database.renames[reading.symbol]
                if removed.current is None:
                    notes.append(f"CONFIG_{reading.symbol} was removed from Zephyr: {removed.note}")
        return tuple(notes)


def _show(reading: Reading) -> str:
    name = reading.found_as or reading.symbol
    return f"{name}={reading.value}" if reading.value is not None else f"{name} (absent)"


def _legacy(config: KconfigValues, database: RuleDatabase) -> tuple[LegacySymbol, ...]:
    found = []
    for symbol, entry in config.assignments.items():
        rename = database.renames.get(symbol)
        if rename is None:
            continue
        if rename.current is not None:
            note = f"renamed CONFIG_{rename.current} in current Zephyr: {rename.note}"
        else:
            note = f"removed from current Zephyr: {rename.note}"
        found.append(LegacySymbol(symbol, entry.line, note))
    return tuple(sorted(found, key=lambda legacy: legacy.line))
