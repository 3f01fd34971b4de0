"""The build's compilations side by side: results in command order, the first failure
in that order reported, however the commands finish."""

from __future__ import annotations

import threading
import time

import pytest

from levante.errors import BuildError
from levante.sdk import parallel
from levante.sdk.parallel import run_in_parallel


def test_outputs_come_in_command_order_even_when_later_ones_finish_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)
    first_may_end = threading.Event()
    finished: list[str] = []

    def run(command: list[str], what: str) -> str:
        if what == "a":
            # Ends only once the last command has ended: they really ran side by side.
            assert first_may_end.wait(timeout=30)
        finished.append(what)
        if what == "c":
            first_may_end.set()
        return f"{what}:{command[0]}"

    commands = [(["x"], "a"), (["y"], "b"), (["z"], "c")]
    assert run_in_parallel(run, commands) == ["a:x", "b:y", "c:z"]
    assert finished[-1] == "a"


def test_the_first_failing_command_in_order_is_the_one_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "usable_cores", lambda: 3)

    def run(command: list[str], what: str) -> str:
        if what == "second":
            time.sleep(0.05)  # fails after the third: order, not timing, decides
            raise BuildError("compiling second failed")
        if what == "third":
            raise BuildError("compiling third failed")
        return ""

    with pytest.raises(BuildError, match="second"):
        run_in_parallel(run, [([], "first"), ([], "second"), ([], "third")])


def test_one_core_runs_the_commands_one_after_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    threads: set[int] = set()

    def run(command: list[str], what: str) -> str:
        threads.add(threading.get_ident())
        return what

    assert run_in_parallel(run, [([], "a"), ([], "b")]) == ["a", "b"]
    assert threads == {threading.get_ident()}
