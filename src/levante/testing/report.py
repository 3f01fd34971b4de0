"""The JUnit XML report of a `levante test` run (written with junitparser): one test
suite per board, one test case per scenario, or per ztest test case of a scenario."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from levante.testing.runner import Outcome


def _cases(outcome: Outcome) -> list[TestCase]:
    classname = outcome.scenario.name
    if not outcome.cases:
        case = TestCase(outcome.scenario.name, classname, round(outcome.seconds, 3))
        if outcome.status == "failed":
            case.result = [Failure(outcome.reason)]
        elif outcome.status == "error":
            case.result = [Error(outcome.reason)]
        elif outcome.status == "skipped":
            case.result = [Skipped(outcome.reason)]
        if outcome.console:
            case.system_out = outcome.console
        return [case]
    cases = []
    for result in outcome.cases:
        case = TestCase(f"{outcome.scenario.name}.{result.name}", classname, result.seconds)
        if result.status == "failed":
            case.result = [Failure(f"{result.name} failed")]
        elif result.status == "skipped":
            case.result = [Skipped(f"{result.name} skipped")]
        cases.append(case)
    if outcome.status != "passed" and not any(r.status == "failed" for r in outcome.cases):
        # The run failed around its cases (a crash, a missing verdict): say so once.
        case = TestCase(outcome.scenario.name, classname, round(outcome.seconds, 3))
        case.result = [Failure(outcome.reason)]
        if outcome.console:
            case.system_out = outcome.console
        cases.append(case)
    return cases


def write_junit(outcomes: Sequence[Outcome], path: Path) -> None:
    report = JUnitXml("levante test")
    for board in sorted({outcome.board for outcome in outcomes}):
        suite = TestSuite(board)
        for outcome in outcomes:
            if outcome.board == board:
                for case in _cases(outcome):
                    suite.add_testcase(case)
        report.add_testsuite(suite)  # add_testcase kept the suite's counts
    report.update_statistics()  # type: ignore[no-untyped-call]  # (junitparser is untyped)
    path.parent.mkdir(parents=True, exist_ok=True)
    report.write(str(path), pretty=True)
