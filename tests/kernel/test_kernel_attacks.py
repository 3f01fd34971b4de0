"""The kernel under a mock CPU against what attackers tried from user threads: stale
rights while blocked, frees while waited on, raised fatal reasons, timers that would
never let time move, restarts that would grow the kernel, calls served twice.  Each test
runs on both system-call paths (stop events and the inline path of the Unicorn backend)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mock_cpu import (
    K_FOREVER,
    Args,
    MockSystem,
    Script,
    call,
    mark,
    returning_fatal_handler,
    run,
)

from levante.abi import ERRNO, FATAL_REASONS, SYSCALLS_BY_NAME, THREAD_OPTIONS
from levante.image.layout import KernelObjectSymbol, Symbol
from levante.kernel.kernel import RunEnd
from levante.kernel.syscalls import dispatch

K_USER = THREAD_OPTIONS["K_USER"]
OOPS = "K_ERR_KERNEL_OOPS"
PATHS = pytest.mark.parametrize("inline", [False, True], ids=["stop-events", "inline"])


def system_with_user(inline: bool, user: Callable[[Args], Script], main: Callable[[Args], Script],
                     **config: object) -> MockSystem:
    system = MockSystem(inline_svcs=inline, userspace=True, **config)
    system.fatal_handler(returning_fatal_handler)
    system.thread("attacker", user, priority=2, options=K_USER)
    system.main(main)
    return system


def thread_address(system: MockSystem, name: str) -> int:
    """The struct k_thread of a thread (boots the system)."""
    return system.thread_named(name).address


def fault_reasons(system: MockSystem) -> list[tuple[str, str]]:
    return [(event["thread"], event["reason"]) for event in system.events("fault")]


# ---- fatal reasons raised from user mode ---------------------------------------------------


@PATHS
@pytest.mark.parametrize("raised, reported", [
    (FATAL_REASONS["K_ERR_KERNEL_PANIC"], OOPS),
    (FATAL_REASONS["K_ERR_CPU_EXCEPTION"], OOPS),
    (FATAL_REASONS["K_ERR_SPURIOUS_IRQ"], OOPS),
    (0xDEADBEEF, OOPS),
    (FATAL_REASONS["K_ERR_KERNEL_OOPS"], OOPS),
    (FATAL_REASONS["K_ERR_STACK_CHK_FAIL"], "K_ERR_STACK_CHK_FAIL"),
])
def test_user_mode_raises_only_oops_or_stack_check_failure(inline: bool, raised: int,
                                                           reported: str) -> None:
    def user(_: Args) -> Script:
        yield ("svc", 2, raised)

    def main(_: Args) -> Script:
        yield run(10)

    system = system_with_user(inline, user, main)
    assert system.run() is RunEnd.IDLE
    assert fault_reasons(system) == [("attacker", reported)]
    assert system.kernel.halted_reason is None


@PATHS
def test_a_supervisor_thread_keeps_the_reason_it_raises(inline: bool) -> None:
    def main(_: Args) -> Script:
        yield ("svc", 2, FATAL_REASONS["K_ERR_KERNEL_PANIC"])

    system = MockSystem(inline_svcs=inline)
    system.fatal_handler(returning_fatal_handler)
    system.main(main)
    system.run()
    assert [event["reason"] for event in system.events("fault")] == ["K_ERR_KERNEL_PANIC"]


# ---- a receiver's buffer is checked when a message is delivered ----------------------------


@PATHS
def test_a_receiver_that_lost_its_buffer_faults_and_the_message_stays(inline: bool) -> None:
    """The receiver blocked with a buffer it owned, then lost the rights to it (here its
    view shrinks, as when it leaves a memory domain): the sender's delivery must not write
    there; the receiver faults in its own context and the message waits in the queue."""
    outcome: list[object] = []
    holder: dict[str, int] = {}

    def user(_: Args) -> Script:
        outcome.append((yield call("k_msgq_get", holder["queue"], holder["buffer"], K_FOREVER)))

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["queue"], holder["attacker"])
        yield call("k_sleep", 1)  # the attacker blocks in k_msgq_get
        attacker = system.thread_named("attacker")
        assert attacker.wait_data is not None
        attacker.view = tuple(region for region in attacker.view or ()
                              if not region.name.startswith("stack"))
        outcome.append((yield call("k_msgq_put", holder["queue"], holder["message"], 0)))
        outcome.append((yield call("k_msgq_num_used_get", holder["queue"])))

    system = system_with_user(inline, user, main)
    holder["queue"] = system.msgq(4, 2)
    holder["message"] = system.string("MSG")
    holder["attacker"] = thread_address(system, "attacker")
    holder["buffer"] = system.thread_named("attacker").stack_start
    system.cpu.write_memory(holder["buffer"], b"\xee" * 4)
    system.run()
    assert outcome == [0, 1]  # delivered to nobody: queued
    assert system.cpu.read_memory(holder["buffer"], 4) == b"\xee" * 4
    faults = system.events("fault")
    assert [(event["thread"], event["reason"]) for event in faults] == [("attacker", OOPS)]
    assert "outside the memory of thread 'attacker'" in faults[0]["description"]


# ---- a dynamic object is freed only when nothing refers to it ------------------------------


def pool_system(inline: bool, waiter: Callable[[Args], Script], main: Callable[[Args], Script],
                options: int) -> MockSystem:
    system = MockSystem(inline_svcs=inline, userspace=True, dynamic_objects=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("waiter", waiter, priority=2, options=options)
    system.main(main)
    system.extra_symbols["z_kernel_pool"] = Symbol(system.ram(1024, align=1024), 1024)
    return system


@PATHS
def test_an_object_waited_on_is_freed_only_after_its_last_waiter_leaves(inline: bool) -> None:
    """The last permission goes while a (supervisor) thread waits on the object: it stays
    until the waiter leaves, then its memory goes back to the pool, zeroed."""
    taken: list[object] = []
    holder: dict[str, int] = {}

    def waiter(_: Args) -> Script:
        yield call("k_sleep", 1)  # main allocates first
        taken.append((yield call("k_sem_take", holder["sem"], 3)))  # times out in 3 ticks

    def main(_: Args) -> Script:
        yield call("k_thread_system_pool_assign", 0)
        sem = yield call("k_object_alloc", 4)  # K_OBJ_SEM
        holder["sem"] = sem
        yield call("k_sem_init", sem, 0, 1)
        yield call("k_sleep", 2)  # the waiter blocks on it
        yield call("k_object_release", sem)  # no permission left anywhere
        holder["kept_while_waited"] = system.kernel.objects.entry(sem) is not None

    system = pool_system(inline, waiter, main, options=0)
    system.run()
    assert holder["kept_while_waited"] is True
    assert taken == [-ERRNO["EAGAIN"]]
    assert system.kernel.objects.entry(holder["sem"]) is None  # freed when it left
    assert system.kernel.system_pool is not None and system.kernel.system_pool.used == 0
    assert system.cpu.read_memory(holder["sem"], 16) == bytes(16)  # returned zeroed


@PATHS
def test_a_right_revoked_while_blocked_ends_the_wait_with_an_oops(inline: bool) -> None:
    taken: list[object] = []
    holder: dict[str, int] = {}

    def waiter(_: Args) -> Script:
        taken.append((yield call("k_sem_take", holder["sem"], K_FOREVER)))

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["sem"], holder["waiter"])
        yield call("k_sleep", 1)  # the waiter blocks
        yield call("k_object_access_revoke", holder["sem"], holder["waiter"])
        yield call("k_sem_give", holder["sem"])
        holder["count"] = yield call("k_sem_count_get", holder["sem"])

    system = pool_system(inline, waiter, main, options=K_USER)
    holder["sem"] = system.sem(0, 1)
    holder["waiter"] = thread_address(system, "waiter")
    system.run()
    assert taken == []  # the call never returned to the thread
    assert holder["count"] == 1  # the give went to nobody
    faults = system.events("fault")
    assert [(event["thread"], event["reason"]) for event in faults] == [("waiter", OOPS)]
    assert "access denied (EPERM)" in faults[0]["description"]


# ---- timers ----------------------------------------------------------------------------------


@PATHS
@pytest.mark.parametrize("period", [-2, -1000, 0x80000000 - (1 << 32), 0])
def test_a_timer_period_of_no_ticks_never_stalls_time(inline: bool, period: int) -> None:
    expiries: list[int] = []

    def expiry(_: Args) -> Script:
        expiries.append(system.kernel.now)
        yield run(1)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 1, period)
        yield call("k_sleep", 5)
        yield call("z_timer_stop", timer)

    system = MockSystem(inline_svcs=inline)
    timer = system.timer(expiry)
    system.main(main)
    end = system.run(until=1_000_000)
    assert end is not RunEnd.HALTED
    # At most one expiry per tick: a period below one tick is one tick (Zephyr's clamp).
    assert len(expiries) <= 6
    assert all(later > earlier for earlier, later in zip(expiries, expiries[1:], strict=False))


@PATHS
def test_restarting_a_timer_keeps_the_timeout_queue_bounded(inline: bool) -> None:
    sizes: list[int] = []

    def main(_: Args) -> Script:
        for round_ in range(3000):
            yield call("k_timer_start", timer, 100, 0)
            if round_ % 500 == 0:
                sizes.append(len(system.kernel.timeouts))
        yield call("z_timer_stop", timer)

    system = MockSystem(inline_svcs=inline)
    timer = system.timer()
    system.main(main)
    system.run()
    assert max(sizes) <= 200, sizes


# ---- the inline path serves a refused call once ---------------------------------------------


def test_a_refused_call_on_the_inline_path_is_served_once() -> None:
    """k_msgq_put with a buffer the thread does not own: its validation runs once,
    refuses, and the thread faults without the call being served again on the ordinary
    path."""
    served: list[int] = []
    entry = next(table_entry for table_entry in dispatch.TABLE.values()
                 if table_entry.call.name == "k_msgq_put")
    original = entry.validate
    assert original is not None

    def counting(*args: object) -> object:
        served.append(1)
        return original(*args)

    holder: dict[str, int] = {}

    def user(_: Args) -> Script:
        yield call("k_msgq_put", holder["queue"], holder["kernel_buffer"], 0)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["queue"], holder["attacker"])
        yield run(10)

    object.__setattr__(entry, "validate", counting)  # the table is frozen: patched by hand
    try:
        system = system_with_user(True, user, main)
        holder["queue"] = system.msgq(4, 2)
        holder["kernel_buffer"] = system.ram(4)
        holder["attacker"] = thread_address(system, "attacker")
        system.run()
    finally:
        object.__setattr__(entry, "validate", original)
    assert served == [1]
    assert system.cpu.inline_served >= 1
    assert fault_reasons(system) == [("attacker", OOPS)]


# ---- random sequences: the kernel never raises and time only moves forward ------------------


_CALLS = ["k_sem_give", "k_sem_take", "k_msgq_put", "k_msgq_get", "k_event_clear",
          "k_timer_start", "k_object_release", "k_thread_priority_set", "k_sleep"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_CALLS), st.integers(0, 5),
                          st.sampled_from([0, 1, -1, -2, 0x7FFFFFFF])), max_size=12),
       st.booleans())
def test_random_user_calls_fault_only_the_caller(steps: list[tuple[str, int, int]],
                                                 inline: bool) -> None:
    def user(_: Args) -> Script:
        for name, target, value in steps:
            # By raw number: r0-r2 set whatever the call's own arity.
            yield call(SYSCALLS_BY_NAME[name].number, targets[target], value, value & 0xFF)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", targets[0], attacker)
        yield call("k_sleep", 20)

    system = system_with_user(inline, user, main)
    targets = [system.sem(0, 2), system.msgq(4, 2), system.timer(), 0, 0xFFFFFFF0, 0]
    attacker = thread_address(system, "attacker")
    targets[5] = system.thread_named("attacker").stack_start
    times: list[int] = []
    system.cpu.on_run = lambda context, budget: times.append(system.kernel.now)
    end = system.run(until=5_000_000)
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert times == sorted(times)
    assert system.kernel.halted_reason is None
    for event in system.events("fault"):
        assert event["thread"] == "attacker"
        assert event["reason"] in (OOPS, "K_ERR_CPU_EXCEPTION")


# ---- WFI ---------------------------------------------------------------------------------


@PATHS
def test_wfi_sleeps_the_core_until_the_next_tick_without_yielding(inline: bool) -> None:
    """The thread keeps the CPU (a lower-priority ready thread does not run) and goes on
    after the WFI at the next interrupt: here the periodic tick."""
    def main(_: Args) -> Script:
        yield mark("before")
        yield ("wfi",)
        yield mark("after")

    def background(_: Args) -> Script:
        yield mark("background")

    system = MockSystem(inline_svcs=inline, tickless=False)
    system.thread("background", background, priority=10)
    system.main(main)
    system.run(until=100_000)
    cycles_per_tick = system.config.cycles_per_tick
    before, after = system.mark_cycle("before"), system.mark_cycle("after")
    assert after == (before // cycles_per_tick + 1) * cycles_per_tick
    assert system.labels() == ["before", "after", "background"]


# ---- thread slots --------------------------------------------------------------------------


@PATHS
def test_threads_made_at_run_time_never_take_the_slots_of_the_images_threads(
        inline: bool) -> None:
    """A user thread with a generous resource pool allocates thread objects and creates
    threads on them until k_object_alloc has no slot left to give (NULL, as Zephyr's
    out of thread indexes); a thread object of the image can still be started by a
    supervisor afterwards (Zephyr numbers the image's thread objects at build time)."""
    created: list[int] = []
    later: list[object] = []
    holder: dict[str, int] = {}

    def child(_: Args) -> Script:
        yield call("k_sleep", K_FOREVER)

    def user(_: Args) -> Script:
        while True:
            thread = yield call("k_object_alloc", 5)  # K_OBJ_THREAD
            stack = yield call("k_object_alloc_size", 7, 256)  # K_OBJ_THREAD_STACK_ELEMENT
            if not thread or not stack:
                break
            tid = yield call("k_thread_create", thread, stack, 256, holder["child"], 0, 0, 0,
                             5, K_USER, 0)
            created.append(tid)
        yield call("k_sleep", K_FOREVER)

    def main(_: Args) -> Script:
        yield call("k_thread_system_pool_assign", holder["user"])
        yield call("k_sleep", 50)  # the user thread exhausts what it can
        later.append((yield call("k_thread_create", holder["image_thread"],
                                 holder["image_stack"], 512, holder["child"], 0, 0, 0, 3, 0,
                                 0)))

    system = MockSystem(inline_svcs=inline, userspace=True, dynamic_objects=True,
                        max_thread_bytes=1)
    system.fatal_handler(returning_fatal_handler)
    system.thread("grabber", user, priority=4, options=K_USER, delay_ms=10)
    system.main(main)
    holder["child"] = system.function(child, "child")
    holder["image_thread"] = system.ram(64)
    holder["image_stack"] = system.ram(512, align=512)
    system.image_objects.append(KernelObjectSymbol(holder["image_thread"], "k_thread", 64,
                                                   "spare_thread"))
    system.extra_symbols["z_kernel_pool"] = Symbol(system.ram(16384, align=1024), 16384)
    holder["user"] = thread_address(system, "grabber")
    system.run(until=2_000_000)
    slots = 8 * 1  # CONFIG_MAX_THREAD_BYTES=1
    # main and the grabber hold two slots, the image's spare thread object one from boot:
    # the grabber's thread objects get the rest, and its next allocation is NULL.
    assert len(created) == slots - 3
    assert not system.events("fault")
    assert later == [holder["image_thread"]]  # the image's thread got its slot
    assert system.kernel.halted_reason is None
