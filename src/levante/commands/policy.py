"""`levante policy check` and `levante policy test`: validate a policy, run its scenarios."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.errors import LevanteError

if TYPE_CHECKING:
    from levante.policy.language import Finding


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


def _manifest_path(policy_file: Path, domains: Path | None) -> Path | None:
    """The domains manifest: the one given, else `domains.toml` in the policy's folder
    (as an application's sits next to its policy.lvp), None when there is none."""
    if domains is not None:
        return domains
    beside = policy_file.parent / "domains.toml"
    return beside if beside.is_file() else None


def _kernel_domains(manifest: Path) -> dict[str, list[str]]:
    """Each kernel domain of the manifest with its threads (the default one too); a
    BuildError with the manifest's one-line message for any mistake in it."""
    from levante.kernel.domains import DEFAULT_DOMAIN
    from levante.sdk.domain_build import compile_domains

    compiled = compile_domains(_read(manifest), str(manifest))["domains"]
    domains = {name: list(body["threads"]) for name, body in compiled.items()}
    domains.setdefault(DEFAULT_DOMAIN, [])
    return domains


DOMAINS_OPTION = click.option(
    "--domains", "domains", type=click.Path(path_type=Path, dir_okay=False),
    help="The application's domains manifest (default: domains.toml next to the policy).")


@click.group()
def policy() -> None:
    """Validate security policies and run their scenario tests (docs/policy.md)."""


@policy.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@DOMAINS_OPTION
def check(file: Path, domains: Path | None) -> None:
    """Validate the policy FILE: one line per finding.  Rules on IPC events are checked
    against the interface files (`*.idl`) in FILE's folder, when it has any, and the
    policy's domains against the kernel domains of the manifest (`domains.toml` in
    FILE's folder, or --domains), when there is one.

    Exit status: 0 when it has no error (warnings do not fail), 1 when it has one (an
    error in the manifest counts), 2 when the policy cannot be read or parsed.
    """
    from levante.errors import BuildError
    from levante.policy.check import ManifestFinding, check_policy
    from levante.policy.language import PolicyError

    manifest = _manifest_path(file, domains)
    kernel_domains = None
    manifest_errors: list[Finding] = []
    if manifest is not None:
        try:
            kernel_domains = _kernel_domains(manifest)
        except (BuildError, PolicyError) as error:
            # Reported as a finding: the policy is still checked, without domains.
            detail = error.message.removeprefix(f"{manifest}: ")
            manifest_errors.append(ManifestFinding(0, "error", detail, str(manifest)))
    try:
        findings = manifest_errors + check_policy(
            _read(file), str(file), _interface_fields(file), kernel_domains,
            str(manifest))
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
@DOMAINS_OPTION
def test(scenarios: tuple[Path, ...], policy_file: Path, domains: Path | None) -> None:
    """Run the scenario files SCENARIOS against a policy, each scenario from the
    policy's initial state.  With a domains manifest (`domains.toml` next to the
    policy, or --domains) each step's thread is in a kernel domain: the manifest's
    placement of its name, or the one the step names (`from "x" in network`).

    Exit status: 0 when every step got the verdict it expects, 1 when one did not, 2
    when a file cannot be read or parsed, the policy does not compile or the manifest
    has a mistake.
    """
    from levante.policy.language import compile_policy
    from levante.policy.scenario import parse_scenarios, run_scenarios

    try:
        compiled = compile_policy(_read(policy_file), str(policy_file))
        manifest = _manifest_path(policy_file, domains)
        kernel_domains = None if manifest is None else _kernel_domains(manifest)
        parsed = [(path, parse_scenarios(_read(path), str(path))) for path in scenarios]
        steps = 0
        failures: list[str] = []
        for path, file_scenarios in parsed:
            ran, failed = run_scenarios(compiled, file_scenarios, str(path),
                                         kernel_domains)
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
