"""The Cortex-M CPU backend: runs thread contexts on Unicorn, stops on SVCs and faults.

Design notes:
- Time: the C block clock (`_blockclock`) counts executed instructions per translation
  block and stops emulation when the kernel's budget is spent, so slices end at the same
  instruction every run and the kernel can read how far a thread got when an SVC stops it.
- Contexts: the registers of the context last run stay in Unicorn; switching saves them
  with `context_save` and restores the next one.  Writes to a context that is not loaded
  go straight into its saved copy.
- Faults: Unicorn's memory and interrupt hooks record what went wrong and stop; the
  kernel receives a decoded `CpuFault`.  Division by zero traps as with CCR.DIV_0_TRP,
  which Zephyr sets: the SDIV/UDIV instructions of the image get a code hook each.
- Hints: QEMU ends a block at WFE and YIELD and raises an exception Unicorn reports as an
  invalid instruction; on Cortex-M they are hints, so the backend lets the thread go on.
  WFI halts QEMU's CPU and ends the run: the kernel gets WAIT_FOR_INTERRUPT.  Both are
  told from a real undefined instruction by the pc: at the end of the block, past the
  hint, rather than at the faulting instruction.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from unicorn import (
    UC_ARCH_ARM,
    UC_ERR_EXCEPTION,
    UC_ERR_FETCH_UNMAPPED,
    UC_ERR_INSN_INVALID,
    UC_ERR_READ_UNMAPPED,
    UC_ERR_WRITE_UNMAPPED,
    UC_HOOK_CODE,
    UC_HOOK_INSN_INVALID,
    UC_HOOK_INTR,
    UC_HOOK_MEM_INVALID,
    UC_MEM_FETCH_PROT,
    UC_MEM_FETCH_UNMAPPED,
    UC_MEM_READ_PROT,
    UC_MEM_READ_UNMAPPED,
    UC_MEM_WRITE_PROT,
    UC_MEM_WRITE_UNMAPPED,
    UC_MODE_MCLASS,
    UC_MODE_THUMB,
    UC_PROT_ALL,
    UC_PROT_EXEC,
    UC_PROT_NONE,
    UC_PROT_READ,
    Uc,
    UcError,
)
from unicorn import arm_const as arm
from unicorn.unicorn_py3.unicorn import UcContext

from levante.arch.cortex_m import _blockclock
from levante.arch.cortex_m.debugging import DebugSupport
from levante.arch.cortex_m.native import engine_handle, entry_point
from levante.arch.cortex_m.protection import PageProtection
from levante.arch.cortex_m.thumb import (
    HINT_WFE,
    HINT_WFI,
    HINT_YIELD,
    hint_number,
    last_instruction,
)
from levante.arch.interface import (
    AccessKind,
    CpuFault,
    MemoryAccessError,
    MemoryView,
    StopEvent,
    StopKind,
    SvcHandler,
    ThreadStart,
)
from levante.arch.mpu import mpu_model
from levante.config import Board

_CPU_MODELS = {
    "cortex-m4": arm.UC_CPU_ARM_CORTEX_M4,
    "cortex-m33": arm.UC_CPU_ARM_CORTEX_M33,
}

_REGISTER_IDS = (
    arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3,
    arm.UC_ARM_REG_R4, arm.UC_ARM_REG_R5, arm.UC_ARM_REG_R6, arm.UC_ARM_REG_R7,
    arm.UC_ARM_REG_R8, arm.UC_ARM_REG_R9, arm.UC_ARM_REG_R10, arm.UC_ARM_REG_R11,
    arm.UC_ARM_REG_R12, arm.UC_ARM_REG_SP, arm.UC_ARM_REG_LR, arm.UC_ARM_REG_PC,
)
# r0-r6: the system call's arguments and number.
_GENERAL_REGISTERS = _REGISTER_IDS[:7]
_FRAME_REGISTERS = (
    arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3,
    arm.UC_ARM_REG_R12, arm.UC_ARM_REG_LR, arm.UC_ARM_REG_PC, arm.UC_ARM_REG_XPSR,
)
_ARGUMENT_REGISTERS = _GENERAL_REGISTERS[:4]

# QEMU's exception numbers as Unicorn reports them to interrupt hooks.
_EXCP_UDEF = 1
_EXCP_SWI = 2
_EXCP_PREFETCH_ABORT = 3
_EXCP_DATA_ABORT = 4
_EXCP_BKPT = 7
_EXCP_STKOF = 19  # ARMv8-M stack limit violation (UsageFault STKOF)
_EXCEPTION_NAMES = {
    _EXCP_UDEF: "undefined instruction",
    _EXCP_PREFETCH_ABORT: "instruction fetch fault",
    _EXCP_DATA_ABORT: "data access fault",
    _EXCP_BKPT: "breakpoint",
}

_MEMORY_FAULTS = {
    UC_MEM_READ_UNMAPPED: (AccessKind.READ, "read from unmapped memory"),
    UC_MEM_WRITE_UNMAPPED: (AccessKind.WRITE, "write to unmapped memory"),
    UC_MEM_FETCH_UNMAPPED: (AccessKind.EXECUTE, "instruction fetch from unmapped memory"),
    UC_MEM_READ_PROT: (AccessKind.READ, "MPU fault: data read access violation"),
    UC_MEM_WRITE_PROT: (AccessKind.WRITE, "MPU fault: data write access violation"),
    UC_MEM_FETCH_PROT: (AccessKind.EXECUTE, "MPU fault: instruction access violation"),
}

_MPU_FAULTS = {kind: what for access, (kind, what) in _MEMORY_FAULTS.items()
               if access in (UC_MEM_READ_PROT, UC_MEM_WRITE_PROT, UC_MEM_FETCH_PROT)}

_XPSR_THUMB = 1 << 24
# The last halfword of WFI (16-bit) or WFI.W: a cheap first test before decoding a block.
_WFI_LAST_HALFWORDS = (b"\x30\xbf", b"\x03\x80")
_CONTROL_NPRIV = 1  # CONTROL.nPRIV: thread mode is unprivileged
# Where a context that returns from its entry function lands: never mapped.
_NO_RETURN_ADDRESS = 0xDEADBEEF
_NEVER_REACHED = 0xFFFFFFFE
# A page outside the board's memory (at the top of the Code region, where execution is
# architecturally allowed), executable only while the backend itself runs a privileged
# instruction there (MSR MSPLIM, which Unicorn has no register id for).
_STUB_PAGE = 0x1FFF_FC00
_STUB_PAGE_SIZE = 0x400
_SET_MSPLIM_R0 = bytes.fromhex("80f30a88")  # msr MSPLIM, r0 (T1, SYSm = 0x0a)
_UNLIMITED = (1 << 64) - 1
# An SVC served inline after which the thread must stop: reported as a spent budget.
_SERVED_AND_STOPPED = StopEvent(StopKind.BUDGET, 0)


@dataclass(eq=False)
class ArmContext:
    """One execution context: either fresh (start registers) or a saved Unicorn context."""

    start: ThreadStart
    saved: UcContext | None = None
    pc: int = 0
    fresh: bool = True
    pending: dict[int, int] = field(default_factory=dict)
    view: MemoryView | None = None  # None: privileged


def _function_address(value: int) -> int:
    return value & ~1


class UnicornCpu(DebugSupport):
    """A Cortex-M core with the board's flash and SRAM, running kernel-chosen contexts.

    A user context's view is enforced to the 32-byte MPU granule (see `protection`);
    breakpoints and single steps for a debugger come from `DebugSupport`."""

    def __init__(self, board: Board) -> None:
        self.board = board
        # Nonzero while Unicorn runs code: Python then runs only inside its callbacks,
        # where the binding catches any exception (a Ctrl-C too) and the kernel may be
        # halfway through a call, so the host defers what it would raise there.
        self.emulating = 0
        # Unicorn's binding is only partly typed: treat the engine as dynamic.
        self.uc: Any = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.uc.ctl_set_cpu_model(_CPU_MODELS[board.cpu])
        for region in (board.flash, board.sram):
            self.uc.mem_map(region.base, region.size, UC_PROT_ALL)
        self._protection = PageProtection(
            self.uc, [(region.base, region.end) for region in (board.flash, board.sram)]
        )
        self._clock = _blockclock.BlockClock(
            uc=engine_handle(self.uc),
            hook_add=entry_point("uc_hook_add"),
            hook_del=entry_point("uc_hook_del"),
            emu_stop=entry_point("uc_emu_stop"),
            mem_read=entry_point("uc_mem_read"),
            reg_read_batch=entry_point("uc_reg_read_batch"),
            reg_write_batch=entry_point("uc_reg_write_batch"),
            frame_ids=(*_GENERAL_REGISTERS, arm.UC_ARM_REG_PC),
        )
        if mpu_model(board.mpu_model).HAS_STACK_LIMIT:
            self.uc.mem_map(_STUB_PAGE, _STUB_PAGE_SIZE, UC_PROT_NONE)
            self.uc.mem_write(_STUB_PAGE, _SET_MSPLIM_R0)
        self.uc.hook_add(UC_HOOK_INTR, self._on_interrupt)
        self.uc.hook_add(UC_HOOK_MEM_INVALID, self._on_invalid_memory)
        self.uc.hook_add(UC_HOOK_INSN_INVALID, self._on_invalid_instruction)
        self._loaded: ArmContext | None = None
        self._stop: StopEvent | None = None
        self._on_svc: SvcHandler | None = None
        self._run_started = 0
        self._frame: tuple[int, ...] | None = None  # r0-r6, pc of the loaded context at its SVC
        self._svc_numbers: dict[int, int] = {}
        self._base_context = self.uc.context_save()
        self._init_debugging()

    # ---- loading ---------------------------------------------------------------------

    def load(self, address: int, data: bytes) -> None:
        self.write_memory(address, data)
        self._clock.invalidate()

    def trap_division_by_zero(self, instruction_addresses: Sequence[int]) -> None:
        for address in instruction_addresses:
            self.uc.hook_add(UC_HOOK_CODE, self._on_division, begin=address, end=address)

    # ---- contexts --------------------------------------------------------------------

    def new_context(self, start: ThreadStart) -> ArmContext:
        return ArmContext(start=start, pc=_function_address(start.entry))

    def release_context(self, context: Any) -> None:
        if self._loaded is context:
            self._loaded = None

    def set_memory_view(self, context: Any, view: MemoryView | None) -> None:
        context.view = view

    def _switch_to(self, context: ArmContext) -> None:
        if self._loaded is context:
            return
        if self._loaded is not None:
            self._loaded.saved = self.uc.context_save()
        if context.fresh:
            self._initialise(context)
        else:
            assert context.saved is not None
            self.uc.context_restore(context.saved)
        self._loaded = context
        if context.pending:
            self.uc.reg_write_batch(list(context.pending.items()))
            context.pending.clear()

    def _initialise(self, context: ArmContext) -> None:
        start = context.start
        self.uc.context_restore(self._base_context)
        registers = [
            (arm.UC_ARM_REG_SP, start.stack_top),
            (arm.UC_ARM_REG_LR, start.return_address | 1 if start.return_address
             else _NO_RETURN_ADDRESS),
            (arm.UC_ARM_REG_XPSR, _XPSR_THUMB),
        ]
        registers += list(zip(_ARGUMENT_REGISTERS, start.arguments, strict=False))
        if start.stack_limit:
            self._set_stack_limit(start.stack_limit)
        if not start.privileged:
            registers.append((arm.UC_ARM_REG_CONTROL, _CONTROL_NPRIV))
        self.uc.reg_write_batch(registers)
        context.fresh = False

    def _set_stack_limit(self, limit: int) -> None:
        """MSPLIM := limit, by running one MSR in the context being initialised (still
        privileged); the register then travels with the context's saved state."""
        self.uc.mem_protect(_STUB_PAGE, _STUB_PAGE_SIZE, UC_PROT_EXEC | UC_PROT_READ)
        end = _STUB_PAGE + len(_SET_MSPLIM_R0)
        try:
            self.uc.reg_write(arm.UC_ARM_REG_R0, limit)
            self.emulating += 1
            self.uc.emu_start(_STUB_PAGE | 1, end)
        finally:
            self.emulating -= 1
            self.uc.mem_protect(_STUB_PAGE, _STUB_PAGE_SIZE, UC_PROT_NONE)
        if self.uc.reg_read(arm.UC_ARM_REG_PC) != end:
            raise RuntimeError("the CPU did not accept a stack limit (MSR MSPLIM)")

    def _registers(self, context: ArmContext, ids: Sequence[int]) -> tuple[int, ...]:
        if self._loaded is context and ids is _GENERAL_REGISTERS:
            frame = self._frame if self._frame is not None else self._clock.read_frame()
            return frame[:7]
        if self._loaded is context:
            return tuple(self.uc.reg_read_batch(list(ids)))
        if context.fresh or context.saved is None:
            values = dict(zip(_ARGUMENT_REGISTERS, context.start.arguments, strict=False))
            values[arm.UC_ARM_REG_PC] = context.pc
            return tuple(values.get(register, 0) for register in ids)
        return tuple(context.saved.reg_read_batch(list(ids)))

    def syscall_registers(self, context: Any) -> tuple[int, ...]:
        return self._registers(context, _GENERAL_REGISTERS)

    def exception_frame(self, context: Any) -> tuple[int, ...]:
        values = list(self._registers(context, _FRAME_REGISTERS))
        values[6] = context.pc
        return tuple(values)

    def stack_pointer(self, context: Any) -> int:
        return self._registers(context, (arm.UC_ARM_REG_SP,))[0]

    def set_return_value(self, context: Any, low: int, high: int | None = None) -> None:
        if self._loaded is context:
            self._clock.set_result(low, high)
            return
        context.pending[arm.UC_ARM_REG_R0] = low
        if high is not None:
            context.pending[arm.UC_ARM_REG_R1] = high

    # ---- running ---------------------------------------------------------------------

    def run(self, context: Any, budget: int, on_svc: SvcHandler | None = None) -> StopEvent:
        self._switch_to(context)
        self._protection.apply(context.view)
        started = self._clock.executed
        self._run_started = started
        self._clock.limit = started + max(1, budget)
        self._stop = None
        self._on_svc = on_svc
        stepping, stepped = self._begin_step(context), False
        try:
            self.emulating += 1
            self.uc.emu_start(context.pc | 1, _NEVER_REACHED)
        except UcError as error:
            if self._stop is None or self._stop.kind is not StopKind.FAULT:
                self._stop = self._fault_from_error(error)
        finally:
            self.emulating -= 1
            self._clock.limit = _UNLIMITED
            if stepping:
                stepped = self._end_step()
        violation = self._protection.take_violation()
        if violation is not None and (self._stop is None or self._stop.kind is not StopKind.FAULT):
            # Refused by the granule guard without a Unicorn fault: an instruction fetch.
            address, access = violation
            self._stop = self._fault(_MPU_FAULTS[access], address, address, access)
        cycles = self._clock.executed - started
        stop = self._stop
        if stop is None or stop.kind is not StopKind.FAULT:
            context.pc = self.uc.reg_read(arm.UC_ARM_REG_PC)
        elif stop.fault is not None:
            # The exception frame's pc is the faulting instruction (as the hardware stacks).
            context.pc = stop.fault.pc
        if stop is None:
            if self._ended_on_wfi(context.pc):
                return StopEvent(StopKind.WAIT_FOR_INTERRUPT, cycles)
            return StopEvent(StopKind.STEP if stepped else StopKind.BUDGET, cycles)
        if stepped and stop.kind is StopKind.BUDGET:
            return StopEvent(StopKind.STEP, cycles)  # a system call served, then stopped
        return StopEvent(stop.kind, cycles, stop.svc_number, stop.fault)

    def _fault(self, description: str, pc: int, address: int | None = None,
               access: AccessKind | None = None) -> StopEvent:
        return StopEvent(StopKind.FAULT, 0, fault=CpuFault(description, pc, address, access))

    def _fault_from_error(self, error: UcError) -> StopEvent:
        pc = self.uc.reg_read(arm.UC_ARM_REG_PC)
        descriptions = {
            UC_ERR_INSN_INVALID: "undefined instruction",
            UC_ERR_FETCH_UNMAPPED: "instruction fetch from unmapped memory",
            UC_ERR_READ_UNMAPPED: "read from unmapped memory",
            UC_ERR_WRITE_UNMAPPED: "write to unmapped memory",
            UC_ERR_EXCEPTION: "unhandled CPU exception",
        }
        return self._fault(descriptions.get(error.errno, f"CPU error: {error}"), pc)

    def _on_interrupt(self, uc: Uc, number: int, _: object) -> None:
        frame = self._clock.read_frame()
        pc = frame[7]
        if number == _EXCP_SWI:
            svc_number = self._svc_number(pc - 2)
            if self._on_svc is not None:
                # Served without leaving the emulator when the thread may simply go on.
                self._frame = frame
                try:
                    remaining = self._on_svc(svc_number, self._clock.executed - self._run_started)
                finally:
                    self._frame = None
                if remaining is not None and remaining > 0:
                    self._clock.limit = self._clock.executed + remaining
                    return
                if remaining is not None:
                    self._stop = _SERVED_AND_STOPPED  # (and no WFI to look for)
                    uc.emu_stop()
                    return
            self._stop = StopEvent(StopKind.SVC, 0, svc_number=svc_number)
        elif number == _EXCP_STKOF:
            # Raised before the store: nothing below the limit was written.
            self._stop = StopEvent(StopKind.FAULT, 0, fault=CpuFault(
                "stack overflow: stack limit (MSPLIM) violation", pc, stack_limit=True))
        else:
            description = _EXCEPTION_NAMES.get(number, f"CPU exception {number}")
            self._stop = self._fault(description, pc)
        uc.emu_stop()

    def _on_invalid_instruction(self, uc: Uc, _: object) -> bool:
        """True (go on) for WFE and YIELD, which QEMU raises as exceptions."""
        pc = uc.reg_read(arm.UC_ARM_REG_PC)
        if not uc.reg_read(arm.UC_ARM_REG_XPSR) & _XPSR_THUMB:
            return False  # an invalid state (a jump to an ARM address), never a hint
        return self._hint_ending_block_at(pc) in (HINT_WFE, HINT_YIELD)

    def _ended_on_wfi(self, pc: int) -> bool:
        """Whether the run stopped because the thread executed WFI (QEMU halts there)."""
        if bytes(self.uc.mem_read(pc - 2, 2)) not in _WFI_LAST_HALFWORDS:
            return False
        return self._hint_ending_block_at(pc) == HINT_WFI

    def _hint_ending_block_at(self, pc: int) -> int | None:
        """The hint that ends the block entered last, if that block ends at pc."""
        address, size = self._clock.last_block
        if size == 0 or address + size != pc:
            return None
        return hint_number(last_instruction(bytes(self.uc.mem_read(address, size))))

    def _svc_number(self, address: int) -> int:
        number = self._svc_numbers.get(address)
        if number is None:
            number = self.uc.mem_read(address, 2)[0]
            self._svc_numbers[address] = number
        return number

    def _on_invalid_memory(self, uc: Uc, access: int, address: int, size: int, value: int,
                           _: object) -> bool:
        kind, what = _MEMORY_FAULTS.get(access, (AccessKind.READ, "memory access violation"))
        pc = address if kind is AccessKind.EXECUTE else uc.reg_read(arm.UC_ARM_REG_PC)
        self._stop = self._fault(what, pc, address, kind)
        return False

    def _on_division(self, uc: Uc, address: int, size: int, _: object) -> None:
        # SDIV/UDIV T1: the divisor register Rm is the low nibble of the second halfword.
        second_half = struct.unpack("<H", uc.mem_read(address + 2, 2))[0]
        if uc.reg_read(_REGISTER_IDS[second_half & 0xF]) == 0:
            self._stop = self._fault("divide by zero", address)
            uc.reg_write(arm.UC_ARM_REG_PC, address | 1)
            uc.emu_stop()

    # ---- memory ----------------------------------------------------------------------

    def read_memory(self, address: int, size: int) -> bytes:
        try:
            return bytes(self.uc.mem_read(address, size))
        except UcError as error:
            raise MemoryAccessError(address, size) from error

    def write_memory(self, address: int, data: bytes) -> None:
        try:
            self.uc.mem_write(address, bytes(data))
        except UcError as error:
            raise MemoryAccessError(address, len(data)) from error

    @property
    def executed_instructions(self) -> int:
        return int(self._clock.executed)
