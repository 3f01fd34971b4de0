"""`levante harden` as CI meets it: exit statuses, the three formats, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from levante.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
INSECURE = FIXTURES / "zephyr_arm_insecure.config"
BASE_CLEAN = FIXTURES / "zephyr_arm_base_clean.config"
STRICT_CLEAN = FIXTURES / "zephyr_arm_strict_clean.config"


def harden(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, ["harden", *map(str, arguments)])


def as_json(*arguments: str | Path) -> dict[str, Any]:
    result = harden(*arguments, "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def statuses(document: dict[str, Any]) -> dict[str, str]:
    return {finding["rule"]: finding["status"] for finding in document["findings"]}


@pytest.mark.parametrize(
    ("config", "profile", "exit_code"),
    [
        (INSECURE, "base", 1),
        (INSECURE, "strict", 1),
        (BASE_CLEAN, "base", 0),
        (BASE_CLEAN, "strict", 1),
        (STRICT_CLEAN, "base", 0),
        (STRICT_CLEAN, "strict", 0),
    ],
)
def test_strict_exits_1_exactly_when_a_check_fails(
    config: Path, profile: str, exit_code: int
) -> None:
    assert harden(config, "--profile", profile, "--strict").exit_code == exit_code
    report = harden(config, "--profile", profile, "--format", "json")
    assert report.exit_code == 0  # without --strict, failures are reported, not an error


def test_the_insecure_config_fails_the_rules_seed_002_insists_on() -> None:
    found = statuses(as_json(INSECURE))
    for rule in ("userspace", "hw-stack-protection", "stack-canaries", "stack-pointer-random",
                 "test-random-generator", "timer-random-generator", "csprng", "boot-banner"):
        assert found[rule] == "fail", rule
    assert "shell" not in found  # a strict-only rule is not part of base


def test_base_clean_fails_only_debug_features_under_strict() -> None:
    document = as_json(BASE_CLEAN, "--profile", "strict")
    failed = {rule for rule, status in statuses(document).items() if status == "fail"}
    assert failed and failed <= {"shell", "log", "printk", "thread-name", "assert", "fault-dump"}
    assert all(f["line"] is not None for f in document["findings"] if f["status"] == "fail")


def test_every_finding_explains_itself() -> None:
    for finding in as_json(INSECURE, "--profile", "strict")["findings"]:
        assert finding["reason"] and finding["rationale"], finding["rule"]
        assert finding["references"]["sources"], finding["rule"]


def test_architecture_is_detected_and_foreign_rules_are_skipped() -> None:
    x86 = as_json(FIXTURES / "zephyr_x86.config")
    assert x86["architecture"] == "x86"
    found = statuses(x86)
    assert found["x86-pae"] == "fail"
    assert found["x86-tsc-random-generator"] == "fail"
    assert found["x86-branch-target-injection"] == "pass"  # through the old name
    assert found["x86-gdt-static"] == "skip"  # user mode needs a writable GDT
    assert found["mpu-stack-guard"] == "skip" and found["cortex-m-debug-monitor"] == "skip"

    riscv = as_json(FIXTURES / "zephyr_riscv.config", "--profile", "strict")
    assert riscv["architecture"] == "riscv"
    found = statuses(riscv)
    assert found["pmp-stack-guard"] == "fail"
    assert found["x86-mmu"] == "skip"
    assert found["csprng"] == "pass"  # CTR_DRBG_CSPRNG_GENERATOR, the old name
    assert {legacy["symbol"] for legacy in riscv["legacy_symbols"]} >= {
        "XOROSHIRO_RANDOM_GENERATOR", "CTR_DRBG_CSPRNG_GENERATOR", "CONSOLE_SHELL",
        "APPLICATION_MEMORY",
    }


def test_a_levante_build_directory_is_audited(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "levante_lv_m4.config", tmp_path / ".config")
    document = as_json(tmp_path)
    assert document["config"] == str(tmp_path / ".config")
    assert document["architecture"] == "arm"
    assert statuses(document)["stack-pointer-random"] == "fail"  # 64 is below the minimum


def test_a_zephyr_build_directory_is_the_default_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "build" / "zephyr").mkdir(parents=True)
    shutil.copy(STRICT_CLEAN, tmp_path / "build" / "zephyr" / ".config")
    monkeypatch.chdir(tmp_path)
    result = harden("--strict", "--profile", "strict")
    assert result.exit_code == 0, result.output
    assert "build/zephyr/.config" in result.stdout


def test_text_output_is_a_table_with_reasons_and_a_summary() -> None:
    result = harden(INSECURE)
    lines = result.stdout.strip().splitlines()
    assert "19 failed" in lines[-1] and "profile base" in lines[-1] and "arm" in lines[-1]
    assert "FAIL" in result.stdout and "stack-canaries" in result.stdout
    assert "Why each failure matters" in result.stdout
    assert "skipped rules not shown" in result.stdout
    assert "x86-pae" not in result.stdout
    assert "x86-pae" in harden(INSECURE, "--show-skipped").stdout


def test_text_output_mentions_old_names() -> None:
    result = harden(FIXTURES / "zephyr_riscv.config", "--profile", "strict")
    assert "CONFIG_CONSOLE_SHELL" in result.stdout
    assert "CONFIG_SHELL" in result.stdout


def test_sarif_has_the_structure_code_scanning_requires() -> None:
    result = harden(INSECURE, "--format", "sarif", "--profile", "strict")
    assert result.exit_code == 0
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] and driver["version"]
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert float(rule["properties"]["security-severity"]) > 0
    canaries = next(rule for rule in driver["rules"] if rule["id"] == "stack-canaries")
    assert "external/cwe/cwe-121" in canaries["properties"]["tags"]
    failed = {f["rule"] for f in as_json(INSECURE, "--profile", "strict")["findings"]
              if f["status"] == "fail"}
    assert {result["ruleId"] for result in run["results"]} == failed
    for sarif_result in run["results"]:
        assert rule_ids[sarif_result["ruleIndex"]] == sarif_result["ruleId"]
        assert sarif_result["level"] in ("error", "warning", "note")
        assert sarif_result["message"]["text"]
        (location,) = sarif_result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith("zephyr_arm_insecure.config")
        assert physical["region"]["startLine"] >= 1
    userspace = next(r for r in run["results"] if r["ruleId"] == "userspace")
    line = INSECURE.read_text().splitlines().index("# CONFIG_USERSPACE is not set") + 1
    assert userspace["locations"][0]["physicalLocation"]["region"]["startLine"] == line


def test_sarif_of_a_clean_config_has_no_results() -> None:
    sarif = json.loads(harden(STRICT_CLEAN, "--format", "sarif", "--profile", "strict").stdout)
    assert sarif["runs"][0]["results"] == []
    assert sarif["runs"][0]["tool"]["driver"]["rules"]


def test_extra_rule_files_add_rules() -> None:
    found = statuses(as_json(INSECURE, "--rules", FIXTURES / "extra_rules.yaml"))
    assert found["product-no-mcumgr"] == "pass"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([FIXTURES / "bad_line.config"], "bad_line.config:4: not a Kconfig line"),
        ([FIXTURES / "empty.config"], "empty file"),
        ([FIXTURES / "binary.config"], "binary file"),
        ([FIXTURES / "not_kconfig.json"], "not a Kconfig line"),
        ([FIXTURES / "no-such.config"], "no such file or directory"),
        ([FIXTURES], "no configuration in"),
        ([INSECURE, "--rules", FIXTURES / "bad_rules_unknown_key.yaml"], "unknown key"),
        ([INSECURE, "--profile", "paranoid"], "paranoid"),
        ([INSECURE, "--format", "xml"], "xml"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(arguments: list[str | Path], message: str) -> None:
    result = harden(*arguments)
    assert result.exit_code == 2
    assert result.stdout == ""
    error_lines = result.stderr.strip().splitlines()
    assert len(error_lines) == 1, result.stderr
    assert error_lines[0].startswith("levante: error: ")
    assert message in error_lines[0]
    assert "Traceback" not in result.output


def test_the_summary_is_one_line_however_long_the_path(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a_directory_with_a_long_name_" * 2] * 4)
    deep.mkdir(parents=True)
    config = deep / "zephyr.config"
    config.write_text(INSECURE.read_text())
    last = harden(config).stdout.strip().splitlines()[-1]
    assert last.startswith(str(config)) and last.endswith("(53 rules)")
