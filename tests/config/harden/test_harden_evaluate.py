"""The evaluator: exact values, ranges, alternatives, architectures, conditions, old names."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levante.config.harden.database import RuleDatabase, default_rule_files, load_database
from levante.config.harden.dotconfig import KconfigValues, parse_config
from levante.config.harden.evaluate import Audit, Finding, Status, audit

RULES = """
rules:
  exact-on:
    title: Exact value on
    symbol: FEATURE
    value: y
    rationale: A rule used by the evaluator's tests.
    references: {sources: [seed-002]}
  ranged:
    title: A numeric range
    symbol: SIZE
    min: 100
    max: 0x400
    rationale: A rule used by the evaluator's tests.
    references: {sources: [seed-002]}
  must-exist:
    title: Missing counts as failure
    symbol: REQUIRED
    value: y
    absent: fail
    rationale: A rule used by the evaluator's tests.
    references: {sources: [seed-002]}
  alternatives:
    title: One of two
    any:
      - {symbol: FIRST, value: y}
      - all:
          - {symbol: SECOND, value: y}
          - {symbol: SECOND_LEVEL, min: 2}
    absent: fail
    rationale: A rule used by the evaluator's tests.
    references: {sources: [seed-002]}
  only-riscv:
    title: RISC-V only
    symbol: PMP_THING
    value: y
    arch: [riscv]
    rationale: A rule used by the evaluator's tests.
    references: {sources: [seed-002]}
  conditional:
    title: Only when USERSPACE is off
    symbol: DEBUG_MAP
    value: n
    when: {symbol: USERSPACE, value: n}
    rationale: A rule used by the evaluator's tests.
    references: {sources: [seed-002]}
  named-string:
    title: An exact string
    symbol: BOARD_NAME
    value: product
    rationale: A rule used by the evaluator's tests.
    references: {sources: [seed-002]}
