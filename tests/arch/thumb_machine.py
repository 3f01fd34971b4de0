"""Runs a few hand-encoded Thumb instructions on UnicornCpu, as a user or supervisor
context with a memory view, for the arch tests."""

from __future__ import annotations

from levante.arch.cortex_m.cpu import UnicornCpu
from levante.arch.interface import AccessRegion, MemoryView, StopEvent, ThreadStart
from levante.config import load_board

BOARDS = ("lv_m4", "lv_m33")  # ARMv7-M and ARMv8-M
CODE_AT = 0x1000
FLASH_CODE = AccessRegion(0, 0x4000, read=True, execute=True, name="code")

# Encodings checked with arm-none-eabi-as/objdump (Thumb, little-endian halfwords).
SVC_0 = "00df"
MOVS_R0_1 = "0120"
ADDS_R4_1 = "0134"


class ThumbMachine:
    """One board's CPU with code at CODE_AT and a filled SRAM."""

    def __init__(self, board: str) -> None:
        self.cpu = UnicornCpu(load_board(board))
        self.ram = self.cpu.board.sram.base
        self.ram_end = self.cpu.board.sram.end
        self.flash_end = self.cpu.board.flash.end
        # A byte pattern where each address holds a distinct value (low byte of offset).
        self.cpu.write_memory(self.ram, bytes(range(256)) * (0x4000 // 256))

    def start(self, code_hex: str, view: MemoryView | None, registers: tuple[int, ...] = (),
              privileged: bool = False) -> object:
        """A context at CODE_AT running `code_hex` with r0.. = registers."""
        self.cpu.load(CODE_AT, bytes.fromhex(code_hex))
        return self.context(view, registers, privileged)

    def context(self, view: MemoryView | None, registers: tuple[int, ...] = (),
                privileged: bool = False) -> object:
        """Another context at CODE_AT, running the code already loaded."""
        context = self.cpu.new_context(ThreadStart(
            entry=CODE_AT | 1, stack_top=self.ram + 0x3F00, arguments=registers,
            privileged=privileged))
        self.cpu.set_memory_view(context, view)
        return context

    def run(self, context: object, budget: int = 1000) -> StopEvent:
        return self.cpu.run(context, budget)

    def registers(self, context: object) -> tuple[int, ...]:
        """r0, r1, r2, r3 of a stopped context."""
        return self.cpu.exception_frame(context)[:4]

    def memory(self, address: int, size: int) -> bytes:
        return self.cpu.read_memory(address, size)

    def pattern(self, address: int, size: int) -> bytes:
        """What the filled SRAM holds at [address, address + size) before any store."""
        return bytes((address - self.ram + i) & 0xFF for i in range(size))
