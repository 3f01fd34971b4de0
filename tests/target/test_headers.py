"""Zephyr's utility headers on both boards, checked by a ztest suite
(tests/target/headers): atomics (wraparound, bit arrays, user mode, two preempted
threads), dlist and sflist, byte order, util.h's macros and helpers, the time unit
conversions, and the log hexdumps in both of Zephyr's layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "headers"
CASES = 20


def _suite_passed(output: str) -> None:
    verdict = judge_ztest(output.splitlines())
    assert verdict.passed, output
    assert len(verdict.cases) == CASES
    assert all(case.status == "passed" for case in verdict.cases)


def _test_lines(output: str, case: str) -> list[str]:
    """The console lines test `case` printed between its START and PASS lines."""
    lines = output.splitlines()
    start = lines.index(f"START - {case}")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(" PASS - "))
    return lines[start + 1:end]


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_header_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    _suite_passed(result.output)
    # The two threads really were preempted mid-update: the plain counter lost some.
    kept = re.search(r"plain increments kept: (\d+) of 80000", result.output)
    assert kept is not None and int(kept.group(1)) < 80000


def test_hexdumps_use_zephyrs_log_layout(builder: Builder) -> None:
    result = builder.run(APP, board="lv_m4")
    lines = _test_lines(result.output, "test_log_hexdumps")
    header = re.fullmatch(r"(\[\d\d:\d\d:\d\d\.\d{3}\] <inf> dump: )twenty bytes", lines[0])
    assert header is not None, lines
    indent = " " * len(header.group(1))
    assert lines[1:3] == [
        indent + "4c 65 76 61 6e 74 65 01  02 7f 20 68 65 78 64 75 |Levante. .. hexdu",
        indent + "6d 70 21 00" + " " * 38 + "|mp!." + " " * 13,
    ]
    assert re.fullmatch(r"\[[\d:.]+\] <err> dump: three bytes", lines[3])
    assert lines[4] == indent + "4c 65 76" + " " * 41 + "|Lev" + " " * 14
    # Above the module's level: nothing; LOG_PRINTK bare; the warning once only.
    assert lines[5] == "through logging 7"
    assert len(lines) == 7 and lines[6].endswith("<wrn> dump: warned once")


def test_minimal_mode_prints_zephyrs_minimal_layout(builder: Builder) -> None:
    result = builder.run(APP, board="lv_m33", extra=("minimal_log.conf",))
    _suite_passed(result.output)
    assert _test_lines(result.output, "test_log_hexdumps") == [
        "I: twenty bytes",
        "I: 4c 65 76 61 6e 74 65 01 |Levante.",
        "I: 02 7f 20 68 65 78 64 75 |.. hexdu",
        "I: 6d 70 21 00             |mp!.    ",
        "E: three bytes",
        "E: 4c 65 76                |Lev     ",
        "through logging 7",
        "W: warned once",
    ]
