"""Hint instructions on UnicornCpu, both boards: NOP, YIELD, WFE and SEV execute as no-ops,
WFI stops the run with WAIT_FOR_INTERRUPT and the next run continues after it."""

from __future__ import annotations

import pytest
from thumb_machine import BOARDS, CODE_AT, FLASH_CODE, SVC_0, ThumbMachine

from levante.arch.interface import AccessRegion, MemoryView, StopKind

# 16-bit and 32-bit encodings (checked with arm-none-eabi-objdump).
HINTS = {
    "nop": "00bf", "yield": "10bf", "wfe": "20bf", "sev": "40bf",
    "nop.w": "aff30080", "yield.w": "aff30180", "wfe.w": "aff30280", "sev.w": "aff30480",
}
WFI = {"wfi": "30bf", "wfi.w": "aff30380"}
UDF_0 = "00de"


def hint_loop(hint: str) -> str:
    """movs r2, #3; 1: <hint>; adds r3, #1; subs r2, #1; bne 1b; svc 0"""
    branch_back = "fbd1" if len(hint) == 4 else "fad1"
    return "0322" + hint + "0133" + "013a" + branch_back + SVC_0


def view_for(machine: ThumbMachine) -> MemoryView:
    """The code and a stack: the same rules hold for user and supervisor contexts."""
    stack = AccessRegion(machine.ram + 0x3000, 0x1000, read=True, write=True)
    return (FLASH_CODE, stack)


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("privileged", [False, True], ids=["user", "supervisor"])
@pytest.mark.parametrize("name", sorted(HINTS))
def test_hints_execute_as_no_ops(board: str, privileged: bool, name: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(hint_loop(HINTS[name]), view_for(machine),
                            (0, 0, 0, 0), privileged)
    event = machine.run(context)
    assert event.kind is StopKind.SVC, event
    assert machine.registers(context)[2:] == (0, 3)  # three iterations, r2 counted down
    assert event.cycles == 1 + 3 * 4 + 1  # each hint is one instruction


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("hint", ["wfe", "yield"])
def test_an_undefined_instruction_after_a_hint_still_faults(board: str, hint: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start(HINTS[hint] + UDF_0, view_for(machine), privileged=False)
    event = machine.run(context)
    assert event.kind is StopKind.FAULT, event
    assert event.fault is not None
    assert event.fault.description == "undefined instruction"
    assert event.fault.pc == CODE_AT + 2


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("privileged", [False, True], ids=["user", "supervisor"])
@pytest.mark.parametrize("name", sorted(WFI))
def test_wfi_stops_the_run_and_the_next_run_continues_after_it(board: str, privileged: bool,
                                                                name: str) -> None:
    machine = ThumbMachine(board)
    wfi = WFI[name]
    # movs r0, #1; wfi; movs r1, #2; svc 0
    context = machine.start("0120" + wfi + "0221" + SVC_0, view_for(machine),
                            (0, 0), privileged)
    event = machine.run(context, budget=1000)
    assert event.kind is StopKind.WAIT_FOR_INTERRUPT, event
    assert event.cycles == 2  # movs and the WFI itself
    assert event.fault is None
    frame = machine.cpu.exception_frame(context)
    assert frame[:2] == (1, 0)
    assert frame[6] == CODE_AT + 2 + len(wfi) // 2  # pc past the WFI
    event = machine.run(context, budget=1000)
    assert event.kind is StopKind.SVC, event
    assert event.cycles == 2  # movs r1 and the svc: the WFI is not executed again
    assert machine.registers(context)[:2] == (1, 2)


@pytest.mark.parametrize("board", BOARDS)
def test_wfi_is_reported_once_whatever_the_budget(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start("0120" + WFI["wfi"] + "0221" + SVC_0, view_for(machine))
    kinds = [machine.run(context, budget=1).kind for _ in range(4)]
    while kinds and kinds[0] is StopKind.BUDGET:  # budget stops before the WFI ran
        kinds.pop(0)
    assert kinds[:2] == [StopKind.WAIT_FOR_INTERRUPT, StopKind.SVC]


@pytest.mark.parametrize("board", BOARDS)
def test_a_spent_budget_is_not_mistaken_for_wfi(board: str) -> None:
    machine = ThumbMachine(board)
    context = machine.start("fee7", view_for(machine))  # 1: b 1b
    event = machine.run(context, budget=50)
    assert event.kind is StopKind.BUDGET, event
    assert machine.cpu.exception_frame(context)[6] == CODE_AT
