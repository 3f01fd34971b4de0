"""Red-team checks on eventfd lifetimes under the mock CPU: closing one while another
thread waits on it, aborting a thread while it waits in read, write or poll, and
filling the slot table, emptying it and filling it again."""

from __future__ import annotations

import struct

from mock_cpu import K_FOREVER, Args, MockSystem, Script, call, returning_fatal_handler

from levante.abi import ERRNO, STRUCT_SIZES, THREAD_OPTIONS
from levante.image.layout import Symbol
from levante.kernel.kernel import RunEnd
from levante.kernel.objects.eventfd import COUNT_MAX
from levante.kernel.startup import EVENTFD_SLOTS_SYMBOL

K_USER = THREAD_OPTIONS["K_USER"]
EVENTFD_MAX = 3
POLLIN = 0x01


def _system() -> tuple[MockSystem, int]:
    """A userspace system with EVENTFD_MAX eventfd slots (their address returned)."""
    system = MockSystem(userspace=True, net_sockets=True, zvfs_eventfd_max=EVENTFD_MAX)
    system.fatal_handler(returning_fatal_handler)
    size = STRUCT_SIZES["zvfs_eventfd"]
    slots = system.ram(size * EVENTFD_MAX)
    system.extra_symbols[EVENTFD_SLOTS_SYMBOL] = Symbol(slots, size * EVENTFD_MAX)
    return system, slots


def _value(system: MockSystem, address: int) -> int:
    return int.from_bytes(system.cpu.read_memory(address, 8), "little")


def test_closing_an_eventfd_wakes_its_reader_with_ebadf_and_a_reused_slot_is_not_its() -> None:
    """A user thread granted main's eventfd waits in read; main closes it: the reader
    gets -EBADF.  Main's next eventfd takes the same slot and descriptor: the user
    thread, never granted that one, gets -EBADF from it."""
    system, slot = _system()
    results: dict[str, int] = {}

    def user(_: Args) -> Script:
        buffer = system.thread_named("user").stack_start + 64
        results["first"] = yield call("z_levante_eventfd_read", 3, buffer, 8)
        results["second"] = yield call("z_levante_eventfd_read", 3, buffer, 8)
        yield call("k_sleep", K_FOREVER)

    def main(_: Args) -> Script:
        results["fd"] = yield call("z_levante_eventfd", 0, 0)
        yield call("k_object_access_grant", slot, system.thread_named("user").address)
        yield call("k_sleep", 2)  # the user thread waits in read
        results["close"] = yield call("z_levante_zsock_close", 3)
        results["again"] = yield call("z_levante_eventfd", 7, 0)
        yield call("k_sleep", K_FOREVER)

    system.thread("user", user, 5, options=K_USER)
    system.main(main)
    assert system.run(until=500_000) in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert results == {"fd": 3, "close": 0, "again": 3, "first": -ERRNO["EBADF"],
                       "second": -ERRNO["EBADF"]}
    assert system.events("fault") == [], system.events("fault")


def test_a_reader_aborted_while_waiting_takes_nothing() -> None:
    system, _ = _system()
    out = {}

    def reader(_: Args) -> Script:
        yield call("z_levante_eventfd_read", 3, system.thread_named("reader").stack_start + 64, 8)

    def main(_: Args) -> Script:
        yield call("z_levante_eventfd", 0, 0)
        yield call("k_sleep", 2)
        yield call("k_thread_abort", system.thread_named("reader").address)
        value = system.ram(8)
        system.cpu.write_memory(value, struct.pack("<Q", 5))
        out["write"] = yield call("z_levante_eventfd_write", 3, value, 8)
        out["read"] = yield call("z_levante_eventfd_read", 3, value, 8)
        out["value"] = _value(system, value)

    system.thread("reader", reader, 5)
    system.main(main)
    system.run(until=500_000)
    assert out == {"write": 8, "read": 8, "value": 5}


