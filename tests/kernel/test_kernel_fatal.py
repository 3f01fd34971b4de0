"""Fatal errors: bad system calls, oopses, CPU faults, the handler callback, halting."""

from __future__ import annotations

import struct

import pytest
from mock_cpu import (
    K_FOREVER,
    Args,
    MockSystem,
    Script,
    call,
    halting_fatal_handler,
    mark,
    returning_fatal_handler,
    run,
)

from levante.abi import SVC_EXCEPT, SYSCALLS, THREAD_OPTIONS
from levante.arch.interface import AccessKind
from levante.kernel.fatal import (
    K_ERR_CPU_EXCEPTION,
    K_ERR_KERNEL_OOPS,
    K_ERR_KERNEL_PANIC,
)
from levante.kernel.kernel import RunEnd
from levante.kernel.thread import ThreadState

K_ESSENTIAL = THREAD_OPTIONS["K_ESSENTIAL"]


def survivor(_: Args) -> Script:
    """A thread that must keep running after another one faults."""
    for index in range(3):
        yield run(1_000)
        yield mark(f"survivor {index}")
        yield call("k_sleep", 1)


def faulty_system(*, handler_returns: bool = True) -> MockSystem:
    """A system with a survivor thread and a fatal error handler that returns (or halts)."""
    system = MockSystem()
    system.fatal_handler(returning_fatal_handler if handler_returns else halting_fatal_handler)
    system.thread("survivor", survivor, 6)
    return system


@pytest.mark.parametrize("number", [0, 0xFFFFFFFF, 0x80000000, len(SYSCALLS) + 1])
def test_bad_syscall_number_oopses_the_caller_only(number: int) -> None:
    system = faulty_system()

    def bad(_: Args) -> Script:
        yield mark("bad: before")
        result = yield call(number, 1, 2, 3, 4, 5, 6)
        yield mark(f"bad: after {result}")

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.IDLE
    assert [(f.thread, f.reason) for f in system.kernel.faults] == [("bad", K_ERR_KERNEL_OOPS)]
    assert system.thread_named("bad").state is ThreadState.DEAD
    assert system.labels() == ["bad: before", "survivor 0", "survivor 1", "survivor 2"]
    assert system.kernel.halted_reason is None
    assert f"invalid system call number {number:#x}" in system.output()
    assert ">>> LEVANTE FATAL ERROR 3: Kernel oops on CPU 0" in system.output()


def test_bad_syscall_number_with_the_default_handler_halts() -> None:
    system = faulty_system(handler_returns=False)

    def bad(_: Args) -> Script:
        yield call(0xFFFFFFFF)

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.HALTED
    assert system.kernel.halted_reason == K_ERR_KERNEL_OOPS
    assert system.labels() == []
    assert system.events("halt") == [
        {"cycle": system.kernel.now, "event": "halt", "reason": K_ERR_KERNEL_OOPS}]


@pytest.mark.parametrize("pointer", ["unregistered", "mutex", "unmapped", "null"])
def test_sem_give_with_a_non_semaphore_pointer_oopses(pointer: str) -> None:
    system = faulty_system()
    addresses = {
        "unregistered": system.ram(16),
        "mutex": system.mutex(),
        "unmapped": 0x6000_0000,
        "null": 0,
    }

    def bad(_: Args) -> Script:
        yield call("k_sem_give", addresses[pointer])
        yield mark("unreachable")

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.IDLE
    assert [(f.thread, f.reason) for f in system.kernel.faults] == [("bad", K_ERR_KERNEL_OOPS)]
    assert "survivor 2" in system.labels()


def test_oops_never_escapes_as_an_exception() -> None:
    """Many kinds of invalid calls, each in its own thread: every one is a fault record."""
    system = faulty_system()
    sem = system.sem(0, 1)
    bad_calls: list[tuple[str, tuple[int, ...]]] = [
        ("k_sem_take", (0x1234, K_FOREVER)),
        ("k_mutex_unlock", (sem,)),
        ("k_msgq_put", (sem, 0x2000_0000, 0)),
        ("k_timer_start", (sem, 1, 1)),
        ("k_event_post", (sem, 1)),
        ("k_thread_join", (sem, K_FOREVER)),
        ("k_thread_resume", (0x2000_0004,)),
        ("k_thread_priority_set", (0, 99)),
        ("k_str_out", (0x7000_0000, 16)),  # unmapped: the kernel's read fails
        ("k_thread_name_copy", (0x2000_0000, 0x7000_0000, 32)),
        ("k_timer_status_sync", (0xFFFF_FFFC,)),
    ]
    for index, (name, args) in enumerate(bad_calls):
        def bad(_: Args, name: str = name, args: tuple[int, ...] = args) -> Script:
            yield call(name, *args)
            yield mark(f"{name}: returned")

        system.thread(f"bad{index}", bad, 5)
    assert system.run() is RunEnd.IDLE
    assert len(system.kernel.faults) == len(bad_calls)
    assert {f.thread for f in system.kernel.faults} == {f"bad{i}" for i in range(len(bad_calls))}
    reasons = [f.reason for f in system.kernel.faults]
    assert reasons.count(K_ERR_CPU_EXCEPTION) == 2  # the two unmapped accesses
    assert [label for label in system.labels() if "survivor" not in label] == []
    assert "survivor 2" in system.labels()


def test_cpu_fault_aborts_the_thread_and_reports() -> None:
    system = faulty_system()

    def bad(_: Args) -> Script:
        yield run(10)
        yield ("fault", "data access violation", 0x5000_0000, AccessKind.READ)

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.IDLE
    (fault,) = system.kernel.faults
    assert (fault.thread, fault.reason) == ("bad", K_ERR_CPU_EXCEPTION)
    assert fault.cpu_fault is not None and fault.cpu_fault.address == 0x5000_0000
    output = system.output()
    assert "***** DATA ACCESS VIOLATION *****" in output
    assert "Faulting read address: 0x50000000" in output
    assert "Current context: thread 'bad'" in output
    assert "survivor 2" in system.labels()


