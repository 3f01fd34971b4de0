"""Debugging support of UnicornCpu: breakpoints stop before the instruction, a step runs
exactly one, only the watched context stops, and the clock counts only what executed."""

from __future__ import annotations

import pytest
from thumb_machine import BOARDS, CODE_AT, ThumbMachine

from levante.arch.cortex_m.debugging import PC_INDEX
from levante.arch.interface import StopKind

# movs r2, #3; 1: adds r3, #1; subs r2, #1; bne 1b; svc 0   (one translation block each
# way round the loop; 11 instructions in all)
LOOP = "0322" "0133" "013a" "fcd1" "00df"
ADDS, SUBS, BNE, SVC = CODE_AT + 2, CODE_AT + 4, CODE_AT + 6, CODE_AT + 8
LOOP_INSTRUCTIONS = 1 + 3 * 3 + 1
SVC_THEN_ADDS = "00df" "0133" "00df"  # svc 0; adds r3, #1; svc 0


def r2_r3(machine: ThumbMachine, context: object) -> tuple[int, int]:
    registers = machine.cpu.debug_registers(context)
    return registers[2], registers[3]


@pytest.mark.parametrize("board", BOARDS)
def test_a_breakpoint_stops_before_its_instruction_counting_what_ran(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(LOOP, None, privileged=True)
    machine.cpu.watched = context
    machine.cpu.set_breakpoint(SUBS)
    event = machine.run(context)
    assert event.kind is StopKind.BREAKPOINT
    assert event.cycles == 2  # movs, adds: subs (mid-block) has not run
    assert machine.cpu.debug_registers(context)[PC_INDEX] == SUBS
    assert r2_r3(machine, context) == (3, 1)


@pytest.mark.parametrize("board", BOARDS)
def test_a_step_runs_one_instruction_even_off_a_breakpoint(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(LOOP, None, privileged=True)
    cpu = machine.cpu
    cpu.watched = context
    cpu.set_breakpoint(SUBS)
    machine.run(context)
    cpu.request_step(context)
    event = machine.run(context)
    assert event.kind is StopKind.STEP and event.cycles == 1
    assert cpu.debug_registers(context)[PC_INDEX] == BNE
    assert r2_r3(machine, context) == (2, 1)
    assert cpu.step_requested is None  # done
    cpu.request_step(context)
    event = machine.run(context)  # the branch, back to the top of the loop
    assert event.kind is StopKind.STEP and event.cycles == 1
    assert cpu.debug_registers(context)[PC_INDEX] == ADDS


@pytest.mark.parametrize("board", BOARDS)
def test_stops_split_a_run_without_changing_its_count(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(LOOP, None, privileged=True)
    cpu = machine.cpu
    cpu.watched = context
    cpu.set_breakpoint(BNE)
    cycles, stops = 0, 0
    while True:
        event = machine.run(context)
        cycles += event.cycles
        if event.kind is StopKind.SVC:
            break
        assert event.kind in (StopKind.BREAKPOINT, StopKind.STEP)
        stops += 1
        if event.kind is StopKind.BREAKPOINT:
            cpu.request_step(context)  # step off it, as GDB does
    assert stops == 6  # three breakpoint hits, three steps
    assert cycles == LOOP_INSTRUCTIONS
    assert r2_r3(machine, context) == (0, 3)


@pytest.mark.parametrize("board", BOARDS)
def test_only_the_watched_context_stops(board: str) -> None:
    machine = ThumbMachine(board)
    watched = machine.start(LOOP, None, privileged=True)
    other = machine.context(None, privileged=True)
    machine.cpu.watched = watched
    machine.cpu.set_breakpoint(SUBS)
    machine.cpu.request_step(watched)
    event = machine.run(other)
    assert event.kind is StopKind.SVC and event.cycles == LOOP_INSTRUCTIONS
    assert machine.cpu.step_requested is watched  # still to be taken


@pytest.mark.parametrize("board", BOARDS)
def test_a_cleared_breakpoint_no_longer_stops(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(LOOP, None, privileged=True)
    machine.cpu.watched = context
    machine.cpu.set_breakpoint(SUBS)
    machine.cpu.clear_breakpoint(SUBS)
    assert machine.cpu.breakpoints == frozenset()
    event = machine.run(context)
    assert event.kind is StopKind.SVC and event.cycles == LOOP_INSTRUCTIONS


@pytest.mark.parametrize("board", BOARDS)
def test_stepping_over_a_system_call_served_inline(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(SVC_THEN_ADDS, None, privileged=True)
    machine.cpu.watched = context
    machine.cpu.request_step(context)
    served = []

    def serve(number: int, cycles: int) -> int:
        served.append(number)
        return 100  # the thread may go on

    event = machine.cpu.run(context, 1000, serve)
    assert served == [0]
    assert event.kind is StopKind.STEP and event.cycles == 1
    assert machine.cpu.debug_registers(context)[PC_INDEX] == CODE_AT + 2


@pytest.mark.parametrize("board", BOARDS)
def test_registers_of_a_fresh_context_and_a_written_pc(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(LOOP, None, (7, 8), privileged=True)
    registers = machine.cpu.debug_registers(context)
    assert registers[:2] == (7, 8)
    assert registers[13] == machine.ram + 0x3F00  # sp: the stack top
    assert registers[PC_INDEX] == CODE_AT
    assert registers[16] & (1 << 24)  # xpsr: Thumb
    machine.cpu.write_debug_register(context, PC_INDEX, SVC | 1)  # skip the loop
    machine.cpu.write_debug_register(context, 3, 42)
    event = machine.run(context)
    assert event.kind is StopKind.SVC and event.cycles == 1
    assert r2_r3(machine, context) == (0, 42)
