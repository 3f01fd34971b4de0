"""Judging a scenario's console output by its harness, as twister does.

- `console`: `harness_config.type` `one_line` passes when the (first) regex matches a
  line; `multi_line` when every regex matches a line, in order if `ordered` is true.
- `test`/`ztest` (a test's default): ztest's lines give each test case's result, and
  `PROJECT EXECUTION SUCCESSFUL` (or FAILED) the whole run's.
A run that ends without its verdict (a crash, a halt, the time limit) fails, with the
reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from levante.testing.scenarios import Scenario

_SUITE = re.compile(r"^Running TESTSUITE (\S+)$")
_CASE = re.compile(r"^ (PASS|FAIL|SKIP) - (\S+) in (\d+)\.(\d{3}) seconds$")
ZTEST_VERDICT_PREFIX = "PROJECT EXECUTION "  # ztest's last line starts so
_VERDICT = re.compile(rf"^{ZTEST_VERDICT_PREFIX}(SUCCESSFUL|FAILED)$")


@dataclass(frozen=True)
class CaseResult:
    """One ztest test case: suite.test, its status, its duration in seconds."""

    name: str
    status: str  # "passed", "failed" or "skipped"
    seconds: float = 0.0


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str = ""
    cases: Sequence[CaseResult] = field(default_factory=tuple)


class HarnessError(Exception):
    """A harness configuration that cannot be used (a bad regex, an unknown type)."""


def _regexes(config: Mapping[str, Any]) -> list[re.Pattern[str]]:
    patterns = config.get("regex") or []
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise HarnessError("harness_config regex: a string or a list of strings")
    try:
        return [re.compile(str(pattern)) for pattern in patterns]
    except re.error as error:
        raise HarnessError(f"harness_config regex: {error}") from None


class ConsoleMatcher:
    """The console harness's regexes matched as lines arrive, each line looked at once:
    `one_line` wants its first regex; `multi_line` every regex, one line each and in
    order when `ordered` is true."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        kind = str(config.get("type", "one_line"))
        if kind not in ("one_line", "multi_line"):
            raise HarnessError(f"harness_config type '{kind}' (use one_line or multi_line)")
        self.patterns = _regexes(config)
        if not self.patterns:
            raise HarnessError("harness: console needs harness_config.regex")
        if kind == "one_line":
            self.patterns = self.patterns[:1]
        self.ordered = kind == "multi_line" and bool(config.get("ordered", False))
        self.matched = [False] * len(self.patterns)
        self.next = 0  # ordered: the next pattern due

    def feed(self, line: str) -> None:
        if self.ordered:
            if self.next < len(self.patterns) and self.patterns[self.next].search(line):
                self.matched[self.next] = True
                self.next += 1
            return
        for index, pattern in enumerate(self.patterns):
            if not self.matched[index] and pattern.search(line):
                self.matched[index] = True

    @property
    def done(self) -> bool:
        return all(self.matched)

    def verdict(self) -> Verdict:
        if self.done:
            return Verdict(True)
        missing = self.patterns[self.matched.index(False)].pattern
        return Verdict(False, f"no line matched '{missing}'" + (" in order" if self.ordered
                                                                  else ""))


def judge_console(lines: Sequence[str], config: Mapping[str, Any]) -> Verdict:
    matcher = ConsoleMatcher(config)
    for line in lines:
        matcher.feed(line)
        if matcher.done:
            break
    return matcher.verdict()


def judge_ztest(lines: Sequence[str]) -> Verdict:
    suite = ""
    cases: list[CaseResult] = []
    verdict = None
    for line in lines:
        if match := _SUITE.match(line):
            suite = match[1]
        elif match := _CASE.match(line):
            status = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}[match[1]]
            name = f"{suite}.{match[2]}" if suite else match[2]
            cases.append(CaseResult(name, status, int(match[3]) + int(match[4]) / 1000))
        elif match := _VERDICT.match(line):
            verdict = match[1]
    if verdict is None:
        return Verdict(False, "no PROJECT EXECUTION line: the run ended before ztest did",
                       tuple(cases))
    failed = [case.name for case in cases if case.status == "failed"]
    if verdict == "FAILED":
        reason = f"failed: {', '.join(failed)}" if failed else "PROJECT EXECUTION FAILED"
        return Verdict(False, reason, tuple(cases))
    return Verdict(True, "", tuple(cases))


def judge(scenario: Scenario, console: str) -> Verdict:
    lines = console.splitlines()
    if scenario.harness == "console":
        return judge_console(lines, scenario.harness_config)
    return judge_ztest(lines)
