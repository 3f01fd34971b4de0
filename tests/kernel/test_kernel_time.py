"""Timeouts and time: deadline rounding, ties, sleeping, waking, timers."""

from __future__ import annotations

import pytest
from mock_cpu import (
    K_FOREVER,
    K_NO_WAIT,
    Args,
    MockSystem,
    Script,
    ScriptFactory,
    call,
    mark,
    run,
)

from levante.abi import ERRNO
from levante.kernel import costs
from levante.kernel.kernel import RunEnd
from levante.kernel.thread import ThreadState

SWITCH = costs.CONTEXT_SWITCH_CYCLES
SYSCALL = costs.SYSCALL_CYCLES
ISR = costs.INTERRUPT_ENTRY_CYCLES
TICK = 10_000  # make_config(): 1 MHz, 100 ticks per second


def ceil_to_tick(cycle: int) -> int:
    return -(-cycle // TICK) * TICK


@pytest.mark.parametrize("tickless", [True, False])
@pytest.mark.parametrize("ticks", [1, 2, 5])
@pytest.mark.parametrize("offset", [3_333, 9_999, 10_000, 10_001])
def test_sleep_wakes_at_the_nth_boundary_after_the_partial_tick(
    ticks: int, offset: int, tickless: bool
) -> None:
    """`offset` is when the call is served, counted from the thread's first instruction;
    offset 10 000 puts it exactly on a boundary (no partial tick to complete)."""
    system = MockSystem(tickless=tickless)
    start = 700  # main's exit (500) plus the switch to the sleeper
    call_time = start + offset

    def sleeper(_: Args) -> Script:
        yield mark("start")
        yield run(call_time - start - SYSCALL)
        result = yield call("k_sleep", ticks)
        yield mark(f"woke {result}")

    system.thread("sleeper", sleeper, 5)
    system.run()
    assert system.mark_cycle("start") == start
    deadline = ceil_to_tick(call_time) + ticks * TICK
    assert system.mark_cycle("woke 0") == deadline + SWITCH
    assert system.kernel.deadline_after_ticks(0) == ceil_to_tick(system.kernel.now)


def test_timeouts_with_equal_deadlines_fire_in_arming_order() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def taker(ticks: int) -> ScriptFactory:
        def script(_: Args) -> Script:
            result = yield call("k_sem_take", sem, ticks)
            yield mark(f"result {result}")

        return script

    # "first" pends at ~850 for 3 ticks, "second" (more important, armed later) pends at
    # 10 350 for 2 ticks: both deadlines are 40 000.
    system.thread("first", taker(3), 5)
    system.thread("second", taker(2), 3, delay_ms=10)
    system.run()
    timeouts = system.events("timeout")
    assert [(e["thread"], e["cycle"]) for e in timeouts] == [("first", 40_000),
                                                            ("second", 40_000)]
    # The more important thread still runs first once both are ready.
    eagain = -ERRNO["EAGAIN"]
    assert [(m.context, m.label) for m in system.cpu.marks] == [
        ("second", f"result {eagain}"), ("first", f"result {eagain}")]


def test_sleep_ties_wake_in_arming_order_among_equals() -> None:
    system = MockSystem()
    for name, work in (("a", 100), ("b", 2_000), ("c", 50)):
        def sleeper(_: Args, name: str = name, work: int = work) -> Script:
            yield run(work)
            yield call("k_sleep", 2)
            yield mark(name)

        system.thread(name, sleeper, 5)
    system.run()
    assert system.labels() == ["a", "b", "c"]
    assert system.mark_cycle("a") == 30_000 + SWITCH


def test_k_wakeup_returns_the_remaining_time() -> None:
    system = MockSystem()

    def sleeper(_: Args) -> Script:
        left = yield call("k_sleep", 100)  # 1 s
        yield mark(f"left {left}")
        left = yield call("k_usleep", 50_000)
        yield mark(f"left {left}")

    tid = system.thread("sleeper", sleeper, 5)

    def waker(_: Args) -> Script:
        yield call("k_wakeup", tid)
        yield call("k_sleep", 2)
        yield call("k_wakeup", tid)

    system.thread("waker", waker, 6, delay_ms=300)
    system.run()
    # Woken at tick 30 of 101: 71 ticks (710 ms) left; then at tick 33 of 36: 30 000 us.
    assert system.labels() == ["left 710", "left 30000"]


def test_sleep_forever_suspends_until_resumed() -> None:
    system = MockSystem()

    def sleeper(_: Args) -> Script:
        result = yield call("k_sleep", K_FOREVER)
        yield mark(f"woke {result}")

    tid = system.thread("sleeper", sleeper, 5)

    def resumer(_: Args) -> Script:
        yield call("k_thread_resume", tid)

    system.thread("resumer", resumer, 6, delay_ms=50)
    system.run()
    assert system.labels() == ["woke -1"]


def test_delayed_thread_start() -> None:
    system = MockSystem()

    def delayed(_: Args) -> Script:
        yield mark("delayed")

    system.thread("delayed", delayed, 5, delay_ms=25)  # 3 ticks
    system.run()
    assert system.mark_cycle("delayed") == 30_000 + SWITCH


def test_uptime_and_cycle_counter() -> None:
    system = MockSystem()
    seen: list[int] = []

    def main(_: Args) -> Script:
        yield run(123_456)
        seen.append((yield call("k_uptime_ticks")))
        seen.append((yield call("k_cycle_get_32")))

    system.main(main)
    system.run()
    # A call reads the clock at the cycle it trapped; its own cost is charged after.
    assert seen == [(200 + 123_456) // TICK, 200 + 123_456 + SYSCALL]


# ---- timers --------------------------------------------------------------------------------
# k_timer_start's first expiry is `duration` ticks after the start of the current tick
# (Zephyr's timer does not round up past the partial tick as k_sleep does).


def test_one_shot_timer_runs_its_expiry_function_once() -> None:
    system = MockSystem()
    calls: list[Args] = []

    def expiry(args: Args) -> Script:
        calls.append(args)
        yield mark("expired")

    timer = system.timer(expiry)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 3, K_NO_WAIT)
        status = yield call("k_timer_status_sync", timer)
        yield mark(f"status {status}")
        status = yield call("k_timer_status_get", timer)
        yield mark(f"again {status}")

    system.main(main)
    assert system.run() is RunEnd.IDLE
    assert calls == [(timer,)]
    assert system.mark_cycle("expired") == 30_000 + ISR  # started at 350, during tick 0
    assert system.labels() == ["expired", "status 1", "again 0"]


def test_periodic_timer_rearms_without_drift() -> None:
    system = MockSystem()

    def expiry(_: Args) -> Script:
        yield mark("tick")
        yield run(3_000)  # the expiry function takes time: the period must not grow

    timer = system.timer(expiry)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 2, 3)

    def busy(_: Args) -> Script:  # a thread doing system calls all the time
        while True:
            yield run(777)
            yield call("k_yield")

    system.main(main)
    system.thread("busy", busy, 5)
    system.run(until=400_000)
    ticks = [m.cycle for m in system.cpu.marks if m.label == "tick"]
    first = 20_000  # started at 350, during tick 0
    assert len(ticks) == 13
    for index, cycle in enumerate(ticks):
        due = first + index * 3 * TICK
        assert due + ISR <= cycle <= due + ISR + SYSCALL + SWITCH


