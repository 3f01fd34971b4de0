"""Property tests (hypothesis) and determinism."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mock_cpu import (
    K_FOREVER,
    K_NO_WAIT,
    Args,
    MockCpu,
    MockSystem,
    Script,
    ScriptFactory,
    call,
    make_config,
    mark,
    returning_fatal_handler,
    run,
    runtime_layout,
)

from levante.abi import ERRNO, SYSCALLS
from levante.kernel import costs
from levante.kernel.kernel import Kernel, RunEnd
from levante.kernel.objects.mutex import Mutex
from levante.kernel.objects.sem import Semaphore
from levante.kernel.thread import Thread, ThreadState
from levante.kernel.timeout import Timeout, TimeoutQueue
from levante.kernel.waitq import WaitQueue

# Derandomized (the same examples every run) and without an example database.
QUICK = settings(max_examples=100, deadline=None, database=None, derandomize=True)
FAST = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=200, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# ---- data structures -------------------------------------------------------------------------


@QUICK
@given(st.lists(st.tuples(st.integers(-16, 14), st.booleans()), max_size=40))
def test_wait_queue_pops_by_priority_then_arrival(entries: list[tuple[int, bool]]) -> None:
    queue = WaitQueue()
    threads = [Thread(0x1000 + i, f"t{i}", priority, 0, None)
               for i, (priority, _) in enumerate(entries)]
    for thread in threads:
        queue.add(thread)
    removed = [t for t, (_, remove) in zip(threads, entries, strict=True) if remove]
    for thread in removed:
        queue.remove(thread)
    kept = [t for t in threads if t not in removed]
    expected = sorted(kept, key=lambda t: (t.priority, threads.index(t)))
    assert queue.threads() == expected
    assert len(queue) == len(kept)
    popped: list[Thread] = []
    while (best := queue.pop_best()) is not None:
        popped.append(best)
    assert popped == expected
    assert not queue


@QUICK
@given(st.lists(st.tuples(st.integers(0, 50), st.booleans()), max_size=40),
       st.integers(0, 60))
def test_timeouts_pop_by_deadline_then_arming_order(arms: list[tuple[int, bool]],
                                                    now: int) -> None:
    queue = TimeoutQueue()
    armed = [queue.arm(deadline, lambda: None, f"t{i}") for i, (deadline, _) in enumerate(arms)]
    for timeout, (_, cancel) in zip(armed, arms, strict=True):
        if cancel:
            queue.cancel(timeout)
    live = [t for t, (_, cancel) in zip(armed, arms, strict=True) if not cancel]
    due = sorted((t for t in live if t.deadline <= now),
                 key=lambda t: (t.deadline, armed.index(t)))
    popped: list[Timeout] = []
    while (fired := queue.pop_due(now)) is not None:
        popped.append(fired)
    assert popped == due
    later = [t for t in live if t.deadline > now]
    assert queue.next_deadline() == (min(t.deadline for t in later) if later else None)


@QUICK
@given(st.integers(0, 10**9), st.integers(0, 1000), st.sampled_from([1, 7, 10_000]))
def test_deadlines_are_tick_boundaries_never_early(now: int, ticks: int, cpt: int) -> None:
    config = make_config(clock_hz=cpt * 100, ticks_per_second=100)
    kernel = Kernel(MockCpu(), config, runtime_layout(), lambda _: None)
    kernel.now = now
    deadline = kernel.deadline_after_ticks(ticks)
    assert deadline % cpt == 0
    assert ticks * cpt <= deadline - now < (ticks + 1) * cpt


# ---- semaphores against a model --------------------------------------------------------------

SEM_OPS = st.lists(st.sampled_from(["give", "take", "count", "reset"]), max_size=40)


@FAST
@given(st.integers(1, 5).flatmap(lambda limit: st.tuples(st.integers(0, limit),
                                                          st.just(limit))), SEM_OPS)
def test_semaphore_matches_a_model(initial_limit: tuple[int, int], ops: list[str]) -> None:
    initial, limit = initial_limit
    system = MockSystem()
    sem = system.sem(initial, limit)
    results: list[int | None] = []

    def main(_: Args) -> Script:
        for op in ops:
            if op == "give":
                results.append((yield call("k_sem_give", sem)))
            elif op == "take":
                results.append((yield call("k_sem_take", sem, K_NO_WAIT)))
            elif op == "count":
                results.append((yield call("k_sem_count_get", sem)))
            else:
                results.append((yield call("k_sem_reset", sem)))

    system.main(main)
    system.run()

    count = initial
    expected: list[int | None] = []
    for op in ops:
        if op == "give":
            count = min(count + 1, limit)
            expected.append(None)
        elif op == "take":
            expected.append(0 if count else -ERRNO["EBUSY"])
            count = max(count - 1, 0)
        elif op == "count":
            expected.append(count)
        else:
            count = 0
            expected.append(None)
    assert results == expected
    semaphore = system.kernel.objects.unchecked(sem, Semaphore)
    assert semaphore.count == count
    assert 0 <= semaphore.count <= limit


THREAD_PLANS = st.lists(
    st.tuples(
        st.integers(1, 8),  # priority
        st.lists(st.tuples(st.sampled_from(["give", "take"]), st.sampled_from([0, 1, 3, -1]),
                           st.integers(0, 15_000)), min_size=1, max_size=8),
    ),
    min_size=1, max_size=5,
)


@FAST
@given(st.integers(1, 3), THREAD_PLANS)
def test_semaphore_invariants_with_blocking_threads(
    limit: int, plans: list[tuple[int, list[tuple[str, int, int]]]]
) -> None:
    """Several threads give and take with timeouts: at every traced event the count stays
    within [0, limit] and nobody waits while the semaphore could be taken."""
    system = MockSystem()
    sem = system.sem(0, limit)
    violations: list[str] = []

    def check(event: dict[str, Any]) -> None:
        semaphore = system.kernel.objects.unchecked(sem, Semaphore)
        if not 0 <= semaphore.count <= limit:
            violations.append(f"count {semaphore.count} at {event}")
        if semaphore.count and semaphore.waiters:
            violations.append(f"waiters while count {semaphore.count} at {event}")

    takes: list[int] = []
    for index, (priority, steps) in enumerate(plans):
        def worker(_: Args, steps: list[tuple[str, int, int]] = steps) -> Script:
            for op, timeout, work in steps:
                yield run(work)
                if op == "give":
                    yield call("k_sem_give", sem)
                else:
                    takes.append((yield call("k_sem_take", sem, timeout)))

        system.thread(f"w{index}", worker, priority)
    kernel = system.boot(observer=check)
    end = kernel.run(until=2_000_000)
    assert violations == []
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert set(takes) <= {0, -ERRNO["EBUSY"], -ERRNO["EAGAIN"]}
    assert not kernel.faults


# ---- scheduler invariants under random workloads --------------------------------------------

OPS = st.one_of(
    st.tuples(st.just("run"), st.integers(1, 30_000)),
    st.tuples(st.just("sleep"), st.integers(0, 4)),
    st.tuples(st.just("yield"), st.just(0)),
    st.tuples(st.just("take"), st.sampled_from([0, 1, 2, -1])),
    st.tuples(st.just("give"), st.just(0)),
    st.tuples(st.just("lock"), st.sampled_from([0, 2, -1])),
    st.tuples(st.just("unlock"), st.just(0)),
    st.tuples(st.just("prio"), st.integers(-4, 12)),
    st.tuples(st.just("suspend"), st.integers(0, 4)),
    st.tuples(st.just("resume"), st.integers(0, 4)),
)
WORKLOADS = st.lists(st.tuples(st.integers(-3, 12), st.lists(OPS, min_size=1, max_size=10)),
                     min_size=1, max_size=5)


@FUZZ
@given(WORKLOADS, st.sampled_from([0, 10, 20]), st.booleans())
def test_scheduler_invariants_under_random_workloads(
    workload: list[tuple[int, list[tuple[str, int]]]], slice_ms: int, tickless: bool
) -> None:
    """Whenever a thread is given the CPU: it is the kernel's current thread, it is
    runnable, no runnable thread is more important unless it is cooperative, and the ready
    queue holds exactly the runnable threads."""
    system = MockSystem(timeslice_ms=slice_ms, timeslice_priority=0, tickless=tickless)
    sem = system.sem(0, 2)
    mutex = system.mutex()
    system.fatal_handler(returning_fatal_handler)
    tids: list[int] = []
    problems: list[str] = []

    def worker(ops: list[tuple[str, int]]) -> ScriptFactory:
        def script(_: Args) -> Script:
            for op, value in ops:
                if op == "run":
                    yield run(value)
                elif op == "sleep":
                    yield call("k_sleep", value)
                elif op == "yield":
                    yield call("k_yield")
                elif op == "take":
                    yield call("k_sem_take", sem, value)
                elif op == "give":
                    yield call("k_sem_give", sem)
                elif op == "lock":
                    yield call("k_mutex_lock", mutex, value)
                elif op == "unlock":
                    yield call("k_mutex_unlock", mutex)
                elif op == "prio":
                    yield call("k_thread_priority_set", 0, value)
                elif op == "suspend":
                    yield call("k_thread_suspend", tids[value % len(tids)])
                else:
                    yield call("k_thread_resume", tids[value % len(tids)])

        return script

    for index, (priority, ops) in enumerate(workload):
        tids.append(system.thread(f"w{index}", worker(ops), priority))
    kernel = system.kernel

    def check(context: Any, budget: int) -> None:
        if not context.is_thread:
            return
        current = kernel.current
        if current.context is not context:
            problems.append(f"ran {context.name} while current is {current.name}")
        if not current.is_runnable():
            problems.append(f"ran {current} which is not runnable")
        for thread in kernel.threads.values():
            if thread.is_runnable() != kernel.scheduler.is_ready(thread):
                problems.append(f"ready queue out of step for {thread}")
            if (thread.is_runnable() and thread.priority < current.priority
                    and not current.is_cooperative()):
                problems.append(f"{current} runs while {thread} is ready")
        lock = kernel.objects.unchecked(mutex, Mutex)
        semaphore = kernel.objects.unchecked(sem, Semaphore)
        if (lock.owner is None) != (lock.lock_count == 0):
            problems.append(f"mutex owner {lock.owner} with count {lock.lock_count}")
        if lock.owner is None and lock.waiters:
            problems.append("waiters on a free mutex")
        if lock.owner is not None and not lock.owner.is_alive():
            pass  # Zephyr too leaves a mutex held by an aborted thread locked
        if semaphore.count and semaphore.waiters:
            problems.append("waiters on an available semaphore")
        for queue in (lock.waiters, semaphore.waiters):
            for waiter in queue.threads():
                if waiter.state is not ThreadState.PENDING or waiter.waiting_on is not queue:
                    problems.append(f"{waiter} in a wait queue it is not waiting on")

    system.cpu.on_run = check
    end = kernel.run(until=3_000_000)
    assert problems == []
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert not kernel.faults
    for thread in kernel.threads.values():
        if thread.state is ThreadState.DEAD:
            assert thread.context is None


# ---- time slicing ----------------------------------------------------------------------------


@FAST
@given(st.integers(1, 5), st.lists(st.integers(1, 80_000), min_size=2, max_size=4))
def test_slices_end_exactly_one_slice_after_the_switch(slice_ticks: int,
                                                        work: list[int]) -> None:
    system = MockSystem(timeslice_ms=10 * slice_ticks, timeslice_priority=0)
    for index, cycles in enumerate(work):
        def worker(_: Args, cycles: int = cycles) -> Script:
            yield run(cycles)

        system.thread(f"w{index}", worker, 5)
    system.run()
    last_switch: dict[str, int] = {}
    exact = 0
    for event in system.trace:
        if event["event"] == "switch":
            last_switch[event["to"]] = event["cycle"]
        elif event["event"] == "slice_end":
            # Exactly at the boundary while the thread computes; a system call in progress
            # at the boundary (here the exit path's) delays the switch to its end.
            switched_in = last_switch[event["thread"]] + costs.CONTEXT_SWITCH_CYCLES
            due = switched_in + slice_ticks * 10_000
            assert due <= event["cycle"] <= due + costs.SYSCALL_CYCLES
            exact += event["cycle"] == due
    # Work long enough to outlast a whole slice, queued first, ends that slice exactly.
    if work[0] > 10_000 * slice_ticks:
        assert exact


# ---- robustness: arbitrary system calls never crash the kernel ---------------------------------

INTERESTING = st.sampled_from([0, 1, 4, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x2000_0000,
                               0x2000_8400, 0x2000_8800, 0x2000_9000, 0x2000_8000,
                               0x4000_0000, 0x100, 0x1001, 0x2003_0000])
NUMBERS = st.one_of(st.integers(0, len(SYSCALLS) + 2), st.integers(0, 0xFFFFFFFF),
                    st.integers(1, len(SYSCALLS)))
CALLS = st.lists(st.tuples(NUMBERS, st.lists(INTERESTING, min_size=6, max_size=6)),
                 min_size=1, max_size=4)


@FUZZ
@given(st.lists(st.tuples(st.integers(-3, 14), CALLS), min_size=1, max_size=4), CALLS)
def test_arbitrary_syscalls_never_raise(
    threads: list[tuple[int, list[tuple[int, list[int]]]]],
    isr_calls: list[tuple[int, list[int]]],
) -> None:
    """Random calls with random registers from threads and from a timer's expiry function
    (interrupt context): the kernel turns every misuse into an errno or a fault record."""
    system = MockSystem()
    system.sem(1, 2)  # 0x2000_8400
    system.mutex()  # 0x2000_8800
    system.fatal_handler(returning_fatal_handler)

    def fuzzer(calls: list[tuple[int, list[int]]]) -> ScriptFactory:
        def script(_: Args) -> Script:
            for number, registers in calls:
                yield call(number, *registers)

        return script

    timer = system.timer(fuzzer(isr_calls))
    for index, (priority, calls) in enumerate(threads):
        system.thread(f"fuzz{index}", fuzzer(calls), priority)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 1, 0)

    def bystander(_: Args) -> Script:
        yield call("k_sleep", 3)
        yield mark("bystander")

    system.main(main)
    system.thread("bystander", bystander, 14)
    end = system.run(until=5_000_000)
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT, RunEnd.HALTED)
    if end is RunEnd.IDLE:
        assert system.labels() == ["bystander"]


# ---- determinism -----------------------------------------------------------------------------


def busy_system(trace: bool) -> MockSystem:
    system = MockSystem(timeslice_ms=20, timeslice_priority=0)
    sem = system.sem(0, 2)
    mutex = system.mutex()
    msgq = system.msgq(4, 2)
    system.fatal_handler(returning_fatal_handler)

    def expiry(_: Args) -> Script:
        yield run(500)
        yield call("k_sem_give", sem)

    timer = system.timer(expiry)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 3, 7)
        for _round in range(5):
            result = yield call("k_sem_take", sem, 10)
            yield mark(f"main {result}")

    def locker(index: int) -> ScriptFactory:
        def script(_: Args) -> Script:
            buffer = 0x2003_0000 + 16 * index
            for round_ in range(4):
                yield call("k_mutex_lock", mutex, K_FOREVER)
                yield run(4_000 + 1_000 * index)
                yield call("k_mutex_unlock", mutex)
                yield ("write", buffer, bytes([index, round_, 0, 0]))
                yield call("k_msgq_put", msgq, buffer, 2)
                yield run(25_000)
            yield call(0)  # and an oops at the end

        return script

    def consumer(_: Args) -> Script:
        buffer = 0x2003_1000
        while True:
            result = yield call("k_msgq_get", msgq, buffer, 20)
            data = yield ("read", buffer, 2)
            yield mark(f"got {result} {data.hex()}")
            if result:
                break

    system.main(main)
    for index in range(3):
        system.thread(f"locker{index}", locker(index), 7)
    system.thread("consumer", consumer, 6)
    system.boot(trace=trace)
    return system


def test_same_script_twice_gives_identical_traces() -> None:
    first, second = busy_system(True), busy_system(True)
    assert first.run(until=3_000_000) == second.run(until=3_000_000)
    assert len(first.trace) > 100
    assert first.trace == second.trace
    assert first.cpu.marks == second.cpu.marks
    assert first.console == second.console
    assert first.kernel.now == second.kernel.now
    kinds = {event["event"] for event in first.trace}
    assert {"switch", "syscall", "isr", "slice_end", "fault", "thread_exit"} <= kinds


def test_tracing_does_not_change_timing() -> None:
    traced, untraced = busy_system(True), busy_system(False)
    assert traced.run(until=3_000_000) == untraced.run(until=3_000_000)
    assert untraced.trace == []
    assert traced.cpu.marks == untraced.cpu.marks
    assert traced.kernel.now == untraced.kernel.now
