"""`levante policy check` and `levante policy test`: validate a policy, run its scenarios."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.errors import LevanteError


def _read(path: Path) -> str:
    from levante.policy.language import PolicyError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise PolicyError(f"{path}: cannot read: {reason}") from None


def _interface_fields(policy_file: Path) -> dict[str, frozenset[str]] | None:
    """The IPC events of the interface files next to the policy (as an application's
    `*.idl` files sit next to its policy.lvp), None when there are none."""
    from levante.idl.language import compile_idl, event_fields, merge

    sources = sorted(policy_file.parent.glob("*.idl"))
    if not sources:
        return None
    compiled = [(str(path), compile_idl(_read(path), str(path))) for path in sources]
    return event_fields(merge(compiled))


@click.group()
def policy() -> None:
    """Validate security policies and run their scenario tests (docs/policy.md)."""


@policy.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """Validate the policy FILE: one line per finding.  Rules on IPC events are checked
    against the interface files (`*.idl`) in FILE's folder, when it has any.

    Exit status: 0 when it has no error (warnings do not fail), 1 when it has one, 2
    when it cannot be read or parsed.
    """
    from levante.policy.check import check_policy

    try:
        findings = check_policy(_read(file), str(file), _interface_fields(file))
    except LevanteError as error:
        fail(error)
    for finding in findings:
        click.echo(finding.render(str(file)))
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    click.echo(f"levante: {file}: {errors} error(s), {warnings} warning(s)")
    sys.exit(EXIT_FAILED if errors else EXIT_OK)


@policy.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-p", "--policy", "policy_file", required=True,
              type=click.Path(path_type=Path, dir_okay=False),
              help="The policy the scenarios are run against.")
def test(scenarios: tuple[Path, ...], policy_file: Path) -> None:
    """Run the scenario files SCENARIOS against a policy, each scenario from the
    policy's initial state.

    Exit status: 0 when every step got the verdict it expects, 1 when one did not, 2
    when a file cannot be read or parsed, or the policy does not compile.
    """
    from levante.policy.language import compile_policy
    from levante.policy.scenario import parse_scenarios, run_scenarios

    try:
        compiled = compile_policy(_read(policy_file), str(policy_file))
        parsed = [(path, parse_scenarios(_read(path), str(path))) for path in scenarios]
        steps = 0
        failures: list[str] = []
        for path, file_scenarios in parsed:
            ran, failed = run_scenarios(compiled, file_scenarios, str(path))
            steps += ran
            failures.extend(failed)
    except LevanteError as error:
        fail(error)
    for line in failures:
        click.echo(line)
    count = sum(len(file_scenarios) for _, file_scenarios in parsed)
    click.echo(f"levante: {count} scenario(s), {steps} step(s): "
               f"{steps - len(failures)} as expected, {len(failures)} not")
    sys.exit(EXIT_FAILED if failures else EXIT_OK)
