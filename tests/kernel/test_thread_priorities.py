"""One rule for thread priorities everywhere (KernelConfig.priority_problem): a thread
the image defines with a priority outside Zephyr's range halts the boot with the reason,
as k_thread_create and k_thread_priority_set refuse it (the build refuses it first)."""

from __future__ import annotations

import pytest
from mock_cpu import Args, MockSystem, Script, call, returning_fatal_handler, run

from levante.kernel.kernel import RunEnd


def _idle(_: Args) -> Script:
    yield run(10)


@pytest.mark.parametrize("priority", [15, 20, -17])
def test_a_static_thread_outside_the_range_halts_the_boot(priority: int) -> None:
    system = MockSystem()
    system.thread("low", _idle, priority)
    system.main(_idle)
    assert system.run() is RunEnd.HALTED
    assert (f"E: boot: thread 'low': invalid thread priority {priority} (valid: -16..14)"
            in system.output())


@pytest.mark.parametrize("priority", [14, -16])
def test_the_range_ends_are_valid(priority: int) -> None:
    system = MockSystem()
    system.thread("edge", _idle, priority)
    system.main(_idle)
    assert system.run() is RunEnd.IDLE


def test_k_thread_priority_set_keeps_the_same_rule() -> None:
    def main(_: Args) -> Script:
        yield call("k_thread_priority_set", 0, 15)

    system = MockSystem()
    system.fatal_handler(returning_fatal_handler)
    system.main(main)
    system.run()
    [fault] = system.events("fault")
    assert "invalid thread priority 15 (valid: -16..14)" in fault["description"]
