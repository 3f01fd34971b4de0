"""The audit as JSON: every finding with its verdict, values, reason and references."""

from __future__ import annotations

from typing import Any

from levante import __version__
from levante.config.harden.evaluate import Audit, Finding, Status


def audit_to_json(audit: Audit) -> dict[str, Any]:
    return {
        "tool": "levante harden",
        "version": __version__,
        "config": str(audit.config_path),
        "architecture": audit.architecture,
        "profile": audit.profile,
        "summary": {
            "failed": audit.count(Status.FAIL),
            "passed": audit.count(Status.PASS),
            "skipped": audit.count(Status.SKIP),
            "total": len(audit.findings),
        },
        "findings": [_finding(finding) for finding in audit.findings],
        "legacy_symbols": [
            {"symbol": legacy.symbol, "line": legacy.line, "note": legacy.note}
            for legacy in audit.legacy_symbols
        ],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    rule = finding.rule
    return {
        "rule": rule.rule_id,
        "title": rule.title,
        "status": finding.status.value,
        "severity": rule.severity.value,
        "expected": finding.expected,
        "actual": finding.actual,
        "line": finding.line,
        "reason": finding.reason,
        "rationale": rule.rationale,
        "notes": list(finding.notes),
        "references": {"cwe": list(rule.cwe), "sources": list(rule.sources)},
        "profiles": list(rule.profiles),
        "architectures": list(rule.architectures),
    }
