"""Running one scenario on one board: applicability, configuration and its filter, the
build, the run on simulated time, the harness's verdict.

The run ends as soon as the harness has its verdict (ztest's PROJECT EXECUTION line, or
every console regex matched), when the system halts or is idle for good, or at the
scenario's `timeout` (twister's, 60 s by default) of simulated time.  The TRNG gives a
seeded stream, so the same scenario runs the same way every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from levante.config import Board
from levante.errors import LevanteError
from levante.sdk.defines import Definitions, parse_definitions
from levante.testing.filters import HARNESSES, FilterError, applicability, evaluate_filter
from levante.testing.harness import (
    ZTEST_VERDICT_PREFIX,
    CaseResult,
    ConsoleMatcher,
    HarnessError,
    judge,
)
from levante.testing.scenarios import Scenario

DEFAULT_TIMEOUT_SECONDS = 60
MAX_TIMEOUT_SECONDS = 10**9  # larger (or not a number): the default
SCENARIO_FRAGMENT = "levante_scenario.conf"  # extra_configs, merged after prj.conf


@dataclass(frozen=True)
class Outcome:
    """What became of one scenario on one board."""

    scenario: Scenario
    board: str
    status: str  # "passed", "failed", "skipped" or "error" (it could not be built)
    reason: str = ""
    cases: Sequence[CaseResult] = field(default_factory=tuple)
    seconds: float = 0.0  # wall time: build and run
    console: str = ""


def _definitions(scenario: Scenario, build_dir: Path) -> tuple[list[Path], Definitions]:
    """The scenario's Kconfig fragments and its extra_args as build definitions."""
    fragments = []
    configs = scenario.list("extra_configs")
    fragment = build_dir / SCENARIO_FRAGMENT
    fragment.unlink(missing_ok=True)
    if configs:
        build_dir.mkdir(parents=True, exist_ok=True)
        fragment.write_text("".join(f"{line}\n" for line in configs))
        fragments.append(fragment)
    fragments += [scenario.app_dir / name for name in scenario.list("extra_conf_files")]
    return fragments, parse_definitions(scenario.list("extra_args"), scenario.app_dir)


class _Console:
    """Collects the console and looks at each complete line once; ends the run when
    `done` says a line made the verdict known."""

    def __init__(self, done: Callable[[str], bool]) -> None:
        self.data = bytearray()
        self.done = done
        self.end: Callable[[], None] | None = None
        self._looked_at = 0  # bytes of data whose lines were given to `done`

    def __call__(self, chunk: bytes) -> None:
        self.data += chunk
        if self.end is None or b"\n" not in chunk:
            return
        last = self.data.rfind(b"\n") + 1
        lines = self.data[self._looked_at:last].decode(errors="replace").splitlines()
        self._looked_at = last
        if any(self.done(line) for line in lines):
            self.end()
            self.end = None

    @property
    def text(self) -> str:
        return self.data.decode(errors="replace")


def _verdict_known(scenario: Scenario) -> Callable[[str], bool]:
    """Whether a line, after the ones before it, settles the verdict."""
    if scenario.harness == "console":
        try:
            matcher = ConsoleMatcher(scenario.harness_config)
        except HarnessError:
            return lambda line: True  # reported when the run is judged

        def matched(line: str) -> bool:
            matcher.feed(line)
            return matcher.done
        return matched
    return lambda line: line.startswith(ZTEST_VERDICT_PREFIX)


def run_scenario(scenario: Scenario, board: Board, out_dir: Path, seed: bytes) -> Outcome:
    from levante.board.system import power_up
    from levante.crypto.entropy import SeededEntropy
    from levante.kernel.kernel import RunEnd
    from levante.sdk.build import build, build_app_devicetree, configure_build
    from levante.testing.dt_filters import dt_functions

    started = time.monotonic()

    def outcome(status: str, reason: str = "", cases: Sequence[CaseResult] = (),
                console: str = "") -> Outcome:
        return Outcome(scenario, board.name, status, reason, tuple(cases),
                       time.monotonic() - started, console)

    skipped = applicability(scenario, board)
    if skipped is not None:
        return outcome("skipped", skipped)
    build_dir = out_dir / board.name / scenario.name
    try:
        fragments, definitions = _definitions(scenario, build_dir)
        expression = scenario.text("filter")
        if expression:
            config = configure_build(scenario.app_dir, build_dir, board, fragments, definitions)
            tree = build_app_devicetree(scenario.app_dir, build_dir, board, definitions.cmake)
            if not evaluate_filter(expression, config.values, board, dt_functions(tree.edt)):
                return outcome("skipped", f"filtered out: {expression}")
        build(scenario.app_dir, build_dir, board, fragments, definitions)
    except FilterError as error:
        return outcome("error", str(error))
    except LevanteError as error:
        return outcome("error", f"build: {error.message}")
    if scenario.flag("build_only"):
        return outcome("passed", "built (build_only)")
    if scenario.harness not in HARNESSES:
        return outcome("passed", f"built (harness '{scenario.harness}' is not run, "
                                 "as twister builds such scenarios only)")
    console = _Console(_verdict_known(scenario))
    try:
        system = power_up(build_dir, console, entropy=SeededEntropy(seed))
    except LevanteError as error:
        return outcome("error", f"boot: {error.message}")
    # The kernel of the boot that runs then (a sys_reboot starts a new one).
    console.end = lambda: system.kernel.end_run()
    timeout = scenario.fields.get("timeout", DEFAULT_TIMEOUT_SECONDS)
    seconds = timeout if isinstance(timeout, (int, float)) and 0 < timeout < MAX_TIMEOUT_SECONDS \
        else DEFAULT_TIMEOUT_SECONDS
    end = system.run(int(seconds * system.kernel.config.clock_hz))
    try:
        verdict = judge(scenario, console.text)
    except HarnessError as error:
        return outcome("error", str(error), console=console.text)
    reason = verdict.reason
    if not verdict.passed and end is RunEnd.TIME_LIMIT:
        reason = f"{reason} (timeout: {seconds} s of simulated time)"
    elif not verdict.passed and end is RunEnd.HALTED:
        reason = f"{reason} (the system halted)"
    return outcome("passed" if verdict.passed else "failed", reason, cases=verdict.cases,
                   console=console.text)
