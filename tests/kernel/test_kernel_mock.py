"""The mock CPU itself: budgets, register encoding, return values, memory, callbacks."""

from __future__ import annotations

import struct

import pytest
from mock_cpu import (
    K_FOREVER,
    RAM_BASE,
    RAM_SIZE,
    Z_THREAD_ENTRY,
    Args,
    MockContext,
    MockCpu,
    MockSystem,
    Script,
    call,
    make_config,
    mark,
    run,
    runtime_layout,
)

from levante.abi import RUNTIME_SYMBOLS, SVC_CALLBACK_RETURN, SVC_SYSCALL, SYSCALLS_BY_NAME
from levante.arch.interface import MemoryAccessError, StopKind, ThreadStart
from levante.kernel.syscalls.dispatch import decode_arguments


def thread_start(entry: int, *args: int) -> ThreadStart:
    """How the kernel starts a thread: z_thread_entry(entry, p1, p2, p3)."""
    return ThreadStart(Z_THREAD_ENTRY, RAM_BASE + 0x8000, (entry | 1, *args))


def test_layout_has_every_runtime_symbol() -> None:
    layout = runtime_layout()
    assert set(RUNTIME_SYMBOLS) <= set(layout.symbols)
    assert layout.address_of("z_thread_entry") == Z_THREAD_ENTRY & ~1
    assert make_config().cycles_per_tick == 10_000


def test_run_longer_than_budget_is_split() -> None:
    cpu = MockCpu()

    def script(_: Args) -> Script:
        yield run(250)
        yield call("k_yield")

    cpu.map_script(0x1000, script, "t")
    context = cpu.new_context(thread_start(0x1000))
    first = cpu.run(context, 100)
    assert (first.kind, first.cycles) == (StopKind.BUDGET, 100)
    second = cpu.run(context, 100)
    assert (second.kind, second.cycles) == (StopKind.BUDGET, 100)
    third = cpu.run(context, 100)
    assert (third.kind, third.cycles, third.svc_number) == (StopKind.SVC, 50, SVC_SYSCALL)
    assert cpu.syscall_registers(context)[6] == SYSCALLS_BY_NAME["k_yield"].number


def test_thread_arguments_and_exit_path() -> None:
    cpu = MockCpu()
    seen: list[Args] = []

    def script(args: Args) -> Script:
        seen.append(args)
        yield from ()

    cpu.map_script(0x1000, script, "t")
    context = cpu.new_context(thread_start(0x1000, 7, 8, 9))
    event = cpu.run(context, 10)
    assert seen == [(7, 8, 9)]
    assert event.kind is StopKind.SVC
    assert cpu.syscall_registers(context)[6] == SYSCALLS_BY_NAME["k_current_get"].number
    cpu.set_return_value(context, 0x20001234)
    cpu.run(context, 10)
    registers = cpu.syscall_registers(context)
    assert registers[6] == SYSCALLS_BY_NAME["k_thread_abort"].number
    assert registers[0] == 0x20001234


def test_callback_returns_with_svc_4() -> None:
    cpu = MockCpu()
    def callback(args: Args) -> Script:
        yield mark(f"cb{args}")

    cpu.map_script(0x2000, callback, "cb")
    context = cpu.new_context(ThreadStart(0x2001, RAM_BASE + 0x100, (5,), 0x301))
    event = cpu.run(context, 1000)
    assert (event.kind, event.svc_number) == (StopKind.SVC, SVC_CALLBACK_RETURN)
    assert cpu.marks[0].label == "cb(5,)"
    assert cpu.exception_frame(context)[5] == 0x301


def test_unmapped_entry_faults() -> None:
    cpu = MockCpu()
    context = cpu.new_context(thread_start(0x7000))
    event = cpu.run(context, 1000)
    assert event.kind is StopKind.FAULT
    assert event.fault is not None and event.fault.address == 0x7000


def test_syscall_with_more_than_six_arguments_spills_to_the_stack() -> None:
    system = MockSystem()
    kernel = system.kernel
    cpu = system.cpu
    args = (0x20010000, 0x20011000, 512, 0x1001, 1, 2, 3, 5, 0, K_FOREVER)

    def script(_: Args) -> Script:
        yield call("k_thread_create", *args)

    cpu.map_script(0x1000, script, "t")
    context = cpu.new_context(thread_start(0x1000))
    assert cpu.run(context, 10).kind is StopKind.SVC
    registers = list(cpu.syscall_registers(context))
    assert registers[:5] == list(args[:5])
    assert isinstance(context, MockContext)
    assert registers[5] < context.start.stack_top
    spilled = struct.unpack("<5I", cpu.read_memory(registers[5], 20))
    assert spilled == (2, 3, 5, 0, 0xFFFFFFFF)
    create = SYSCALLS_BY_NAME["k_thread_create"]
    decoded = decode_arguments(kernel, kernel.idle.caller, create, registers)
    assert decoded == list(args)


def test_return_values_are_decoded_by_abi_type() -> None:
    system = MockSystem()
    sem = system.sem(0, 1)
    results: list[object] = []

    def main(_: Args) -> Script:
        results.append((yield call("k_sem_take", sem, 0)))  # int: -EBUSY
        results.append((yield call("k_sem_count_get", sem)))  # unsigned int
        results.append((yield call("k_sem_give", sem)))  # void
        yield run(25_000)
        results.append((yield call("k_uptime_ticks")))  # int64_t in r0/r1

    system.main(main)
    system.run()
    assert results == [-16, 0, None, 2]


def test_memory_is_bounded() -> None:
    cpu = MockCpu()
    cpu.write_memory(RAM_BASE + RAM_SIZE - 4, b"abcd")
    assert cpu.read_memory(RAM_BASE + RAM_SIZE - 4, 4) == b"abcd"
    with pytest.raises(MemoryAccessError):
        cpu.read_memory(RAM_BASE + RAM_SIZE - 2, 4)
    with pytest.raises(MemoryAccessError):
        cpu.write_memory(0x4000_0000, b"x")


def test_marks_carry_kernel_time() -> None:
    system = MockSystem()

    def main(_: Args) -> Script:
        yield mark("a")
        yield run(1234)
        yield mark("b")

    system.main(main)
    system.run()
    assert system.mark_cycle("b") - system.mark_cycle("a") == 1234
