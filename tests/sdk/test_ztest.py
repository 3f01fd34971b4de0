"""ztest on Levante: suites and tests run as Zephyr's runner runs them, with its console
lines, for every outcome (pass, fail, skip, expected failure, failed expectation, a suite
its predicate filters out), the suite functions in their order, rules, fixtures,
irq_offload, user-mode tests and an announced fault."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Builder, levante

APP = Path(__file__).parent / "ztest_app"


def _results(output: str) -> dict[str, str]:
    """test name -> PASS/FAIL/SKIP, from the ' PASS - name in s.mmm seconds' lines."""
    return dict((name, result) for result, name in
                re.findall(r"^ (PASS|FAIL|SKIP) - (\w+) in \d+\.\d{3} seconds$", output, re.M))


def test_every_outcome_is_reported_as_zephyr_reports_it(builder: Builder) -> None:
    result = builder.run(APP)
    assert result.status == 0, result.errors
    assert _results(result.output) == {
        "test_offload_runs_in_interrupt_context": "PASS",
        "test_expected_to_fail": "PASS",  # ZTEST_EXPECT_FAIL turns its failure into a pass
        "test_fails_with_a_message": "FAIL",
        "test_passes": "PASS",
        "test_skips": "SKIP",
        "test_first": "PASS",
        "test_second": "PASS",
        "test_third_sees_the_rule": "PASS",
        "test_an_expected_fault_passes": "PASS",
        "test_runs_in_user_mode": "PASS",
    }
    lines = result.output.splitlines()
    # Suites in name order, tests in name order within them; filtered_out never starts.
    assert [line for line in lines if line.startswith("Running TESTSUITE")] == [
        "Running TESTSUITE isr", "Running TESTSUITE outcomes", "Running TESTSUITE stages",
        "Running TESTSUITE user"]
    assert "TESTSUITE outcomes failed." in lines and "TESTSUITE stages succeeded" in lines
    assert "never printed" not in result.output
    assert lines[-2:] == ["=" * 67, "PROJECT EXECUTION FAILED"]


def test_a_failed_assertion_reports_where_what_and_the_message(builder: Builder) -> None:
    lines = builder.run(APP).output.splitlines()
    index = lines.index("START - test_fails_with_a_message")
    assert lines[index + 1] == ""
    assert re.fullmatch(r"    Assertion failed at .*/outcomes\.c:20: "
                        r"outcomes_test_fails_with_a_message: \(got not equal to 42\)",
                        lines[index + 2])
    assert lines[index + 3] == "got 41"


def test_suite_functions_run_in_zephyrs_order_around_each_test(builder: Builder) -> None:
    # setup once, then before/test/after for each test in name order, then teardown.
    assert "stages log Sb1ab2aba" in builder.run(APP).output.splitlines()


def test_the_summary_counts_each_suite(builder: Builder) -> None:
    output = builder.run(APP).output
    summary = output[output.index("------ TESTSUITE SUMMARY START ------"):]
    assert ("SUITE FAIL -  66.67% [outcomes]: pass = 2, fail = 1, skip = 1, total = 4 "
            "duration = 0.004 seconds") in summary
    assert " - SKIP - [outcomes.test_skips] duration = 0.001 seconds" in summary
    assert "SUITE SKIP -   0.00% [filtered_out]: pass = 0, fail = 0, skip = 1, total = 1" \
        in summary
    # ZTEST_VERIFY_RUN_ALL: a suite its predicate kept from running is an error.
    assert "ERROR: Test suite 'filtered_out' did not run." in output


def test_an_announced_fault_in_a_user_test_passes_it(builder: Builder) -> None:
    output = builder.run(APP).output
    assert "Caught system error -- reason 0 1" in output
    assert "Fatal error expected as part of test case." in output


def _ztest_app(tmp_path: Path, prj: str, source: str) -> Path:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text(prj)
    (app / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20.0)\n"
        "find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})\n"
        "project(app)\ntarget_sources(app PRIVATE src/main.c)\n")
    (app / "src" / "main.c").write_text(source)
    return app


PASSING = """#include <zephyr/ztest.h>
ZTEST(only, test_ok) { zassert_ok(0); }
ZTEST_SUITE(only, NULL, NULL, NULL, NULL, NULL);
"""


def test_a_passing_run_ends_successful(tmp_path: Path) -> None:
    app = _ztest_app(tmp_path, "CONFIG_ZTEST=y\n", PASSING)
    assert levante("build", str(app), "-d", str(tmp_path / "b")).returncode == 0
    run = levante("run", str(tmp_path / "b"), "--max-time", "5s")
    assert run.returncode == 0
    assert run.stdout.splitlines()[-1] == "PROJECT EXECUTION SUCCESSFUL"
    assert "SUITE PASS - 100.00% [only]: pass = 1, fail = 0, skip = 0, total = 1" in run.stdout


def test_ztest_without_config_ztest_says_what_to_set(tmp_path: Path) -> None:
    app = _ztest_app(tmp_path, "", PASSING)
    result = levante("build", str(app), "-d", str(tmp_path / "b"))
    assert result.returncode == 2
    assert "needs CONFIG_ZTEST=y in prj.conf" in result.stderr.splitlines()[-1]