"""


@functools.cache
def _test_database() -> RuleDatabase:
    """The shipped profiles and renames with the rules above, loaded once for all tests."""
    shipped = {path.name: path for path in default_rule_files()}
    with tempfile.TemporaryDirectory() as directory:
        rules = Path(directory) / "test_rules.yaml"
        rules.write_text(RULES)
        return load_database([shipped["profiles.yaml"], shipped["renames.yaml"], rules])


@pytest.fixture
def database() -> RuleDatabase:
    return _test_database()


def run(database: RuleDatabase, text: str) -> Audit:
    return audit(KconfigValues(Path("t.config"), parse_config(text, "t.config")), database, "base")


def finding(result: Audit, rule_id: str) -> Finding:
    return next(f for f in result.findings if f.rule.rule_id == rule_id)


def test_exact_value_passes_fails_and_skips_when_missing(database: RuleDatabase) -> None:
    assert finding(run(database, "CONFIG_FEATURE=y\n"), "exact-on").status is Status.PASS
    failed = finding(run(database, "CONFIG_ARM=y\n# CONFIG_FEATURE is not set\n"), "exact-on")
    assert failed.status is Status.FAIL
    assert failed.line == 2
    assert "CONFIG_FEATURE is n" in failed.reason
    missing = finding(run(database, "CONFIG_ARM=y\n"), "exact-on")
    assert missing.status is Status.SKIP
    assert "not in this configuration" in missing.reason


def test_a_module_counts_as_enabled(database: RuleDatabase) -> None:
    assert finding(run(database, "CONFIG_FEATURE=m\n"), "exact-on").status is Status.PASS


@pytest.mark.parametrize(
    ("value", "status"),
    [("99", Status.FAIL), ("100", Status.PASS), ("0x400", Status.PASS), ("1025", Status.FAIL),
     ("y", Status.FAIL), ("0x64", Status.PASS)],
)
def test_numeric_ranges_accept_decimal_and_hex(
    database: RuleDatabase, value: str, status: Status
) -> None:
    assert finding(run(database, f"CONFIG_SIZE={value}\n"), "ranged").status is status


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_range_verdict_matches_integer_comparison(number: int) -> None:
    result = finding(run(_test_database(), f"CONFIG_SIZE={number}\n"), "ranged")
    assert (result.status is Status.PASS) == (100 <= number <= 0x400)


def test_absent_fail_makes_a_missing_symbol_a_failure(database: RuleDatabase) -> None:
    result = finding(run(database, "CONFIG_ARM=y\n"), "must-exist")
    assert result.status is Status.FAIL
    assert "not in the configuration" in result.reason


def test_any_and_all_combine(database: RuleDatabase) -> None:
    def status(text: str) -> Status:
        return finding(run(database, text), "alternatives").status

    assert status("CONFIG_FIRST=y\n") is Status.PASS
    assert status("CONFIG_SECOND=y\nCONFIG_SECOND_LEVEL=3\n") is Status.PASS
    assert status("CONFIG_SECOND=y\nCONFIG_SECOND_LEVEL=1\n") is Status.FAIL
    assert status("# CONFIG_FIRST is not set\n# CONFIG_SECOND is not set\n") is Status.FAIL
    failed = finding(run(database, "CONFIG_ARM=y\n"), "alternatives")
    assert failed.reason.startswith("none of the alternatives holds")


def test_rules_for_another_architecture_are_skipped_not_failed(database: RuleDatabase) -> None:
    arm = finding(run(database, "CONFIG_ARM=y\n# CONFIG_PMP_THING is not set\n"), "only-riscv")
    assert arm.status is Status.SKIP
    assert "architecture is arm" in arm.reason
    riscv = finding(run(database, "CONFIG_RISCV=y\n# CONFIG_PMP_THING is not set\n"), "only-riscv")
    assert riscv.status is Status.FAIL
    unknown = finding(run(database, "CONFIG_PMP_THING=y\n"), "only-riscv")
    assert unknown.status is Status.SKIP and "not detected" in unknown.reason


def test_a_condition_limits_where_a_rule_applies(database: RuleDatabase) -> None:
    on = finding(run(database, "CONFIG_USERSPACE=y\nCONFIG_DEBUG_MAP=y\n"), "conditional")
    assert on.status is Status.SKIP and "only when USERSPACE=n" in on.reason
    # A missing USERSPACE means user mode is not built: the condition holds.
    off = finding(run(database, "CONFIG_DEBUG_MAP=y\n"), "conditional")
    assert off.status is Status.FAIL


def test_strings_compare_exactly(database: RuleDatabase) -> None:
    good = run(database, 'CONFIG_BOARD_NAME="product"\n')
    assert finding(good, "named-string").status is Status.PASS
    bad = run(database, 'CONFIG_BOARD_NAME="product-dev"\n')
    assert finding(bad, "named-string").status is Status.FAIL


def test_old_names_are_read_and_reported() -> None:
    shipped = load_database()
    text = "CONFIG_ARM=y\nCONFIG_XOROSHIRO_RANDOM_GENERATOR=y\nCONFIG_CTR_DRBG_CSPRNG_GENERATOR=y\n"
    result = audit(KconfigValues(Path("old.config"), parse_config(text, "x")), shipped, "base")
    csprng = finding(result, "csprng")
    assert csprng.status is Status.PASS
    assert any("old name CONFIG_CTR_DRBG_CSPRNG_GENERATOR" in note for note in csprng.notes)
    assert any("PSA_CSPRNG_GENERATOR" in note for note in csprng.notes)
    assert csprng.line == 3
    assert finding(result, "random-generator").status is Status.PASS
    assert [legacy.symbol for legacy in result.legacy_symbols] == [
        "XOROSHIRO_RANDOM_GENERATOR", "CTR_DRBG_CSPRNG_GENERATOR",
    ]


def test_a_removed_insecure_symbol_still_fails_and_says_it_was_removed() -> None:
    text = "CONFIG_X86=y\nCONFIG_X86_TSC_RANDOM_GENERATOR=y\n"
    result = audit(KconfigValues(Path("x"), parse_config(text, "x")), load_database(), "base")
    tsc = finding(result, "x86-tsc-random-generator")
    assert tsc.status is Status.FAIL
    assert any("removed from Zephyr" in note for note in tsc.notes)
