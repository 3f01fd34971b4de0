"""`levante test` end to end: scenarios of a testcase.yaml built and run, each judged by
its harness, the skips with their reasons, a JUnit report, and the exit status."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from conftest import levante

ZTEST_APP = Path(__file__).parents[1] / "sdk" / "ztest_app"

MAIN = """#include <zephyr/kernel.h>
int main(void)
{
	printk("hello from %s\\n", CONFIG_BOARD);
	printk("value %d\\n", VALUE);
	printk("events %s\\n", IS_ENABLED(CONFIG_EVENTS) ? "on" : "off");
	return 0;
}
"""

CMAKE = """cmake_minimum_required(VERSION 3.20.0)
find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})
project(app)
if(NOT DEFINED VALUE)
  set(VALUE 1)
endif()
target_compile_definitions(app PRIVATE VALUE=${VALUE})
target_sources(app PRIVATE src/main.c)
"""

SCENARIOS = """common:
  harness: console
  harness_config:
    type: one_line
    regex: ["hello from (.*)"]
tests:
  t.one_line: {}
  t.extra_args:
    extra_args: VALUE=7
    harness_config: {type: one_line, regex: ["value 7"]}
  t.extra_configs:
    extra_configs: [CONFIG_EVENTS=y]
    harness_config: {type: multi_line, ordered: true, regex: ["hello", "events on"]}
  t.filtered:
    filter: CONFIG_EVENTS
  t.other_board:
    platform_allow: qemu_x86
  t.fails:
    harness_config: {type: one_line, regex: ["never printed"]}
  t.build_only:
    build_only: true
  t.broken:
    extra_configs: [CONFIG_NOT_A_SYMBOL=y]
"""


def _app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text("")
    (app / "CMakeLists.txt").write_text(CMAKE)
    (app / "src" / "main.c").write_text(MAIN)
    (app / "sample.yaml").write_text(SCENARIOS)
    return app


def _statuses(stdout: str) -> dict[str, str]:
    rows = [line.split() for line in stdout.splitlines() if "/" in line.split()[0]]
    return {row[2]: row[3] for row in rows}


def test_every_scenario_is_judged_and_reported(tmp_path: Path) -> None:
    app = _app(tmp_path)
    out = tmp_path / "out"
    result = levante("test", str(app), str(ZTEST_APP), "-O", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    assert _statuses(result.stdout) == {
        "t.one_line": "PASSED", "t.extra_args": "PASSED", "t.extra_configs": "PASSED",
        "t.filtered": "SKIPPED", "t.other_board": "SKIPPED", "t.fails": "FAILED",
        "t.build_only": "PASSED", "t.broken": "ERROR",
        "levante.ztest.outcomes": "FAILED",
    }
    lines = result.stdout.splitlines()
    assert any("t.filtered" in line and "filtered out: CONFIG_EVENTS" in line for line in lines)
    assert any("t.other_board" in line and "platform_allow does not name lv_m4" in line
               for line in lines)
    assert any("t.broken" in line and "unknown Kconfig symbol CONFIG_NOT_A_SYMBOL" in line
               for line in lines)
    assert lines[-1].startswith("9 scenarios on 1 board(s): 4 passed, 2 failed, 1 errors, "
                                "2 skipped")

    report = ElementTree.parse(out / "levante-test.xml").getroot()
    [suite] = report.findall("testsuite")
    assert suite.get("name") == "lv_m4"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert cases["t.fails"].find("failure") is not None
    assert cases["t.filtered"].find("skipped") is not None
    assert cases["t.broken"].find("error") is not None
    # A ztest scenario reports each of its test cases.
    name = "levante.ztest.outcomes.outcomes.test_fails_with_a_message"
    assert cases[name].find("failure") is not None
    assert cases["levante.ztest.outcomes.outcomes.test_passes"].find("failure") is None


def test_one_scenario_on_another_board(tmp_path: Path) -> None:
    app = _app(tmp_path)
    result = levante("test", str(app), "-T", "t.one_line", "-p", "lv_m33",
                     "-O", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _statuses(result.stdout) == {"t.one_line": "PASSED"}
    assert " lv_m33 " in result.stdout.splitlines()[0]


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    app = _app(tmp_path)
    for arguments, message in (
        ([str(app), "-T", "t.nope"], "no scenario named t.nope"),
        ([str(tmp_path / "missing")], "no such file or folder"),
        ([str(app), "-p", "qemu_x86"], "qemu_x86"),
    ):
        result = levante("test", *arguments, "-O", str(tmp_path / "out"))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert message in result.stderr.strip().splitlines()[-1]


def test_a_scenario_declared_twice_is_a_usage_error(tmp_path: Path) -> None:
    first, second = _app(tmp_path / "one"), _app(tmp_path / "two")
    result = levante("test", str(first), str(second), "-T", "t.one_line",
                     "-O", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "scenario t.one_line is declared twice" in result.stderr.strip().splitlines()[-1]


def test_parallel_jobs_keep_the_order_and_the_verdicts(tmp_path: Path) -> None:
    app = _app(tmp_path)
    result = levante("test", str(app), "-j", "2", "-T", "t.fails", "-T", "t.one_line",
                     "-T", "t.filtered", "-T", "t.extra_args", "-O", str(tmp_path / "out"))
    assert result.returncode == 1, result.stdout + result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if "/" in line.split()[0]]
    # The order of the file, whatever finished first.
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("1/4", "t.one_line", "PASSED"), ("2/4", "t.extra_args", "PASSED"),
        ("3/4", "t.filtered", "SKIPPED"), ("4/4", "t.fails", "FAILED")]
