"""The audit as SARIF 2.1.0, the format GitHub code scanning and other CI tools ingest.

Every rule of the profile is described in tool.driver.rules (with CWE tags and a
security-severity that GitHub uses to rank alerts); each failed check is one result
pointing at the .config file and, when the symbol is written there, at its line.
Passed and skipped checks are not results: code scanning would show them as alerts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from levante import __version__
from levante.config.harden.database import AllOf, AnyOf, Check, Rule, Severity
from levante.config.harden.evaluate import Audit, Finding, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
KCONFIG_DOCS = "https://docs.zephyrproject.org/latest/kconfig.html#CONFIG_"
_LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
# GitHub maps security-severity to critical/high/medium/low at 9.0/7.0/4.0/0.1.
_SECURITY_SEVERITY = {Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}


def audit_to_sarif(audit: Audit, base_directory: Path | None = None) -> dict[str, Any]:
    rules = [finding.rule for finding in audit.findings]
    index = {rule.rule_id: position for position, rule in enumerate(rules)}
    artifact = _artifact_uri(audit.config_path, base_directory or Path.cwd())
    results = [
        _result(finding, index[finding.rule.rule_id], artifact)
        for finding in audit.findings
        if finding.status is Status.FAIL
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "levante-harden",
                "version": __version__,
                "rules": [_rule(rule) for rule in rules],
            }},
            "invocations": [{"executionSuccessful": True}],
            "artifacts": [{"location": {"uri": artifact}}],
            "properties": {"profile": audit.profile, "architecture": audit.architecture},
            "results": results,
        }],
    }


def _first_symbol(check: Check) -> str:
    while isinstance(check, AnyOf | AllOf):
        check = check.checks[0]
    return check.symbol


def _rule(rule: Rule) -> dict[str, Any]:
    cwe_tags = [f"external/cwe/cwe-{identifier.split('-')[1]}" for identifier in rule.cwe]
    return {
        "id": rule.rule_id,
        "name": "".join(word.capitalize() for word in rule.rule_id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": f"{rule.rationale} Sources: {', '.join(rule.sources)}."},
        "helpUri": KCONFIG_DOCS + _first_symbol(rule.check),
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "tags": ["security", "kconfig", *cwe_tags],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "precision": "very-high",
            "profiles": list(rule.profiles),
            "sources": list(rule.sources),
        },
    }


def _result(finding: Finding, rule_index: int, artifact: str) -> dict[str, Any]:
    text = f"{finding.rule.title}: {finding.reason}."
    if finding.notes:
        text += " Note: " + " ".join(finding.notes)
    region = {"startLine": finding.line if finding.line is not None else 1}
    return {
        "ruleId": finding.rule.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.rule.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": artifact},
            "region": region,
        }}],
    }


def _artifact_uri(path: Path, base_directory: Path) -> str:
    """A path relative to the repository being scanned, as code scanning expects."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(base_directory.resolve()).as_posix()
    except ValueError:
        return resolved.as_uri()
