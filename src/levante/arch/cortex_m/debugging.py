"""What a debugger needs from the Unicorn backend: breakpoints, single steps, and the
registers of any context.

Design notes:
- A breakpoint never writes into memory (flash keeps the image's bytes): it is a Unicorn
  code hook on its address that stops the run before the instruction executes.  Unicorn
  compiles hooks into a translation block when it translates the block, so setting or
  clearing one drops the cached translations of that address.  With no breakpoint set
  there is no hook, and a run costs exactly what it costs without a debugger.
- Only runs of the watched context stop (the thread the run loop is running, chosen by
  the debugger): callbacks in interrupt context, even those run in the middle of a
  thread's system call, go through.
- A single step puts a code hook on every address for one run of the stepping context
  and stops at the second instruction it sees; the whole translation cache is dropped
  before and after, so every block on the way calls the hook.
- The block clock counts a block when it enters it.  A stop in the middle of a block
  would count instructions that did not run: they are taken back, so the clock counts
  exactly what executed and a debugged run keeps the simulated time of an undebugged one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from unicorn import UC_HOOK_CODE
from unicorn import arm_const as arm

from levante.arch.cortex_m.thumb import instruction_count
from levante.arch.interface import StopEvent, StopKind

# GDB's order for an M-profile core: r0-r12, sp, lr, pc, xpsr.
DEBUG_REGISTER_IDS = (
    arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3,
    arm.UC_ARM_REG_R4, arm.UC_ARM_REG_R5, arm.UC_ARM_REG_R6, arm.UC_ARM_REG_R7,
    arm.UC_ARM_REG_R8, arm.UC_ARM_REG_R9, arm.UC_ARM_REG_R10, arm.UC_ARM_REG_R11,
    arm.UC_ARM_REG_R12, arm.UC_ARM_REG_SP, arm.UC_ARM_REG_LR, arm.UC_ARM_REG_PC,
    arm.UC_ARM_REG_XPSR,
)
PC_INDEX = 15
_LONGEST_INSTRUCTION = 4
_BREAKPOINT_STOP = StopEvent(StopKind.BREAKPOINT, 0)
_STEP_STOP = StopEvent(StopKind.STEP, 0)  # (the run reports how many cycles it took)


class DebugSupport:
    """Mixed into UnicornCpu: breakpoints, single steps, any context's registers."""

    # Provided by UnicornCpu.
    uc: Any
    _clock: Any
    _loaded: Any
    _stop: StopEvent | None
    _switch_to: Callable[[Any], None]
    write_memory: Callable[[int, bytes], None]

    def _init_debugging(self) -> None:
        self._breakpoint_hooks: dict[int, int] = {}
        # The context whose runs breakpoints and steps stop (None: no run stops).
        self.watched: Any = None
        self._step_context: Any = None
        self._step_hook: int | None = None
        self._step_executed = False

    # ---- breakpoints -----------------------------------------------------------------

    def set_breakpoint(self, address: int) -> None:
        """Stop the watched context before it executes the instruction at `address`."""
        if address in self._breakpoint_hooks:
            return
        self._breakpoint_hooks[address] = self.uc.hook_add(
            UC_HOOK_CODE, self._on_breakpoint, begin=address, end=address)
        self.uc.ctl_remove_cache(address, address + _LONGEST_INSTRUCTION)

    def clear_breakpoint(self, address: int) -> None:
        hook = self._breakpoint_hooks.pop(address, None)
        if hook is not None:
            self.uc.hook_del(hook)
            self.uc.ctl_remove_cache(address, address + _LONGEST_INSTRUCTION)

    @property
    def breakpoints(self) -> frozenset[int]:
        return frozenset(self._breakpoint_hooks)

    def _on_breakpoint(self, uc: Any, address: int, size: int, _: object) -> None:
        # A step stops at the next instruction anyway, and must execute the one it
        # starts at even where a breakpoint is set (stepping off a breakpoint).
        if self._loaded is not self.watched or self._stop is not None or self._step_hook:
            return
        self._stop_before(address, _BREAKPOINT_STOP)

    # ---- single step -----------------------------------------------------------------

    def request_step(self, context: Any) -> None:
        """The next run of `context` executes one instruction and stops (STEP).  A run
        that stops for a reason of its own after that instruction (an SVC the kernel
        serves, WFI, a fault) reports that reason instead; either way the step is done."""
        self._step_context = context

    def cancel_step(self) -> None:
        self._step_context = None

    @property
    def step_requested(self) -> Any:
        """The context still to take its step, or None."""
        return self._step_context

    def _begin_step(self, context: Any) -> bool:
        if context is not self._step_context or context is not self.watched:
            return False
        self._step_executed = False
        self._step_hook = self.uc.hook_add(UC_HOOK_CODE, self._on_step, begin=1, end=0)
        self.uc.ctl_flush_tb()
        return True

    def _end_step(self) -> bool:
        """Remove the step's hook; whether the step's instruction executed (the step is
        then done, whatever else stopped the run)."""
        self.uc.hook_del(self._step_hook)
        self._step_hook = None
        self.uc.ctl_flush_tb()
        if self._step_executed:
            self._step_context = None
        return self._step_executed

    def _on_step(self, uc: Any, address: int, size: int, _: object) -> None:
        if self._loaded is not self.watched or self._stop is not None:
            return
        if not self._step_executed:
            self._step_executed = True  # the instruction to step: let it run
            return
        self._stop_before(address, _STEP_STOP)

    def _stop_before(self, address: int, stop: StopEvent) -> None:
        """Stop before the instruction at `address`, counting only what executed."""
        block, size = self._clock.last_block
        if block <= address < block + size:
            unexecuted = bytes(self.uc.mem_read(address, block + size - address))
            self._clock.executed -= instruction_count(unexecuted)
        self._stop = stop
        self.uc.reg_write(arm.UC_ARM_REG_PC, address | 1)
        self.uc.emu_stop()

    # ---- registers and memory --------------------------------------------------------

    def debug_registers(self, context: Any) -> tuple[int, ...]:
        """r0-r12, sp, lr, pc, xpsr of a context that is not running.  The context is
        loaded to read them (as its next run would load it: nothing else changes)."""
        self._switch_to(context)
        values = list(self.uc.reg_read_batch(list(DEBUG_REGISTER_IDS)))
        values[PC_INDEX] = context.pc  # where it resumes (a fault's: the faulting one)
        return tuple(value & 0xFFFF_FFFF for value in values)

    def write_debug_register(self, context: Any, index: int, value: int) -> None:
        """Set one register (GDB's numbering) of a context that is not running."""
        self._switch_to(context)
        value &= 0xFFFF_FFFF
        if index == PC_INDEX:
            context.pc = value & ~1
            value |= 1
        self.uc.reg_write(DEBUG_REGISTER_IDS[index], value)

    def write_memory_from_debugger(self, address: int, data: bytes) -> None:
        """A debugger's store: code it changes is translated (and counted) afresh."""
        self.write_memory(address, data)
        self.uc.ctl_remove_cache(address, address + len(data))
        self._clock.invalidate()
