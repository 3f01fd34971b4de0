"""Kernel objects through system calls: wait queues, semaphores, mutexes, msgqs, events."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mock_cpu import (
    K_FOREVER,
    K_NO_WAIT,
    Args,
    MockSystem,
    Script,
    call,
    mark,
    returning_fatal_handler,
    run,
)

from levante.abi import ERRNO
from levante.kernel.fatal import K_ERR_KERNEL_OOPS
from levante.kernel.kernel import RunEnd
from levante.kernel.thread import ThreadState

EAGAIN = -ERRNO["EAGAIN"]
EBUSY = -ERRNO["EBUSY"]
EINVAL = -ERRNO["EINVAL"]
EPERM = -ERRNO["EPERM"]
ENOMSG = -ERRNO["ENOMSG"]


# ---- wait queues ---------------------------------------------------------------------------


def test_waiters_are_served_by_priority_then_arrival() -> None:
    system = MockSystem()
    sem = system.sem(0, 10)
    # Arrival order (by start delay) differs from priority order.
    for index, (name, priority) in enumerate(
        (("w5a", 5), ("w3", 3), ("w5b", 5), ("w1", 1), ("w3b", 3))
    ):
        def waiter(_: Args, name: str = name) -> Script:
            yield call("k_sem_take", sem, K_FOREVER)
            yield mark(name)

        system.thread(name, waiter, priority, delay_ms=10 * (index + 1))

    def giver(_: Args) -> Script:
        yield call("k_sleep", 10)  # until every waiter pends
        for _round in range(5):
            yield call("k_sem_give", sem)
            yield call("k_sleep", 1)  # let the woken waiter run before the next give

    system.thread("giver", giver, 0)
    system.run()
    assert system.labels() == ["w1", "w3", "w3b", "w5a", "w5b"]


# ---- semaphores ----------------------------------------------------------------------------


def test_semaphore_counts_up_to_its_limit() -> None:
    system = MockSystem()
    sem = system.sem(1, 3)
    results: list[int | None] = []

    def main(_: Args) -> Script:
        for _round in range(5):
            yield call("k_sem_give", sem)
        results.append((yield call("k_sem_count_get", sem)))
        for _round in range(4):
            results.append((yield call("k_sem_take", sem, K_NO_WAIT)))
        results.append((yield call("k_sem_count_get", sem)))

    system.main(main)
    system.run()
    assert results == [3, 0, 0, 0, EBUSY, 0]


def test_semaphore_take_times_out() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def main(_: Args) -> Script:
        result = yield call("k_sem_take", sem, 4)
        yield mark(f"take {result}")

    system.main(main)
    system.run()
    assert system.labels() == [f"take {EAGAIN}"]
    assert system.mark_cycle(f"take {EAGAIN}") == 50_000 + 200  # 4 ticks after tick 0
    assert system.events("timeout")[0]["thread"] == "main"


def test_semaphore_give_hands_over_without_counting() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)

    def waiter(_: Args) -> Script:
        result = yield call("k_sem_take", sem, K_FOREVER)
        yield mark(f"took {result}")

    def giver(_: Args) -> Script:
        yield call("k_sem_give", sem)
        count = yield call("k_sem_count_get", sem)
        yield mark(f"count {count}")

    system.thread("waiter", waiter, 5)
    system.thread("giver", giver, 6)
    system.run()
    assert system.labels() == ["took 0", "count 0"]


def test_semaphore_reset_wakes_every_waiter_with_eagain() -> None:
    system = MockSystem()
    sem = system.sem(0, 5)
    for name in ("a", "b"):
        def waiter(_: Args, name: str = name) -> Script:
            result = yield call("k_sem_take", sem, K_FOREVER)
            yield mark(f"{name} {result}")

        system.thread(name, waiter, 5)

    def resetter(_: Args) -> Script:
        yield call("k_sem_give", sem)  # a takes it
        yield call("k_sem_reset", sem)  # b is woken with -EAGAIN
        count = yield call("k_sem_count_get", sem)
        yield mark(f"count {count}")

    system.thread("resetter", resetter, 6)
    system.run()
    assert system.labels() == ["a 0", f"b {EAGAIN}", "count 0"]


@pytest.mark.parametrize(("initial", "limit", "expected"), [
    (0, 1, 0), (3, 3, 0), (0, 0, EINVAL), (2, 1, EINVAL),
])
def test_semaphore_init_validates(initial: int, limit: int, expected: int) -> None:
    system = MockSystem()
    sem = system.ram(16)
    results: list[int] = []

    def main(_: Args) -> Script:
        results.append((yield call("k_sem_init", sem, initial, limit)))

    system.main(main)
    system.run()
    assert results == [expected]
    assert (system.kernel.objects.unchecked_state(sem) is not None) == (expected == 0)


# ---- mutexes -------------------------------------------------------------------------------


def test_mutex_is_recursive_and_checks_the_owner() -> None:
    system = MockSystem()
    mutex = system.mutex()
    results: list[tuple[str, int]] = []

    def main(_: Args) -> Script:
        results.append(("unlock free", (yield call("k_mutex_unlock", mutex))))
        results.append(("lock", (yield call("k_mutex_lock", mutex, K_FOREVER))))
        results.append(("lock again", (yield call("k_mutex_lock", mutex, K_NO_WAIT))))
        yield call("k_sleep", 2)  # the other thread tries meanwhile
        results.append(("unlock", (yield call("k_mutex_unlock", mutex))))
        results.append(("unlock", (yield call("k_mutex_unlock", mutex))))
        results.append(("unlock not owner", (yield call("k_mutex_unlock", mutex))))

    def other(_: Args) -> Script:
        results.append(("other unlock", (yield call("k_mutex_unlock", mutex))))
        results.append(("other trylock", (yield call("k_mutex_lock", mutex, K_NO_WAIT))))
        results.append(("other lock", (yield call("k_mutex_lock", mutex, K_FOREVER))))
        results.append(("other unlock", (yield call("k_mutex_unlock", mutex))))

    system.main(main)
    system.thread("other", other, 5)
    system.run()
    assert results == [
        ("unlock free", EINVAL), ("lock", 0), ("lock again", 0),
        ("other unlock", EPERM), ("other trylock", EBUSY),
        ("unlock", 0), ("unlock", 0),  # the second unlock hands the mutex over
        ("unlock not owner", EPERM),  # main (priority 0) keeps running after the handover
        ("other lock", 0), ("other unlock", 0),
    ]


def test_mutex_priority_inheritance_and_restore() -> None:
    """The classic inversion: low holds, high waits, medium must not run in between."""
    system = MockSystem()
    mutex = system.mutex()

    def low(_: Args) -> Script:
        yield call("k_mutex_lock", mutex, K_FOREVER)
        yield mark("low locked")
        yield run(30_000)  # high and medium arrive during this
        prio = yield call("k_thread_priority_get", 0)
        yield mark(f"low prio {prio}")
        yield call("k_mutex_unlock", mutex)
        prio = yield call("k_thread_priority_get", 0)
        yield mark(f"low prio {prio}")

    def high(_: Args) -> Script:
        result = yield call("k_mutex_lock", mutex, K_FOREVER)
        yield mark(f"high locked {result}")
        yield call("k_mutex_unlock", mutex)

    def medium(_: Args) -> Script:
        yield run(10_000)
        yield mark("medium")

    system.thread("low", low, 10)
    system.thread("high", high, 2, delay_ms=10)
    system.thread("medium", medium, 5, delay_ms=10)
    system.run()
    assert system.labels() == [
        "low locked", "low prio 2", "high locked 0", "medium", "low prio 10",
    ]
    assert system.thread_named("low").priority == 10


def test_waiter_timing_out_reduces_the_owners_boost() -> None:
    system = MockSystem()
    mutex = system.mutex()

    def owner(_: Args) -> Script:
        yield call("k_mutex_lock", mutex, K_FOREVER)
        yield run(100_000)
        yield call("k_mutex_unlock", mutex)
        yield mark("owner unlocked")

    def impatient(_: Args) -> Script:
        result = yield call("k_mutex_lock", mutex, 2)
        yield mark(f"impatient {result}")

    def patient(_: Args) -> Script:
        result = yield call("k_mutex_lock", mutex, K_FOREVER)
        yield mark(f"patient {result}")
        yield call("k_mutex_unlock", mutex)

    system.thread("owner", owner, 10)
    system.thread("impatient", impatient, 2, delay_ms=10)  # pends at 10 350, until 40 000
    system.thread("patient", patient, 6, delay_ms=10)
    owner_thread = system.thread_named("owner")
    system.run(until=35_000)
    assert owner_thread.priority == 2
    system.run(until=45_000)
    assert system.labels() == [f"impatient {EAGAIN}"]
    assert owner_thread.priority == 6  # only the patient waiter's boost is left
    system.run()
    assert owner_thread.priority == 10
    assert system.labels() == [f"impatient {EAGAIN}", "patient 0", "owner unlocked"]


def test_unlock_boosts_the_new_owner_for_the_remaining_waiters() -> None:
    system = MockSystem()
    mutex = system.mutex()
    seen: dict[str, int] = {}

    def owner(_: Args) -> Script:
        yield call("k_mutex_lock", mutex, K_FOREVER)
        yield call("k_sleep", 3)
        yield call("k_mutex_unlock", mutex)

    def waiter(name: str) -> Callable[[Args], Script]:
        def script(_: Args) -> Script:
            yield call("k_mutex_lock", mutex, K_FOREVER)
            seen[name] = yield call("k_thread_priority_get", 0)
            yield call("k_mutex_unlock", mutex)

        return script

    system.thread("owner", owner, 10)
    system.thread("first", waiter("first"), 8, delay_ms=10)
    system.thread("urgent", waiter("urgent"), 3, delay_ms=20)
    system.run()
    # urgent (3) is served first; first (8) is served next with no one left to boost it.
    assert seen == {"urgent": 3, "first": 8}


def test_mutex_pointer_must_be_a_mutex() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)
    system.fatal_handler(returning_fatal_handler)

    def main(_: Args) -> Script:
        yield call("k_mutex_lock", sem, K_FOREVER)
        yield mark("unreachable")

    system.main(main)
    system.run()
    assert [f.reason for f in system.kernel.faults] == [K_ERR_KERNEL_OOPS]
    assert system.labels() == []


# ---- message queues ------------------------------------------------------------------------


def message(value: int) -> bytes:
    return value.to_bytes(4, "little")


def test_msgq_fifo_and_counters() -> None:
    system = MockSystem()
    msgq = system.msgq(4, 3)
    buffer = system.ram(4)
    got: list[object] = []

    def main(_: Args) -> Script:
        for value in (1, 2, 3):
            yield ("write", buffer, message(value))
            got.append((yield call("k_msgq_put", msgq, buffer, K_NO_WAIT)))
        got.append((yield call("k_msgq_put", msgq, buffer, K_NO_WAIT)))  # full
        got.append((yield call("k_msgq_num_used_get", msgq)))
        got.append((yield call("k_msgq_num_free_get", msgq)))
        got.append((yield call("k_msgq_peek", msgq, buffer)))
        got.append((yield ("read", buffer, 4)))
        for _round in range(3):
            yield call("k_msgq_get", msgq, buffer, K_NO_WAIT)
            got.append((yield ("read", buffer, 4)))
        got.append((yield call("k_msgq_get", msgq, buffer, K_NO_WAIT)))  # empty
        got.append((yield call("k_msgq_peek", msgq, buffer)))

    system.main(main)
    system.run()
    assert got == [0, 0, 0, ENOMSG, 3, 0, 0, message(1),
                   message(1), message(2), message(3), ENOMSG, ENOMSG]


def test_msgq_get_blocks_until_a_put_delivers_directly() -> None:
    system = MockSystem()
    msgq = system.msgq(4, 2)

    def receiver(_: Args) -> Script:
        buffer = 0x2003_0000
        result = yield call("k_msgq_get", msgq, buffer, K_FOREVER)
        data = yield ("read", buffer, 4)
        yield mark(f"got {result} {int.from_bytes(data, 'little')}")

    def sender(_: Args) -> Script:
        buffer = 0x2003_0100
        yield ("write", buffer, message(77))
        result = yield call("k_msgq_put", msgq, buffer, K_NO_WAIT)
        used = yield call("k_msgq_num_used_get", msgq)
        yield mark(f"put {result} used {used}")

    system.thread("receiver", receiver, 5)
    system.thread("sender", sender, 6)
    system.run()
    assert system.labels() == ["got 0 77", "put 0 used 0"]


def test_msgq_put_blocks_while_full_and_keeps_fifo_order() -> None:
    system = MockSystem()
    msgq = system.msgq(4, 1)

    def sender(_: Args) -> Script:
        buffer = 0x2003_0000
        for value in (10, 20):
            yield ("write", buffer, message(value))
            result = yield call("k_msgq_put", msgq, buffer, K_FOREVER)
            yield mark(f"put {value} {result}")

    def receiver(_: Args) -> Script:
        buffer = 0x2003_0100
        for _round in range(2):
            result = yield call("k_msgq_get", msgq, buffer, K_FOREVER)
            data = yield ("read", buffer, 4)
            yield mark(f"got {result} {int.from_bytes(data, 'little')}")

    system.thread("sender", sender, 5)
    system.thread("receiver", receiver, 6, delay_ms=10)
    system.run()
    assert system.labels() == ["put 10 0", "put 20 0", "got 0 10", "got 0 20"]
    assert system.events("timeout") == []


def test_msgq_timeouts_and_purge() -> None:
    system = MockSystem()
    msgq = system.msgq(4, 1)

    def main(_: Args) -> Script:
        buffer = 0x2003_0000
        result = yield call("k_msgq_get", msgq, buffer, 2)
        yield mark(f"get timeout {result}")
        yield call("k_msgq_put", msgq, buffer, K_NO_WAIT)
        result = yield call("k_msgq_put", msgq, buffer, 2)
        yield mark(f"put timeout {result}")
        result = yield call("k_msgq_put", msgq, buffer, K_FOREVER)
        yield mark(f"put purged {result}")

    def purger(_: Args) -> Script:
        yield call("k_msgq_purge", msgq)
        used = yield call("k_msgq_num_used_get", msgq)
        yield mark(f"used {used}")

    system.main(main)
    system.thread("purger", purger, 5, delay_ms=100)
    system.run()
    assert system.labels() == [
        f"get timeout {EAGAIN}", f"put timeout {EAGAIN}", f"put purged {ENOMSG}", "used 0",
    ]


def test_msgq_init_validates() -> None:
    system = MockSystem()
    msgq = system.ram(24)
    results: list[int] = []

    def main(_: Args) -> Script:
        results.append((yield call("k_msgq_init", msgq, 0x2003_0000, 0, 4)))
        results.append((yield call("k_msgq_init", msgq, 0x2003_0000, 4, 0)))
        results.append((yield call("k_msgq_init", msgq, 0x2003_0000, 4, 4)))
        results.append((yield call("k_msgq_num_free_get", msgq)))

    system.main(main)
    system.run()
    assert results == [EINVAL, EINVAL, 0, 4]


def test_msgq_receiver_with_a_bad_buffer_faults_itself_not_the_sender() -> None:
    system = MockSystem()
    msgq = system.msgq(4, 2)
    system.fatal_handler(returning_fatal_handler)

    def receiver(_: Args) -> Script:
        result = yield call("k_msgq_get", msgq, 0x4000_0000, K_FOREVER)  # unmapped
        yield mark(f"receiver {result}")

    def sender(_: Args) -> Script:
        buffer = 0x2003_0100
        result = yield call("k_msgq_put", msgq, buffer, K_NO_WAIT)
        yield mark(f"sender {result}")

    system.thread("receiver", receiver, 5)
    system.thread("sender", sender, 6)
    assert system.run() is RunEnd.IDLE
    assert [f.thread for f in system.kernel.faults] == ["receiver"]
    assert system.labels() == ["sender 0"]


# ---- events --------------------------------------------------------------------------------


def test_event_wait_any_and_all() -> None:
    system = MockSystem()
    event = system.event()

    def any_waiter(_: Args) -> Script:
        got = yield call("k_event_wait", event, 0b0110, 0, K_FOREVER)
        yield mark(f"any {got:#b}")

    def all_waiter(_: Args) -> Script:
        got = yield call("k_event_wait_all", event, 0b0011, 0, K_FOREVER)
        yield mark(f"all {got:#b}")

    def poster(_: Args) -> Script:
        previous = yield call("k_event_post", event, 0b0001)
        yield mark(f"posted 1 (was {previous:#b})")
        previous = yield call("k_event_post", event, 0b0100)
        yield mark(f"posted 4 (was {previous:#b})")
        previous = yield call("k_event_post", event, 0b0010)
        yield mark(f"posted 2 (was {previous:#b})")

    system.thread("any", any_waiter, 3)
    system.thread("all", all_waiter, 4)
    system.thread("poster", poster, 5)
    system.run()
    assert system.labels() == [
        # Zephyr's post returns the previous set under the posted events only.
        "posted 1 (was 0b0)", "any 0b100", "posted 4 (was 0b0)", "all 0b11",
        "posted 2 (was 0b0)",
    ]


def test_event_set_clear_masked_reset_and_timeout() -> None:
    system = MockSystem()
    event = system.event()
    results: list[int] = []

    def main(_: Args) -> Script:
        results.append((yield call("k_event_set", event, 0xF0)))
        results.append((yield call("k_event_set_masked", event, 0x0F, 0x3C)))
        results.append((yield call("k_event_clear", event, 0x0C)))
        results.append((yield call("k_event_wait", event, 0xC0, 0, K_NO_WAIT)))
        results.append((yield call("k_event_wait", event, 0xC0, 1, K_NO_WAIT)))  # reset
        results.append((yield call("k_event_wait_all", event, 0x03, 0, 3)))  # times out
        results.append((yield call("k_event_set", event, 0)))

    system.main(main)
    system.run()
    # The reset wait cleared 0xC0 before it looked: nothing was left to set over.
    # Each update returns the previous set under its mask (set: all; clear: the events).
    assert results == [0, 0x30, 0x0C, 0xC0, 0, 0, 0]


def test_events_disabled_oops() -> None:
    system = MockSystem(events=False)
    event = system.event()
    system.fatal_handler(returning_fatal_handler)

    def main(_: Args) -> Script:
        yield call("k_event_post", event, 1)
        yield mark("unreachable")

    system.main(main)
    assert system.run() is RunEnd.IDLE
    assert [f.reason for f in system.kernel.faults] == [K_ERR_KERNEL_OOPS]
    assert system.thread_named("main").state is ThreadState.DEAD