def test_periodic_timer_on_idle_system_is_exact() -> None:
    system = MockSystem()

    def expiry(_: Args) -> Script:
        yield mark("tick")
        yield run(9_000)

    timer = system.timer(expiry)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 1, 1)

    system.main(main)
    assert system.run(until=100_000) is RunEnd.TIME_LIMIT
    ticks = [m.cycle for m in system.cpu.marks if m.label == "tick"]
    assert ticks == [cycle + ISR for cycle in range(10_000, 100_000, 10_000)]


def test_timer_stop_returns_the_stop_function_and_wakes_a_syncing_thread() -> None:
    system = MockSystem()

    def stop(_: Args) -> Script:
        yield from ()

    timer = system.timer(None, stop)
    stop_address = system.cpu.read_u32(timer + 4)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 100, K_NO_WAIT)
        remaining = yield call("k_timer_remaining_ticks", timer)
        yield mark(f"remaining {remaining}")
        status = yield call("k_timer_status_sync", timer)
        yield mark(f"sync {status}")

    def stopper(_: Args) -> Script:
        returned = yield call("z_timer_stop", timer)
        yield mark(f"stop {returned == stop_address}")
        returned = yield call("z_timer_stop", timer)
        yield mark(f"stop again {returned}")

    system.main(main)
    system.thread("stopper", stopper, 5, delay_ms=50)
    assert system.run() is RunEnd.IDLE
    # main (priority 0) preempts the stopper as soon as the stop wakes it
    assert system.labels() == ["remaining 100", "sync 0", "stop True", "stop again 0"]


