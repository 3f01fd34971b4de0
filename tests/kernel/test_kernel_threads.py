"""Thread lifetime: create, start, join, abort, suspend, resume, names."""

from __future__ import annotations

from mock_cpu import (
    K_FOREVER,
    K_NO_WAIT,
    Args,
    MockSystem,
    Script,
    ScriptFactory,
    call,
    empty_script,
    mark,
    returning_fatal_handler,
    run,
)

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.kernel.fatal import K_ERR_KERNEL_OOPS, K_ERR_KERNEL_PANIC
from levante.kernel.kernel import RunEnd
from levante.kernel.thread import ThreadState

EAGAIN = -ERRNO["EAGAIN"]
EBUSY = -ERRNO["EBUSY"]
EDEADLK = -ERRNO["EDEADLK"]


def test_thread_create_passes_parameters_priority_and_delay() -> None:
    system = MockSystem()
    seen: list[object] = []

    def child(args: Args) -> Script:
        prio = yield call("k_thread_priority_get", 0)
        me = yield call("k_current_get")
        seen.append((args, prio, me))
        yield mark("child")

    entry = system.function(child)
    thread = system.ram(64)
    stack = system.ram(1024)

    def main(_: Args) -> Script:
        tid = yield call("k_thread_create", thread, stack, 1024, entry, 11, 22, 33, 4, 0, 2)
        yield mark(f"created {tid == thread}")

    system.main(main)
    system.run()
    assert seen == [((11, 22, 33), 4, thread)]
    assert system.labels() == ["created True", "child"]
    # Created at 350: the delay rounds up as timeouts do, to 2 ticks after tick 0 ends.
    assert system.mark_cycle("child") == 30_000 + 200 + 2 * 150


def test_thread_create_checks_its_arguments() -> None:
    system = MockSystem()
    system.fatal_handler(returning_fatal_handler)
    entry = system.function(empty_script, "child")
    stack = system.ram(1024)
    bad_calls = [
        (system.ram(64), stack, 1024, entry, 0, 0, 0, 15, 0, 0),  # priority too low
        (system.ram(64), stack, 1024, entry, 0, 0, 0, -17, 0, 0),  # priority too high
        (0, stack, 1024, entry, 0, 0, 0, 5, 0, 0),  # NULL thread
        (system.ram(64), stack, 1024, 0, 0, 0, 0, 5, 0, 0),  # NULL entry
    ]
    for index, arguments in enumerate(bad_calls):
        def creator(_: Args, arguments: tuple[int, ...] = arguments) -> Script:
            yield call("k_thread_create", *arguments)
            yield mark("unreachable")

        system.thread(f"creator{index}", creator, 5)

    def reuser(_: Args) -> Script:  # a live thread object cannot be created again
        me = yield call("k_current_get")
        yield call("k_thread_create", me, stack, 1024, entry, 0, 0, 0, 5, 0, 0)

    system.thread("reuser", reuser, 5)
    assert system.run() is RunEnd.IDLE
    assert [f.reason for f in system.kernel.faults] == [K_ERR_KERNEL_OOPS] * 5
    assert system.labels() == []


def test_thread_start_runs_a_thread_created_with_k_forever() -> None:
    system = MockSystem()

    def waiting(_: Args) -> Script:
        yield mark("started")

    tid = system.thread("waiting", waiting, 5, delay_ms=-1)

    def main(_: Args) -> Script:
        yield call("k_sleep", 10)
        yield mark("main starts it")
        yield call("k_thread_start", tid)
        yield call("k_thread_start", tid)  # starting twice is harmless

    system.main(main)
    system.run()
    assert system.labels() == ["main starts it", "started"]


def test_join_waits_for_the_end_of_a_thread() -> None:
    system = MockSystem()

    def worker(_: Args) -> Script:
        yield run(25_000)
        yield mark("worker done")

    worker_tid = system.thread("worker", worker, 6)
    results: list[tuple[str, int]] = []

    def main(_: Args) -> Script:
        me = yield call("k_current_get")
        results.append(("self", (yield call("k_thread_join", me, K_FOREVER))))
        results.append(("no wait", (yield call("k_thread_join", worker_tid, K_NO_WAIT))))
        results.append(("short", (yield call("k_thread_join", worker_tid, 1))))
        results.append(("forever", (yield call("k_thread_join", worker_tid, K_FOREVER))))
        results.append(("dead", (yield call("k_thread_join", worker_tid, K_NO_WAIT))))

    system.main(main)
    system.run()
    assert results == [("self", EDEADLK), ("no wait", EBUSY), ("short", EAGAIN),
                       ("forever", 0), ("dead", 0)]
    assert system.thread_named("worker").state is ThreadState.DEAD


def test_mutual_join_is_a_deadlock() -> None:
    system = MockSystem()
    results: dict[str, int] = {}
    tids: dict[str, int] = {}

    def joiner(name: str, other: str) -> ScriptFactory:
        def script(_: Args) -> Script:
            results[name] = yield call("k_thread_join", tids[other], K_FOREVER)

        return script

    tids["a"] = system.thread("a", joiner("a", "b"), 5)
    tids["b"] = system.thread("b", joiner("b", "a"), 5)
    system.run()
    assert results == {"b": EDEADLK, "a": 0}


