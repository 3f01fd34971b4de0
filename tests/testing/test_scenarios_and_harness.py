"""The parts of `levante test` that need no build: reading testcase.yaml and
sample.yaml as twister does, deciding what applies to a board, twister's filter
expressions, and judging console output by each harness."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config import load_board
from levante.config.devicetree import FlashPartition, build_devicetree
from levante.errors import UsageError
from levante.testing.dt_filters import dt_functions
from levante.testing.filters import FilterError, applicability, evaluate_filter
from levante.testing.harness import HarnessError, judge_console, judge_ztest
from levante.testing.scenarios import Scenario, find_scenario_files, load_scenarios

M4 = load_board("lv_m4")


def _yaml(tmp_path: Path, text: str, name: str = "testcase.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_common_values_merge_into_each_scenario(tmp_path: Path) -> None:
    path = _yaml(tmp_path, """
common:
  tags: kernel
  harness: console
  extra_configs:
    - CONFIG_A=y
tests:
  one:
    tags: [extra]
    extra_configs: [CONFIG_B=y]
  two:
    harness: ztest
""")
    one, two = load_scenarios(path)
    assert (one.name, two.name) == ("one", "two")
    assert one.list("tags") == ["kernel", "extra"]
    assert one.list("extra_configs") == ["CONFIG_A=y", "CONFIG_B=y"]
    assert one.harness == "console" and two.harness == "ztest"
    assert two.list("extra_configs") == ["CONFIG_A=y"]
    assert one.app_dir == tmp_path


def test_a_test_defaults_to_ztests_harness(tmp_path: Path) -> None:
    [scenario] = load_scenarios(_yaml(tmp_path, "tests:\n  kernel.x: {}\n"))
    assert scenario.harness == "test"


@pytest.mark.parametrize(("text", "problem"), [
    ("tests: [1, 2]\n", "no 'tests:' mapping"),
    ("tests:\n  a: 1\n", "scenario 'a' is not a mapping"),
    ("tests:\n  a: {\n", "not valid YAML"),
])
def test_a_bad_file_is_one_line_naming_it(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_scenarios(_yaml(tmp_path, text))
    assert problem in caught.value.message and "testcase.yaml" in caught.value.message


def test_files_are_found_under_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "c").mkdir(parents=True)
    first = _yaml(tmp_path / "a", "tests: {}\n", "sample.yaml")
    second = _yaml(tmp_path / "b" / "c", "tests: {}\n")
    assert find_scenario_files([tmp_path]) == [first, second]
    with pytest.raises(UsageError):
        find_scenario_files([tmp_path / "missing"])


def _scenario(**fields: object) -> Scenario:
    return Scenario("s", Path("."), Path("testcase.yaml"), fields)


@pytest.mark.parametrize(("fields", "reason"), [
    ({}, None),
    ({"platform_allow": ["qemu_x86"]}, "platform_allow does not name lv_m4"),
    ({"platform_allow": ["lv_m4"]}, None),
    ({"platform_exclude": ["lv_m4"]}, "platform_exclude names lv_m4"),
    ({"arch_allow": ["x86", "riscv"]}, "arch_allow does not name arm"),
    ({"arch_exclude": ["arm"]}, "arch_exclude names arm"),
    ({"arch_exclude": ["posix"]}, None),
    ({"depends_on": ["gpio", "serial"]}, None),
    ({"depends_on": ["gpio", "i2c"]}, "needs i2c, which lv_m4 does not have"),
    ({"harness": "keyboard"}, None),  # built, not run (runner.py), as twister does
    ({"min_ram": 1024}, "min_ram 1024 KiB is more than lv_m4 has (256 KiB)"),
    ({"min_ram": 16}, None),
])
def test_what_applies_to_a_board(fields: dict[str, object], reason: str | None) -> None:
    assert applicability(_scenario(**fields), M4) == reason


CONFIG = {"USERSPACE": True, "NUM_PREEMPT_PRIORITIES": 15, "BOARD": "lv_m4"}


@pytest.mark.parametrize(("expression", "expected"), [
    ("CONFIG_USERSPACE", True),
    ("not CONFIG_USERSPACE", False),
    ("CONFIG_SMP", False),
    ("CONFIG_USERSPACE and not CONFIG_SMP", True),
    ("CONFIG_NUM_PREEMPT_PRIORITIES > 10", True),
    ('CONFIG_BOARD == "lv_m4"', True),
    ('ARCH == "arm" or ARCH == "x86"', True),
    ('PLATFORM in ["lv_m33"]', False),
])
def test_twister_filters(expression: str, expected: bool) -> None:
    assert evaluate_filter(expression, CONFIG, M4) is expected


SLOTS = [FlashPartition("slot0_partition", 0x10000, 0x10000)]


@pytest.mark.parametrize(("expression", "expected"), [
    ('dt_compat_enabled("levante,gpio")', True),
    ('dt_compat_enabled("zephyr,gpio")', False),
    ('not dt_chosen_enabled("zephyr,console")', False),
    ('CONFIG_USERSPACE and dt_enabled_alias_with_parent_compat("sw0", "gpio-keys")', True),
])
def test_devicetree_filters_read_the_boards_tree(tmp_path: Path, expression: str,
                                                 expected: bool) -> None:
    tree = build_devicetree(tmp_path, M4, tmp_path / "out", SLOTS, 4096, 4)
    assert evaluate_filter(expression, CONFIG, M4, dt_functions(tree.edt)) is expected


def test_an_unknown_devicetree_function_is_an_error(tmp_path: Path) -> None:
    tree = build_devicetree(tmp_path, M4, tmp_path / "out", SLOTS, 4096, 4)
    with pytest.raises(FilterError, match="no devicetree function dt_nope"):
        evaluate_filter('dt_nope("x")', CONFIG, M4, dt_functions(tree.edt))


@pytest.mark.parametrize("expression", ["CONFIG_A and (", "__import__('os')", "1 + 2"])
def test_a_filter_that_cannot_be_read_is_an_error(expression: str) -> None:
    with pytest.raises(FilterError):
        evaluate_filter(expression, CONFIG, M4)


LINES = ["boot", "thread_b: hello", "thread_a: hello", "done"]


@pytest.mark.parametrize(("config", "passed"), [
    ({"type": "one_line", "regex": ["thread_a: (.*)"]}, True),
    ({"type": "one_line", "regex": ["missing"]}, False),
    ({"type": "multi_line", "regex": ["thread_a", "thread_b"]}, True),
    ({"type": "multi_line", "ordered": True, "regex": ["thread_a", "thread_b"]}, False),
    ({"type": "multi_line", "ordered": True, "regex": ["thread_b", "thread_a", "done"]}, True),
])
def test_the_console_harness(config: dict[str, object], passed: bool) -> None:
    assert judge_console(LINES, config).passed is passed


def test_a_console_harness_without_regexes_is_an_error() -> None:
    with pytest.raises(HarnessError):
        judge_console(LINES, {"type": "one_line"})


ZTEST_OUTPUT = """Running TESTSUITE a
===================================================================
START - test_x
 PASS - test_x in 0.002 seconds