def test_timer_expiry_gives_a_semaphore_from_interrupt_context() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def expiry(_: Args) -> Script:
        in_isr = yield call("k_is_in_isr")
        yield mark(f"isr {in_isr}")
        result = yield call("k_sem_take", sem, K_FOREVER)  # an ISR cannot block
        yield mark(f"isr take {result}")
        yield call("k_sem_give", sem)

    timer = system.timer(expiry)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 2, K_NO_WAIT)
        in_isr = yield call("k_is_in_isr")
        yield mark(f"main isr {in_isr}")
        result = yield call("k_sem_take", sem, K_FOREVER)
        yield mark(f"main took {result}")

    system.main(main)
    system.run()
    assert system.labels() == ["main isr 0", "isr 1", f"isr take {-ERRNO['EAGAIN']}",
                               "main took 0"]
    assert system.mark_cycle("main took 0") == 20_000 + ISR + 3 * SYSCALL + SWITCH


def test_timer_restart_and_user_data() -> None:
    system = MockSystem()
    timer = system.timer()

    def main(_: Args) -> Script:
        yield call("k_timer_user_data_set", timer, 0xCAFE)
        data = yield call("k_timer_user_data_get", timer)
        yield mark(f"data {data:#x}")
        yield call("k_timer_start", timer, 5, K_NO_WAIT)
        yield call("k_timer_start", timer, 1, K_NO_WAIT)  # restart: one expiry
        yield call("k_sleep", 10)
        status = yield call("k_timer_status_get", timer)
        yield mark(f"status {status}")
        yield call("k_timer_start", timer, K_FOREVER, K_NO_WAIT)  # K_FOREVER: no start
        remaining = yield call("k_timer_remaining_ticks", timer)
        yield mark(f"remaining {remaining}")

    system.main(main)
    assert system.run() is RunEnd.IDLE
    assert system.labels() == ["data 0xcafe", "status 1", "remaining 0"]


def test_sleeping_thread_state_and_timeout_cancellation() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def taker(_: Args) -> Script:
        result = yield call("k_sem_take", sem, 5)
        yield mark(f"take {result}")
        yield call("k_sleep", 20)

    def giver(_: Args) -> Script:
        yield call("k_sem_give", sem)

    system.thread("taker", taker, 5)
    system.thread("giver", giver, 6, delay_ms=20)
    system.run(until=35_000)
    assert system.labels() == ["take 0"]
    assert system.thread_named("taker").state is ThreadState.SLEEPING
    assert system.events("timeout") == []  # the cancelled 5-tick timeout never fired
    assert system.run() is RunEnd.IDLE
    assert system.events("timeout") == []


def test_expiry_function_can_stop_its_own_periodic_timer() -> None:
    system = MockSystem()
    count = {"expiries": 0}
    timer_address: list[int] = []

    def expiry(_: Args) -> Script:
        count["expiries"] += 1
        if count["expiries"] == 3:
            yield call("z_timer_stop", timer_address[0])

    timer_address.append(system.timer(expiry))

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer_address[0], 1, 1)

    system.main(main)
    assert system.run() is RunEnd.IDLE  # no timeout left once the timer stopped
    assert count["expiries"] == 3
    assert system.kernel.now < 40_000


def test_thread_aborted_before_its_delayed_start_never_runs() -> None:
    system = MockSystem()

    def late(_: Args) -> Script:
        yield mark("late ran")

    tid = system.thread("late", late, 5, delay_ms=50)

    def main(_: Args) -> Script:
        yield call("k_thread_abort", tid)

    system.main(main)
    assert system.run() is RunEnd.IDLE
    assert system.labels() == []
    assert system.kernel.now < 10_000