@pytest.mark.parametrize(("reason", "expected"), [
    (K_ERR_KERNEL_OOPS, K_ERR_KERNEL_OOPS), (K_ERR_KERNEL_PANIC, K_ERR_KERNEL_PANIC),
])
def test_k_oops_and_k_panic_from_a_thread(reason: int, expected: int) -> None:
    system = faulty_system()

    def bad(_: Args) -> Script:
        yield ("svc", SVC_EXCEPT, reason)

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.IDLE
    assert [f.reason for f in system.kernel.faults] == [expected]


def test_unexpected_svc_number_is_a_cpu_exception() -> None:
    system = faulty_system()

    def bad(_: Args) -> Script:
        yield ("svc", 9)

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.IDLE
    assert [f.reason for f in system.kernel.faults] == [K_ERR_CPU_EXCEPTION]
    assert "unexpected SVC #9" in system.output()


def test_fatal_error_in_an_essential_thread_halts() -> None:
    system = faulty_system()  # the handler returns, but the kernel must not recover

    def essential(_: Args) -> Script:
        yield ("fault", "undefined instruction")

    system.thread("essential", essential, 5, options=K_ESSENTIAL)
    assert system.run() is RunEnd.HALTED
    assert system.kernel.halted_reason == K_ERR_CPU_EXCEPTION
    assert "Attempted to recover from a fatal error in an essential thread" in system.output()
    assert system.labels() == []


def test_handler_receives_reason_and_exception_frame() -> None:
    system = faulty_system()
    seen: list[tuple[int, tuple[int, ...], int]] = []

    def handler(args: Args) -> Script:
        reason, esf = args
        frame = yield ("read", esf, 32)
        in_isr = yield call("k_is_in_isr")
        seen.append((reason, struct.unpack("<8I", frame), in_isr))

    system.fatal_handler(handler)

    def bad(_: Args) -> Script:
        yield call(0, 0x11, 0x22, 0x33, 0x44)

    system.thread("bad", bad, 5)
    system.run()
    ((reason, frame, in_isr),) = seen
    assert reason == K_ERR_KERNEL_OOPS
    assert frame[:4] == (0x11, 0x22, 0x33, 0x44)
    bad_context = next(c for c in system.cpu.contexts if c.name == "bad")
    assert frame[6] == bad_context.pc  # the faulting pc
    assert in_isr == 1
    assert system.kernel.faults[0].pc == bad_context.pc


def test_handler_halting_with_its_own_reason() -> None:
    system = faulty_system()

    def handler(_: Args) -> Script:
        yield call("k_fatal_halt", 42)

    system.fatal_handler(handler)

    def bad(_: Args) -> Script:
        yield ("svc", SVC_EXCEPT, K_ERR_KERNEL_OOPS)

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.HALTED
    assert system.kernel.halted_reason == 42


@pytest.mark.parametrize("how", ["fault", "bad syscall", "k_oops"])
def test_fatal_error_inside_the_handler_halts(how: str) -> None:
    system = faulty_system()

    def handler(_: Args) -> Script:
        if how == "fault":
            yield ("fault", "undefined instruction")
        elif how == "bad syscall":
            yield call(0)
        else:
            yield ("svc", SVC_EXCEPT, K_ERR_KERNEL_OOPS)

    system.fatal_handler(handler)

    def bad(_: Args) -> Script:
        yield call(0)

    system.thread("bad", bad, 5)
    assert system.run() is RunEnd.HALTED
    assert len(system.kernel.faults) == 2
    assert system.kernel.faults[1].in_isr


def test_fault_in_a_timer_expiry_function_halts() -> None:
    system = faulty_system()

    def expiry(_: Args) -> Script:
        yield ("fault", "data access violation", 0, AccessKind.WRITE)

    timer = system.timer(expiry)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 1, 0)

    system.main(main)
    assert system.run() is RunEnd.HALTED
    (fault,) = system.kernel.faults
    assert fault.in_isr
    assert "Attempted to recover from a fatal error in an ISR" in system.output()


def test_callback_contexts_are_released() -> None:
    system = faulty_system()

    def expiry(_: Args) -> Script:
        yield run(100)

    timer = system.timer(expiry)

    def main(_: Args) -> Script:
        yield call("k_timer_start", timer, 1, 1)
        yield call("k_sleep", 5)
        yield call(0)  # oops: the handler runs as a callback too

    system.main(main)
    system.run(until=100_000)
    callbacks = [c for c in system.cpu.contexts if not c.is_thread]
    assert len(callbacks) > 5
    assert all(c.released for c in callbacks)
    assert system.thread_named("main").state is ThreadState.DEAD


def test_handler_may_abort_the_faulting_thread_itself() -> None:
    system = faulty_system()

    def handler(_: Args) -> Script:
        tid = yield call("k_current_get")  # the interrupted (faulting) thread
        yield call("k_thread_abort", tid)

    system.fatal_handler(handler)

    def bad(_: Args) -> Script:
        yield ("svc", SVC_EXCEPT, K_ERR_KERNEL_OOPS)

    bad_tid = system.thread("bad", bad, 5)
    assert system.run() is RunEnd.IDLE
    assert system.kernel.threads[bad_tid].state is ThreadState.DEAD
    assert [e["thread"] for e in system.events("thread_exit")].count("bad") == 1
    assert "survivor 2" in system.labels()