def test_abort_wakes_joiners_and_leaves_wait_queues() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def victim(_: Args) -> Script:
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("victim woke")

    victim_tid = system.thread("victim", victim, 5)

    def joiner(_: Args) -> Script:
        result = yield call("k_thread_join", victim_tid, K_FOREVER)
        yield mark(f"joined {result}")

    system.thread("joiner", joiner, 5)

    def killer(_: Args) -> Script:
        yield call("k_thread_abort", victim_tid)
        yield call("k_thread_abort", victim_tid)  # aborting a dead thread does nothing
        yield call("k_sem_give", sem)  # nobody waits any more: the count goes up
        count = yield call("k_sem_count_get", sem)
        yield mark(f"count {count}")

    system.thread("killer", killer, 6)
    system.run()
    assert system.labels() == ["joined 0", "count 1"]
    assert "victim" in [e["thread"] for e in system.events("thread_exit")]
    victim_context = [c for c in system.cpu.contexts if c.name == "victim"]
    assert victim_context[0].released


def test_thread_aborting_itself() -> None:
    system = MockSystem()

    def main(_: Args) -> Script:
        yield mark("before")
        yield call("k_thread_abort", 0)
        yield mark("after")

    system.main(main)
    assert system.run() is RunEnd.IDLE
    assert system.labels() == ["before"]
    assert not system.kernel.faults


def test_aborting_an_essential_thread_panics_the_caller() -> None:
    system = MockSystem()
    system.fatal_handler(returning_fatal_handler)

    def essential(_: Args) -> Script:
        yield call("k_sleep", 5)
        yield mark("essential survives")
        yield call("k_sleep", K_FOREVER)  # an essential thread must not return

    tid = system.thread("essential", essential, 5, options=THREAD_OPTIONS["K_ESSENTIAL"])

    def killer(_: Args) -> Script:
        yield call("k_thread_abort", tid)
        yield mark("unreachable")

    system.thread("killer", killer, 6)
    assert system.run() is RunEnd.IDLE
    assert [(f.thread, f.reason) for f in system.kernel.faults] == [
        ("killer", K_ERR_KERNEL_PANIC)]
    assert system.labels() == ["essential survives"]


def test_suspend_and_resume() -> None:
    system = MockSystem()

    def worker(_: Args) -> Script:
        for index in range(3):
            yield mark(f"w{index}")
            yield call("k_sleep", 1)

    worker_tid = system.thread("worker", worker, 5)

    def controller(_: Args) -> Script:
        yield call("k_sleep", 1)  # worker: w0, w1 at tick 1
        yield call("k_thread_suspend", worker_tid)  # cancels its sleep
        yield mark("suspended")
        yield call("k_sleep", 5)
        yield mark("resuming")
        yield call("k_thread_resume", worker_tid)  # runs at once: more important
        yield mark("resumed")

    system.thread("controller", controller, 6)
    system.run()
    assert system.labels() == ["w0", "w1", "suspended", "resuming", "w2", "resumed"]


def test_suspend_self_and_suspended_pending_thread_stays_off_the_cpu() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def waiter(_: Args) -> Script:
        result = yield call("k_sem_take", sem, K_FOREVER)
        yield mark(f"waiter {result}")

    waiter_tid = system.thread("waiter", waiter, 5)

    def self_suspender(_: Args) -> Script:
        yield mark("suspending self")
        yield call("k_thread_suspend", 0)
        yield mark("self resumed")

    self_tid = system.thread("self", self_suspender, 5)

    def controller(_: Args) -> Script:
        yield call("k_thread_suspend", waiter_tid)
        yield call("k_sem_give", sem)  # wakes the waiter, which stays suspended
        yield call("k_sleep", 2)
        yield mark("controller")
        state = system.thread_named("waiter").state
        yield mark(f"state {state.value}")
        yield call("k_thread_resume", waiter_tid)
        yield call("k_thread_resume", self_tid)

    system.thread("controller", controller, 6)
    system.run()
    assert system.labels() == [
        "suspending self", "controller", "state ready", "waiter 0", "self resumed",
    ]


def test_thread_names() -> None:
    system = MockSystem()
    name_buffer = system.ram(32)
    text = system.string("renamed")
    got: list[object] = []

    def main(_: Args) -> Script:
        me = yield call("k_current_get")
        got.append((yield call("k_thread_name_copy", me, name_buffer, 32)))
        got.append((yield ("read", name_buffer, 5)))
        got.append((yield call("k_thread_name_copy", me, name_buffer, 3)))
        got.append((yield call("k_thread_name_set", 0, text)))
        got.append((yield call("k_thread_name_copy", me, name_buffer, 32)))
        got.append((yield ("read", name_buffer, 8)))

    system.main(main)
    system.run()
    assert got == [0, b"main\0", -ERRNO["ENOSPC"], 0, 0, b"renamed\0"]
    # The name lives in struct k_thread too, where debuggers look for it.
    assert system.cpu.read_memory(0x2000_0000 + 32, 8) == b"renamed\0"


def test_thread_names_disabled() -> None:
    system = MockSystem(thread_names=False)
    got: list[int] = []

    def main(_: Args) -> Script:
        got.append((yield call("k_thread_name_set", 0, 0x100)))

    system.main(main)
    system.run()
    assert got == [-ERRNO["ENOSYS"]]


def test_essential_thread_returning_halts_the_system() -> None:
    system = MockSystem()
    system.fatal_handler(returning_fatal_handler)

    def essential(_: Args) -> Script:
        yield mark("essential")

    system.thread("essential", essential, 5, options=THREAD_OPTIONS["K_ESSENTIAL"])
    assert system.run() is RunEnd.HALTED
    assert system.kernel.halted_reason == K_ERR_KERNEL_PANIC
    assert "Attempted to recover from a fatal error in an essential thread" in system.output()
