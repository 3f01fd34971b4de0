"""The audit as a person reads it: a table, the reasons behind failures, a summary line."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from levante.config.harden.evaluate import Audit, Finding, Status

_MARKS = {
    Status.FAIL: "[bold red]FAIL[/]",
    Status.PASS: "[green]pass[/]",
    Status.SKIP: "[dim]skip[/]",
}
_ORDER = {Status.FAIL: 0, Status.PASS: 1, Status.SKIP: 2}


def summary_line(audit: Audit) -> str:
    architecture = audit.architecture or "unknown architecture"
    return (
        f"{audit.config_path}: profile {audit.profile}, {architecture}: "
        f"{audit.count(Status.FAIL)} failed, {audit.count(Status.PASS)} passed, "
        f"{audit.count(Status.SKIP)} skipped ({len(audit.findings)} rules)"
    )


def render_text(audit: Audit, console: Console, show_skipped: bool = False) -> None:
    shown = [f for f in audit.findings if show_skipped or f.status is not Status.SKIP]
    shown.sort(key=lambda finding: (_ORDER[finding.status], finding.rule.rule_id))
    table = Table(title=f"Hardening audit ({audit.profile} profile)", title_justify="left")
    table.add_column("Result", no_wrap=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Recommended")
    table.add_column("Found")
    table.add_column("Line", justify="right")
    for finding in shown:
        # A skipped rule has no meaningful value: its row says why it was skipped instead.
        found = finding.reason if finding.status is Status.SKIP else finding.actual
        table.add_row(
            _MARKS[finding.status],
            escape(finding.rule.rule_id),
            finding.rule.severity.value,
            escape(finding.expected),
            escape(found),
            str(finding.line) if finding.line is not None else "",
        )
    console.print(table)
    failures = [finding for finding in shown if finding.status is Status.FAIL]
    if failures:
        console.print("\n[bold]Why each failure matters[/]")
        for finding in failures:
            _explain(finding, console)
    if audit.legacy_symbols:
        console.print("\n[bold]Old symbol names in this configuration[/]")
        for legacy in audit.legacy_symbols:
            console.print(f"  line {legacy.line}: CONFIG_{legacy.symbol} {escape(legacy.note)}")
    hidden = len(audit.findings) - len(shown)
    if hidden:
        console.print(f"\n{hidden} skipped rules not shown (--show-skipped lists them).")
    # One line whatever the width: scripts and tests read it (a long path must not wrap it).
    console.print("\n" + escape(summary_line(audit)), highlight=False, soft_wrap=True)


def _explain(finding: Finding, console: Console) -> None:
    rule = finding.rule
    references = ", ".join((*rule.cwe, *rule.sources))
    console.print(
        f"- [bold]{escape(rule.rule_id)}[/] ({rule.severity.value}): {escape(rule.title)}. "
        f"{escape(rule.rationale)} [dim]\\[{escape(references)}][/]"
    )
    for note in finding.notes:
        console.print(f"  note: {escape(note)}")
