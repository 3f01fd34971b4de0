"""The kernel's view of a CPU: run a thread's context for a budget, stop on an event.

The kernel never touches the emulator.  Architecture backends
(levante.arch.cortex_m) and the mock CPU of the unit tests implement `Cpu`; this module
imports neither.  Registers are plain ints; memory
accesses made on behalf of the kernel are unchecked here (the kernel validates user
pointers before it asks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol


class MemoryAccessError(Exception):
    """The kernel read or wrote an address that is not backed by memory."""

    def __init__(self, address: int, size: int) -> None:
        super().__init__(f"no memory at {address:#x} (+{size})")
        self.address = address
        self.size = size


class StopKind(Enum):
    BUDGET = "budget"  # the cycle budget ran out (a deadline or the slice end is due)
    SVC = "svc"  # the thread executed an SVC instruction
    FAULT = "fault"  # a CPU exception: bad access, undefined instruction, ...
    # The thread executed WFI: it sleeps until the next event.  The context's pc is past
    # the WFI already, so resuming goes on after it; `cycles` counts the WFI itself.
    WAIT_FOR_INTERRUPT = "wait-for-interrupt"
    # A debugger's stops (levante.debug): the thread reached a breakpoint (the context's
    # pc is the breakpoint, not executed yet), or executed the one instruction of a
    # single step.  `cycles` counts exactly the instructions executed.  The kernel treats
    # both as a spent budget: the thread goes on from its pc when it next runs.
    BREAKPOINT = "breakpoint"
    STEP = "step"


class AccessKind(Enum):
    READ = "read"
    WRITE = "write"
    EXECUTE = "execute"


@dataclass(frozen=True)
class CpuFault:
    """A CPU exception, decoded by the architecture backend."""

    description: str  # e.g. "data access violation", "undefined instruction"
    pc: int
    address: int | None = None
    access: AccessKind | None = None
    # The CPU's own stack-limit check refused the access (ARMv8-M MSPLIM/PSPLIM).
    stack_limit: bool = False


@dataclass(frozen=True)
class StopEvent:
    """Why a run stopped, and how many cycles the thread executed before it did."""

    kind: StopKind
    cycles: int
    svc_number: int = 0
    fault: CpuFault | None = None


@dataclass(frozen=True)
class ThreadStart:
    """Initial register state of a new execution context."""

    entry: int
    stack_top: int
    arguments: tuple[int, ...] = ()
    return_address: int = 0
    privileged: bool = True  # False: CONTROL.nPRIV set, the context runs in user mode
    # The lowest address the stack pointer may reach (ARMv8-M MSPLIM); 0: no limit.
    stack_limit: int = 0


@dataclass(frozen=True)
class AccessRegion:
    """A range an unprivileged context may access, and how (one MPU region)."""

    start: int
    size: int
    read: bool = True
    write: bool = False
    execute: bool = False
    name: str = ""

    @property
    def end(self) -> int:
        return self.start + self.size

    def allows(self, access: AccessKind) -> bool:
        if access is AccessKind.READ:
            return self.read
        if access is AccessKind.WRITE:
            return self.write
        return self.execute


# What an unprivileged context may touch: regions in MPU order (a later region wins
# where two overlap, as ARMv7-M's highest-numbered region does).  Everything else faults.
MemoryView = tuple[AccessRegion, ...]


class SvcHandler(Protocol):
    """Serves an SVC while the thread is still inside the CPU backend.

    Called with the SVC number and the cycles the thread has run in this `run`.  Returns
    None when the kernel wants the SVC reported as a StopEvent instead (it will serve it
    then), or the number of further cycles the thread may run: 0 means the SVC was
    served but the thread must stop now (it blocked, or another thread must run)."""

    def __call__(self, svc_number: int, cycles: int) -> int | None: ...


class Context(Protocol):
    """An execution context owned by the CPU backend (registers of one thread/callback)."""


class Cpu(Protocol):
    """What the kernel needs from a CPU backend."""

    def new_context(self, start: ThreadStart) -> Context: ...

    def run(self, context: Context, budget: int, on_svc: SvcHandler | None = None) -> StopEvent:
        """Run until the budget is spent, an SVC stops it, or a fault.  A backend may
        serve SVCs through `on_svc` without stopping; one that never does is correct too."""
        ...

    def syscall_registers(self, context: Context) -> Sequence[int]:
        """r0..r6 of a context stopped on an SVC."""
        ...

    def set_return_value(self, context: Context, low: int, high: int | None = None) -> None:
        """Write r0 (and r1) of a context; takes effect before it next runs."""
        ...

    def exception_frame(self, context: Context) -> tuple[int, ...]:
        """r0, r1, r2, r3, r12, lr, pc, xpsr of a stopped context."""
        ...

    def stack_pointer(self, context: Context) -> int:
        """sp of a stopped context (where a stack overflow shows)."""
        ...

    def read_memory(self, address: int, size: int) -> bytes: ...

    def write_memory(self, address: int, data: bytes) -> None: ...

    def release_context(self, context: Context) -> None: ...

    def set_memory_view(self, context: Context, view: MemoryView | None) -> None:
        """What the context may access from now on; None means privileged (everything).
        Takes effect when the context next runs."""
        ...
