"""Scheduling rules: priorities, FIFO among equals, preemption, yielding, time slices, idle."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mock_cpu import K_FOREVER, Args, MockSystem, Script, call, mark, run

from levante.kernel import costs
from levante.kernel.kernel import RunEnd
from levante.kernel.sched import ZephyrScheduler
from levante.kernel.thread import Thread, ThreadState

SWITCH = costs.CONTEXT_SWITCH_CYCLES
SYSCALL = costs.SYSCALL_CYCLES


def marker(label: str, cycles: int = 100) -> Callable[[Args], Script]:
    def script(_: Args) -> Script:
        yield run(cycles)
        yield mark(label)

    return script


def test_threads_run_in_priority_order() -> None:
    system = MockSystem()
    for name, priority in (("seven", 7), ("three", 3), ("five", 5), ("minus", -2)):
        system.thread(name, marker(name), priority)
    assert system.run() is RunEnd.IDLE
    assert system.labels() == ["minus", "three", "five", "seven"]


def test_fifo_among_equal_priorities() -> None:
    system = MockSystem()
    for name in ("a", "b", "c", "d"):
        system.thread(name, marker(name), 4)
    system.run()
    assert system.labels() == ["a", "b", "c", "d"]


def test_main_runs_before_static_threads_of_its_priority() -> None:
    system = MockSystem()
    system.thread("t", marker("t"), 0)
    system.main(marker("main"))
    system.run()
    assert system.labels() == ["main", "t"]


@pytest.mark.parametrize(("waiter_priority", "expected"), [
    (5, ["giver: gave", "giver: done", "waiter: woke"]),  # an equal does not preempt
    (6, ["giver: gave", "giver: done", "waiter: woke"]),  # a less important one neither
    (4, ["waiter: woke", "giver: gave", "giver: done"]),  # a more important one does
])
def test_woken_thread_preempts_only_if_more_important(waiter_priority: int,
                                                      expected: list[str]) -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def waiter(_: Args) -> Script:
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("waiter: woke")

    def giver(_: Args) -> Script:
        yield call("k_sem_give", sem)
        yield mark("giver: gave")
        yield run(5000)
        yield mark("giver: done")

    system.thread("waiter", waiter, waiter_priority)
    system.thread("giver", giver, 5, delay_ms=10)  # starts once the waiter pends
    system.run()
    assert system.labels() == expected


def test_preempted_thread_resumes_before_equals_woken_meanwhile() -> None:
    system = MockSystem()
    sem_b = system.sem(0, 1)

    def b(_: Args) -> Script:
        yield call("k_sem_take", sem_b, K_FOREVER)
        yield mark("b")

    def a(_: Args) -> Script:
        yield run(15_000)  # the high thread preempts at tick 1, during this run
        yield mark("a")

    def high(_: Args) -> Script:
        yield call("k_sem_give", sem_b)  # b becomes ready behind a
        yield mark("high")

    system.thread("b", b, 5)
    system.thread("a", a, 5)
    system.thread("high", high, 1, delay_ms=10)
    system.run()
    assert system.labels() == ["high", "a", "b"]


@pytest.mark.parametrize(("priority", "expected"), [
    (-1, ["worker: done", "sleeper: woke"]),  # cooperative: not preempted
    (2, ["sleeper: woke", "worker: done"]),  # preemptible: preempted at the wake-up
])
def test_cooperative_threads_are_not_preempted(priority: int, expected: list[str]) -> None:
    system = MockSystem()

    def sleeper(_: Args) -> Script:
        yield call("k_sleep", 1)
        yield mark("sleeper: woke")

    def worker(_: Args) -> Script:
        yield run(50_000)
        yield mark("worker: done")

    system.thread("sleeper", sleeper, -5)
    system.thread("worker", worker, priority)
    system.run()
    assert system.labels() == expected


def test_cooperative_thread_keeps_cpu_when_it_wakes_a_more_important_one() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def waiter(_: Args) -> Script:
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("waiter")

    def coop(_: Args) -> Script:
        yield call("k_sem_give", sem)
        yield mark("coop: gave")
        yield call("k_yield")
        yield mark("coop: after yield")

    system.thread("waiter", waiter, -10)
    system.thread("coop", coop, -1)
    system.run()
    assert system.labels() == ["coop: gave", "waiter", "coop: after yield"]


def test_yield_moves_to_the_back_among_equals() -> None:
    system = MockSystem()

    def yielder(name: str) -> Callable[[Args], Script]:
        def script(_: Args) -> Script:
            yield mark(f"{name}1")
            yield call("k_yield")
            yield mark(f"{name}2")

        return script

    system.thread("a", yielder("a"), 5)
    system.thread("b", yielder("b"), 5)
    system.thread("c", marker("c"), 5)
    system.thread("low", marker("low"), 6)
    system.run()
    assert system.labels() == ["a1", "b1", "c", "a2", "b2", "low"]


@pytest.mark.parametrize("syscall", ["k_yield", "k_sleep0"])
def test_yield_does_not_let_less_important_threads_run(syscall: str) -> None:
    system = MockSystem()

    def a(_: Args) -> Script:
        yield mark("a1")
        if syscall == "k_yield":
            yield call("k_yield")
        else:
            yield call("k_sleep", 0)
        yield mark("a2")

    system.thread("a", a, 3)
    system.thread("low", marker("low"), 4)
    system.run()
    assert system.labels() == ["a1", "a2", "low"]


def test_cooperative_yield_lets_equal_cooperative_threads_run() -> None:
    system = MockSystem()

    def a(_: Args) -> Script:
        yield mark("a1")
        yield call("k_yield")
        yield mark("a2")

    system.thread("a", a, -3)
    system.thread("b", marker("b"), -3)
    system.run()
    assert system.labels() == ["a1", "b", "a2"]


def slicing_system(slice_ms: int, priority: int, tickless: bool = True) -> MockSystem:
    system = MockSystem(timeslice_ms=slice_ms, timeslice_priority=0, tickless=tickless)
    for name in ("a", "b"):
        def worker(_: Args, name: str = name) -> Script:
            yield mark(f"{name} start")
            yield run(50_000)
            yield mark(f"{name} end")

        system.thread(name, worker, priority)
    return system


@pytest.mark.parametrize("tickless", [True, False])
def test_time_slicing_rotates_equal_threads_at_the_slice_boundary(tickless: bool) -> None:
    system = slicing_system(20, 5, tickless=tickless)  # 20 ms = 2 ticks = 20 000 cycles
    system.run()
    slice_cycles = 2 * system.kernel.cycles_per_tick
    switches = [e for e in system.events("switch") if e["to"] in ("a", "b")]
    assert [e["to"] for e in switches] == ["a", "b", "a", "b", "a", "b"]
    slice_ends = system.events("slice_end")
    assert [e["thread"] for e in slice_ends] == ["a", "b", "a", "b"]
    # Every full slice ends exactly one slice after the thread was switched in.
    for switch, end in zip(switches, slice_ends, strict=False):
        assert end["cycle"] == switch["cycle"] + SWITCH + slice_cycles
    # 50 000 cycles of work: two full slices and a 10 000-cycle remainder each.
    a_start, a_end = system.mark_cycle("a start"), system.mark_cycle("a end")
    assert a_end - a_start == 50_000 + 2 * slice_cycles + 4 * SWITCH


def test_slicing_does_not_apply_above_the_ceiling_or_to_cooperative_threads() -> None:
    for priority, ceiling in ((2, 3), (-2, -5)):
        system = MockSystem(timeslice_ms=20, timeslice_priority=ceiling)
        for name in ("a", "b"):
            def worker(_: Args, name: str = name) -> Script:
                yield mark(f"{name} start")
                yield run(50_000)
                yield mark(f"{name} end")

            system.thread(name, worker, priority)
        system.run()
        assert system.labels() == ["a start", "a end", "b start", "b end"]
        assert system.events("slice_end") == []


def test_slice_of_a_lone_thread_does_not_switch() -> None:
    system = slicing_system(10, 5)
    system.thread("lower", marker("lower"), 6)
    system.run()
    assert system.labels()[:4] == ["a start", "b start", "a end", "b end"]
    assert system.labels()[-1] == "lower"


def test_time_slice_set_at_run_time() -> None:
    system = MockSystem()

    def main(_: Args) -> Script:
        yield call("k_sched_time_slice_set", 10, 0)

    system.main(main)
    for name in ("a", "b"):
        def worker(_: Args, name: str = name) -> Script:
            yield run(25_000)
            yield mark(name)

        system.thread(name, worker, 7)
    system.run()
    # 10 ms slices: a 10k, b 10k, a 10k, b 10k, a 5k (done), b 5k (done)
    assert [e["thread"] for e in system.events("slice_end")] == ["a", "b", "a", "b"]
    assert system.labels() == ["a", "b"]


def test_idle_when_nothing_is_runnable() -> None:
    system = MockSystem()

    def sleeper(_: Args) -> Script:
        yield mark("before")
        yield call("k_sleep", 5)
        yield mark("after")

    system.thread("sleeper", sleeper, 5)
    kernel = system.kernel
    assert system.run(until=30_000) is RunEnd.TIME_LIMIT
    assert kernel.current is kernel.idle
    assert kernel.now == 30_000
    assert system.thread_named("sleeper").state is ThreadState.SLEEPING
    assert system.run() is RunEnd.IDLE
    # main exits (500), the sleeper is switched in (700) and sleeps at 850: it wakes five
    # tick boundaries after the end of the current tick.
    assert system.mark_cycle("before") == 700
    assert system.mark_cycle("after") == 60_000 + SWITCH
    assert [e["to"] for e in system.events("switch")][-3:] == ["idle", "sleeper", "idle"]


def test_run_ends_idle_when_no_timeouts_remain() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def blocked(_: Args) -> Script:
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("never")

    system.thread("blocked", blocked, 5)
    assert system.run() is RunEnd.IDLE
    now = system.kernel.now
    assert system.run() is RunEnd.IDLE
    assert system.kernel.now == now  # idling for good does not advance time
    assert system.labels() == []
    assert system.thread_named("blocked").state is ThreadState.PENDING


@pytest.mark.parametrize("tickless", [True, False])
def test_run_ends_at_the_time_limit_exactly(tickless: bool) -> None:
    system = MockSystem(tickless=tickless)

    def spinner(_: Args) -> Script:
        while True:
            yield run(7_777)

    system.thread("spinner", spinner, 5)
    assert system.run(until=123_457) is RunEnd.TIME_LIMIT
    assert system.kernel.now == 123_457
    assert system.run(until=200_000) is RunEnd.TIME_LIMIT
    assert system.kernel.now == 200_000


def test_time_limit_while_idle_with_a_later_deadline() -> None:
    system = MockSystem()

    def sleeper(_: Args) -> Script:
        yield call("k_sleep", 100)

    system.thread("sleeper", sleeper, 5)
    assert system.run(until=55_555) is RunEnd.TIME_LIMIT
    assert system.kernel.now == 55_555


def test_priority_set_below_a_ready_thread_preempts_at_once() -> None:
    system = MockSystem()

    def a(_: Args) -> Script:
        yield mark("a1")
        yield call("k_thread_priority_set", 0, 6)
        yield mark("a2")
        prio = yield call("k_thread_priority_get", 0)
        yield mark(f"a prio {prio}")

    system.thread("a", a, 4)
    system.thread("b", marker("b"), 5)
    system.run()
    assert system.labels() == ["a1", "b", "a2", "a prio 6"]


def test_busy_wait_burns_time_without_running_the_thread() -> None:
    system = MockSystem()

    def main(_: Args) -> Script:
        yield mark("before")
        yield call("k_busy_wait", 2_000)  # 2 ms at 1 MHz
        yield mark("after")

    system.main(main)
    system.run()
    assert system.mark_cycle("after") - system.mark_cycle("before") == SYSCALL + 2_000


def _ready(scheduler: ZephyrScheduler, name: str, priority: int, deadline: int = 0) -> Thread:
    thread = Thread(0, name, priority, 0, None)
    thread.state = ThreadState.READY
    thread.deadline = deadline
    scheduler.thread_ready(thread)
    return thread


def test_deadlines_order_equal_priorities_only_when_enabled() -> None:
    for by_deadline, expected in ((True, "late"), (False, "early")):
        scheduler = ZephyrScheduler(by_deadline=by_deadline)
        idle = Thread(0, "idle", 15, 0, None)
        _ready(scheduler, "early", 3, deadline=500)  # queued first, later deadline...
        _ready(scheduler, "late", 3, deadline=100)
        _ready(scheduler, "less", 4, deadline=0)  # a deadline never beats priority
        assert scheduler.choose(idle, idle, yielded=False).name == expected


def test_metairq_preempts_a_cooperative_thread_which_then_resumes_first() -> None:
    scheduler = ZephyrScheduler(metairq_below=-15)  # -16 is the meta-IRQ priority
    idle = Thread(0, "idle", 15, 0, None)
    coop = _ready(scheduler, "coop", -5)
    assert scheduler.choose(idle, idle, yielded=False) is coop
    metairq = _ready(scheduler, "metairq", -16)
    assert scheduler.choose(coop, idle, yielded=False) is metairq
    better = _ready(scheduler, "better", -10)  # readied while the meta-IRQ thread runs
    metairq.state = ThreadState.PENDING
    scheduler.thread_not_ready(metairq)
    assert scheduler.choose(metairq, idle, yielded=False) is coop
    # Without meta-IRQ priorities a cooperative thread keeps the CPU.
    plain = ZephyrScheduler()
    coop2 = _ready(plain, "coop", -5)
    _ready(plain, "urgent", -16)
    assert plain.choose(coop2, idle, yielded=False) is coop2
    assert better.is_runnable()
