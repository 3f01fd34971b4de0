"""irq_offload under the mock CPU: the routine runs in interrupt context at the instant
of the call and the caller goes on after it; from an ISR it is refused (an oops)."""

from __future__ import annotations

from mock_cpu import Args, MockSystem, Script, call, mark, returning_fatal_handler, run

from levante.kernel.kernel import RunEnd


def test_the_routine_runs_as_an_isr_then_the_caller_goes_on() -> None:
    order: list[str] = []
    results: list[object] = []

    def routine(_: Args) -> Script:
        order.append("isr")
        results.append((yield call("k_is_in_isr")))
        yield run(5)

    def main(_: Args) -> Script:
        order.append("before")
        yield call("z_levante_irq_offload", routine_address[0], 7)
        order.append("after")

    system = MockSystem(irq_offload=True)
    routine_address = [system.function(routine, "routine")]
    system.main(main)
    assert system.run() is RunEnd.IDLE
    assert order == ["before", "isr", "after"]
    assert results == [1]
    assert [event["function"] for event in system.events("isr")] == ["irq_offload"]


def test_an_isr_may_not_offload() -> None:
    nested: list[int] = []

    def inner(_: Args) -> Script:
        nested.append(1)
        yield run(1)

    def routine(_: Args) -> Script:
        yield call("z_levante_irq_offload", inner_address[0], 0)
        yield mark("not reached")

    def main(_: Args) -> Script:
        yield call("z_levante_irq_offload", routine_address[0], 0)

    system = MockSystem(irq_offload=True)
    system.fatal_handler(returning_fatal_handler)
    inner_address = [system.function(inner, "inner")]
    routine_address = [system.function(routine, "routine")]
    system.main(main)
    system.run()
    assert nested == []
    assert "irq_offload called from an ISR" in system.output()
