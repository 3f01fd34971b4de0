"""`levante test`: build and run test scenarios as twister does.

Exit status: 0 when every scenario passed or was skipped, 1 when any failed or could not
be built, 2 for a usage error (no scenario found, a bad testcase.yaml, an unknown board).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path

import click

from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.errors import LevanteError, UsageError

DEFAULT_BOARDS = ("lv_m4",)  # twister's default platforms: the first board
DEFAULT_SEED = "0"
_MARK = {"passed": "PASSED", "failed": "FAILED", "skipped": "SKIPPED", "error": "ERROR"}


@click.command()
@click.argument("apps", nargs=-1, type=click.Path(path_type=Path))
@click.option("-T", "--scenario", "scenario_names", multiple=True, metavar="SCENARIO",
              help="Run only this scenario (its name in testcase.yaml or sample.yaml); "
                   "may be given more than once.")
@click.option("-p", "--platform", "boards", multiple=True, metavar="BOARD",
              help="Board to run on (lv_m4, lv_m33); may be given more than once "
                   f"[default: {', '.join(DEFAULT_BOARDS)}].")
@click.option("-O", "--outdir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("levante-test-out"), show_default=True,
              help="Where builds and the report go.")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The JUnit XML report [default: OUTDIR/levante-test.xml].")
@click.option("--entropy-seed", default=DEFAULT_SEED, show_default=True,
              help="The seeded TRNG stream every run uses (decimal or 0x-hex).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Scenarios built and run at once, each in a process of its own; "
                   "the report keeps their order.")
def test(apps: tuple[Path, ...], scenario_names: tuple[str, ...], boards: tuple[str, ...],
         outdir: Path, junit_path: Path | None, entropy_seed: str, jobs: int) -> None:
    """Build and run the test scenarios of APPS (applications, or folders searched for
    testcase.yaml and sample.yaml; default: the current folder) and judge each by its
    harness: ztest's verdict, or the console regexes."""
    from levante.config import load_board
    from levante.crypto.entropy import parse_seed
    from levante.testing.report import write_junit
    from levante.testing.runner import Outcome, run_scenario
    from levante.testing.scenarios import find_scenario_files, load_scenarios

    try:
        try:
            seed = parse_seed(entropy_seed)
        except ValueError:
            raise UsageError(f"bad entropy seed '{entropy_seed}': use a decimal number or "
                             "0x-prefixed hex") from None
        targets = [load_board(name) for name in (boards or DEFAULT_BOARDS)]
        files = find_scenario_files(apps or (Path.cwd(),))
        scenarios = [scenario for file in files for scenario in load_scenarios(file)]
        if scenario_names:
            unknown = sorted(set(scenario_names) - {scenario.name for scenario in scenarios})
            if unknown:
                raise UsageError(f"no scenario named {', '.join(unknown)}")
            scenarios = [s for s in scenarios if s.name in scenario_names]
        if not scenarios:
            raise UsageError("no test scenarios found (no testcase.yaml or sample.yaml)")
        seen: dict[str, Path] = {}
        for scenario in scenarios:
            if scenario.name in seen:
                first = seen[scenario.name]
                raise UsageError(f"scenario {scenario.name} is declared twice ({first} and "
                                 f"{scenario.source})")
            seen[scenario.name] = scenario.source
    except LevanteError as error:
        fail(error)
        return

    work = [(scenario, board) for board in targets for scenario in scenarios]
    total = len(work)
    outcomes: list[Outcome] = []
    width = len(str(total))
    with ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else nullcontext() as executor:
        if executor is None:
            results = (run_scenario(scenario, board, outdir, seed) for scenario, board in work)
        else:
            futures = [executor.submit(run_scenario, scenario, board, outdir, seed)
                       for scenario, board in work]
            results = (future.result() for future in futures)  # in their order, always
        for outcome in results:
            outcomes.append(outcome)
            cases = f" ({len(outcome.cases)} test cases)" if outcome.cases else ""
            reason = f": {outcome.reason}" if outcome.reason else ""
            click.echo(f"{len(outcomes):>{width}}/{total} {outcome.board:<7} "
                       f"{outcome.scenario.name:<40} {_MARK[outcome.status]:<7} "
                       f"{outcome.seconds:5.1f}s{cases}{reason}")
            sys.stdout.flush()

    report = junit_path or outdir / "levante-test.xml"
    write_junit(outcomes, report)
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in _MARK}
    click.echo(f"{total} scenarios on {len(targets)} board(s): {counts['passed']} passed, "
               f"{counts['failed']} failed, {counts['error']} errors, "
               f"{counts['skipped']} skipped; report in {report}")
    sys.exit(EXIT_FAILED if counts["failed"] or counts["error"] else EXIT_OK)
