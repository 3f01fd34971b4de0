"""`levante harden`: audit a Kconfig .config (Levante's or a real Zephyr build's) for CI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.errors import LevanteError

PROFILES = ("base", "strict")
FORMATS = ("text", "json", "sarif")
_TEXT_WIDTH_WITHOUT_TERMINAL = 140  # rich would wrap a piped table at 80 columns


@click.command()
@click.argument("target", required=False, type=click.Path(path_type=Path), default=Path("build"))
@click.option("--profile", type=click.Choice(PROFILES), default="base", show_default=True,
              help="base: protections every product needs; strict: also no debug features.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="A table for people, JSON, or SARIF 2.1.0 for CI.")
@click.option("--strict", "exit_on_failure", is_flag=True,
              help="Exit with status 1 when any check fails.")
@click.option("--rules", "extra_rule_files", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False),
              help="An extra YAML rule file to add (repeatable).")
@click.option("--show-skipped", is_flag=True, help="List skipped rules in the text table.")
def harden(
    target: Path, profile: str, output_format: str, exit_on_failure: bool,
    extra_rule_files: tuple[Path, ...], show_skipped: bool,
) -> None:
    """Audit TARGET (a .config, or a build directory; default build/) against hardening rules.

    Reads BUILD_DIR/zephyr/.config for a Zephyr build or BUILD_DIR/.config for Levante.
    Exit status: 0 when done (or, with --strict, when every check passed), 1 with
    --strict when a check failed, 2 for unreadable or non-Kconfig input.
    """
    from levante.config.harden import audit_path
    from levante.config.harden.database import default_rule_files, load_database

    try:
        database = load_database([*default_rule_files(), *extra_rule_files])
        result = audit_path(target, profile, database)
    except LevanteError as error:
        fail(error)
    if output_format == "json":
        from levante.config.harden.report_json import audit_to_json

        click.echo(json.dumps(audit_to_json(result), indent=2))
    elif output_format == "sarif":
        from levante.config.harden.report_sarif import audit_to_sarif

        click.echo(json.dumps(audit_to_sarif(result), indent=2))
    else:
        from levante.config.harden.report_text import render_text

        stream = sys.stdout  # looked up now: click's test runner swaps it
        width = None if stream.isatty() else _TEXT_WIDTH_WITHOUT_TERMINAL
        render_text(result, Console(file=stream, width=width), show_skipped)
    sys.exit(EXIT_FAILED if exit_on_failure and result.failed else EXIT_OK)
