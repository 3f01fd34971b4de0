"""The run loop's debugger seam (kernel/debug.py): a debugger is told of every run and
stop, holding the CPU moves no simulated time, split runs change nothing, and a debugger
can end the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_cpu import Args, MockSystem, Script, call, mark, run

from levante.arch.interface import StopEvent, StopKind
from levante.kernel.kernel import Kernel, RunEnd
from levante.kernel.thread import Thread


class RecordingDebugger:
    """Records what the loop tells it, with the time; ends the run at the first call
    `end_when` accepts."""

    def __init__(self, kernel: Kernel, max_run_cycles: int,
                 end_when: Callable[[tuple[Any, ...]], bool] = lambda call: False) -> None:
        self.kernel = kernel
        self.max_run_cycles = max_run_cycles
        self.end_when = end_when
        self.calls: list[tuple[Any, ...]] = []

    def _record(self, *call: Any) -> None:
        self.calls.append(call)
        if self.end_when(call):
            self.kernel.end_run()

    def before_run(self, thread: Thread) -> None:
        self._record("before", thread.name, self.kernel.now)

    def thread_stopped(self, thread: Thread, event: StopEvent) -> None:
        self._record("stopped", thread.name, event.kind, self.kernel.now)


def worker(_: Args) -> Script:
    yield mark("start")
    yield run(1000)
    yield call("k_sleep", 1)
    yield run(250)
    yield mark("end")


def booted(debugged: bool, max_run_cycles: int = 100,
           end_when: Callable[[tuple[Any, ...]], bool] = lambda call: False,
           ) -> tuple[MockSystem, RecordingDebugger | None]:
    system = MockSystem()
    system.thread("worker", worker, 5)
    kernel = system.boot()
    debugger = RecordingDebugger(kernel, max_run_cycles, end_when) if debugged else None
    kernel.debugger = debugger
    return system, debugger


def test_a_debugged_run_has_the_same_trace_and_times() -> None:
    plain, _ = booted(debugged=False)
    debugged, debugger = booted(debugged=True)
    assert plain.run() is RunEnd.IDLE and debugged.run() is RunEnd.IDLE
    assert debugged.trace == plain.trace
    assert debugged.cpu.marks == plain.cpu.marks
    assert debugger is not None
    # Runs of at most 100 cycles: the worker's 1000 took ten of them.
    worker_stops = [c for c in debugger.calls if c[:2] == ("stopped", "worker")]
    assert len(worker_stops) > 10


def test_every_run_is_announced_and_its_stop_reported_at_unchanged_time() -> None:
    system, debugger = booted(debugged=True)
    system.run()
    assert debugger is not None
    calls = debugger.calls
    assert len(calls) % 2 == 0
    for before, stopped in zip(calls[::2], calls[1::2], strict=True):
        assert before[0] == "before" and stopped[0] == "stopped"
        assert before[1] == stopped[1]  # the same thread
        assert stopped[3] >= before[2]
    assert any(c[2] is StopKind.SVC for c in calls if c[0] == "stopped")


def test_a_debugger_ending_the_run_before_a_run_keeps_the_thread_from_running() -> None:
    system, debugger = booted(debugged=True,
                              end_when=lambda call: call[:2] == ("before", "worker"))
    assert system.run() is RunEnd.ENDED
    assert debugger is not None and debugger.calls[-1][:2] == ("before", "worker")
    assert "start" not in system.labels()


def test_a_debugger_ending_the_run_at_a_stop_leaves_it_unhandled() -> None:
    system = MockSystem()

    def faulty(_: Args) -> Script:
        yield ("fault", "undefined instruction")

    system.thread("faulty", faulty, 5)
    kernel = system.boot()
    debugger = RecordingDebugger(kernel, 100, lambda call: call[2:3] == (StopKind.FAULT,))
    kernel.debugger = debugger
    assert system.run() is RunEnd.ENDED
    assert debugger.calls[-1][:3] == ("stopped", "faulty", StopKind.FAULT)
    assert not kernel.faults  # the kernel never handled it