===================================================================
START - test_y
 FAIL - test_y in 0.010 seconds
===================================================================
TESTSUITE a failed.
===================================================================
PROJECT EXECUTION FAILED
""".splitlines()


def test_the_ztest_harness_reads_every_case_and_the_verdict() -> None:
    verdict = judge_ztest(ZTEST_OUTPUT)
    assert not verdict.passed and verdict.reason == "failed: a.test_y"
    assert [(case.name, case.status, case.seconds) for case in verdict.cases] == [
        ("a.test_x", "passed", 0.002), ("a.test_y", "failed", 0.010)]
    passed = [line.replace("FAIL -", "PASS -").replace("EXECUTION FAILED",
                                                       "EXECUTION SUCCESSFUL")
              for line in ZTEST_OUTPUT]
    assert judge_ztest(passed).passed


def test_a_ztest_run_that_never_ends_fails_with_the_reason() -> None:
    verdict = judge_ztest(ZTEST_OUTPUT[:4])
    assert not verdict.passed and "no PROJECT EXECUTION line" in verdict.reason
    assert len(verdict.cases) == 1


@pytest.mark.parametrize("expression", ['CONFIG_NUM_PREEMPT_PRIORITIES > "abc"', "ARCH in 5",
                                        "not " * 5000 + "True"])
def test_a_filter_of_the_wrong_types_or_too_deep_is_an_error(expression: str) -> None:
    with pytest.raises(FilterError):
        evaluate_filter(expression, CONFIG, M4)


@pytest.mark.parametrize("regex", [5, [1, 2], {"a": 1}])
def test_console_regexes_must_be_strings(regex: object) -> None:
    with pytest.raises(HarnessError):
        judge_console(LINES, {"type": "one_line", "regex": regex})


@pytest.mark.parametrize("name", ["../../escaped", "/abs", "a/b", ".hidden"])
def test_a_scenario_name_is_never_a_path(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_scenarios(_yaml(tmp_path, f"tests:\n  '{name}': {{}}\n"))
    assert "is not a plain name" in caught.value.message


def test_a_quoted_false_is_false(tmp_path: Path) -> None:
    [scenario] = load_scenarios(_yaml(tmp_path, "tests:\n  a:\n    build_only: 'false'\n"))
    assert scenario.flag("build_only") is False