def test_a_writer_aborted_while_waiting_adds_nothing() -> None:
    system, _ = _system()
    out = {}

    def writer(_: Args) -> Script:
        value = system.thread_named("writer").stack_start + 64
        system.cpu.write_memory(value, struct.pack("<Q", 10))
        yield call("z_levante_eventfd_write", 3, value, 8)  # would pass the maximum

    def main(_: Args) -> Script:
        value = system.ram(8)
        system.cpu.write_memory(value, struct.pack("<Q", COUNT_MAX))
        yield call("z_levante_eventfd", 0, 0)
        yield call("z_levante_eventfd_write", 3, value, 8)
        yield call("k_sleep", 2)
        yield call("k_thread_abort", system.thread_named("writer").address)
        out["read"] = yield call("z_levante_eventfd_read", 3, value, 8)
        out["value"] = _value(system, value)
        out["drained"] = yield call("z_levante_eventfd_read", 3, value, 8)

    system.thread("writer", writer, 5)
    system.main(main)
    system.run(until=500_000)
    # The second read waits for ever (nothing was added): main never sets "drained".
    assert out == {"read": 8, "value": COUNT_MAX}


def test_a_poller_aborted_while_waiting_leaves_no_registration() -> None:
    """Polling a quiet eventfd, aborted: the eventfd keeps no poll wait of the dead
    thread's (repeated, each abort would leave one more)."""
    system, _ = _system()
    out = {}

    def poller(_: Args) -> Script:
        fds = system.thread_named("poller").stack_start + 64
        system.cpu.write_memory(fds, struct.pack("<ihh", 3, POLLIN, 0))
        yield call("z_levante_zsock_poll", fds, 1, -1)

    def main(_: Args) -> Script:
        yield call("z_levante_eventfd", 0, 0)
        yield call("k_sleep", 2)
        yield call("k_thread_abort", system.thread_named("poller").address)
        out["pollers"] = len(system.kernel.sockets.eventfds[3].pollers)

    system.thread("poller", poller, 5)
    system.main(main)
    system.run(until=500_000)
    assert out == {"pollers": 0}


def test_the_slot_table_fills_empties_and_fills_again() -> None:
    system, _ = _system()
    rounds: list[list[int]] = []

    def main(_: Args) -> Script:
        for _round in range(2):
            made = []
            for _ in range(EVENTFD_MAX + 1):
                made.append((yield call("z_levante_eventfd", 0, 0)))
            rounds.append(made)
            for descriptor in made[:EVENTFD_MAX]:
                yield call("z_levante_zsock_close", descriptor)

    system.main(main)
    system.run(until=500_000)
    expected = [*range(3, 3 + EVENTFD_MAX), -ERRNO["ENOMEM"]]
    assert rounds == [expected, expected]
    assert system.kernel.sockets.eventfds == {}


def test_a_read_into_a_buffer_straddling_the_partition_end_faults_only_its_thread() -> None:
    """The user thread's 8-byte destination starts 4 bytes before its stack ends: it
    oopses, the counter keeps its value and main reads it whole."""
    system, slot = _system()
    out = {}

    def user(_: Args) -> Script:
        thread = system.thread_named("user")
        yield call("z_levante_eventfd_read", 3, thread.stack_start + thread.stack_size - 4, 8)

    def main(_: Args) -> Script:
        yield call("z_levante_eventfd", 9, 0)
        yield call("k_object_access_grant", slot, system.thread_named("user").address)
        yield call("k_sleep", 2)
        value = system.ram(8)
        out["read"] = yield call("z_levante_eventfd_read", 3, value, 8)
        out["value"] = _value(system, value)

    system.thread("user", user, 5, options=K_USER)
    system.main(main)
    system.run(until=500_000)
    assert out == {"read": 8, "value": 9}
    assert [(event["thread"], event["reason"]) for event in system.events("fault")] == [
        ("user", "K_ERR_KERNEL_OOPS")]
