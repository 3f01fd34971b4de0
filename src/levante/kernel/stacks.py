"""Stack protection: canaries, MPU guards and stack limits, sentinels, random initial
stack pointers and stack fill (Zephyr's CONFIG_STACK_CANARIES*, HW_STACK_PROTECTION,
STACK_SENTINEL, STACK_POINTER_RANDOM and INIT_STACKS).

Where each check happens:
- canaries: compiled into the application (-fstack-protector*); the kernel draws the
  value from the CSPRNG at boot, or one per thread with STACK_CANARIES_TLS, which it
  installs in `__stack_chk_guard` before the thread runs;
- HW_STACK_PROTECTION: the CPU itself, through an MPU guard region at the bottom of each
  supervisor stack (ARMv7-M) or the MSPLIM limit register (ARMv8-M); user threads are
  bounded by their stack's MPU region already.  A fault there is a stack overflow;
- STACK_SENTINEL: the kernel, whenever the thread stops (system call, switch, fault).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import OPTION_SYMBOLS, STACK_FILL_BYTE, STACK_SENTINEL_VALUE
from levante.arch.interface import CpuFault
from levante.arch.mpu import GRANULE

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel
    from levante.kernel.thread import Thread

STACK_ALIGN = 8  # AAPCS: the stack pointer is 8-byte aligned at public interfaces
# struct _thread_userspace_local_data (CONFIG_THREAD_USERSPACE_LOCAL_DATA), stack-aligned.
USER_LOCAL_DATA = 8
# How far below its stack a thread's stack pointer may be and still count as having
# overflowed it (rather than holding garbage): more than any single frame here.
_OVERFLOW_REACH = 4096
_CANARY_SYMBOL = OPTION_SYMBOLS["STACK_CANARIES"][0]
_SENTINEL = struct.pack("<I", STACK_SENTINEL_VALUE)


class StackProtection:
    """The stack options of one kernel."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.config = kernel.config
        canary = kernel.image.symbols.get(_CANARY_SYMBOL)
        self.canary_address = canary.address if canary and self.config.stack_canaries else 0
        self.installed_canary: int | None = None
        # Checked on every stop only when a sentinel exists: the fast path stays free.
        self.checks_on_stop = self.config.stack_sentinel

    # ---- boot --------------------------------------------------------------------------

    def boot(self) -> None:
        """Draw the system-wide canary (Zephyr's z_cstart does it before main)."""
        if self.canary_address:
            self.install_canary(self.kernel.random.canary())

    def install_canary(self, value: int) -> None:
        if value != self.installed_canary:
            self.kernel.memory.kernel_write(self.canary_address, struct.pack("<I", value))
            self.installed_canary = value

    def before_run(self, thread: Thread) -> None:
        """STACK_CANARIES_TLS: the running thread's canary is the one in place."""
        if thread.canary:
            self.install_canary(thread.canary)

    # ---- thread creation ---------------------------------------------------------------

    def prepare(self, thread: Thread) -> int:
        """Lay out a new thread's stack; returns its initial stack pointer."""
        config, kernel = self.config, self.kernel
        start, size = thread.stack_start, thread.stack_size
        if config.mpu_stack_guard and not thread.user:
            # The guard is an MPU region: it starts on a granule, and everything below
            # the usable stack up to its end belongs to it.
            guard_end = _align_up(start, GRANULE) + config.mpu_stack_guard
            if guard_end + STACK_ALIGN <= start + size:
                start, size = guard_end, start + size - guard_end
        top = (start + size) & ~(STACK_ALIGN - 1)
        if config.init_stacks and size > 0:
            kernel.memory.kernel_write(start, bytes([STACK_FILL_BYTE]) * (top - start))
        if config.stack_sentinel and size >= 4:
            kernel.memory.kernel_write(start, _SENTINEL)
        thread.stack_info = (start, size)
        # The thread-local block is the highest (Zephyr's order), filled afresh whenever
        # the stack is laid out again (k_thread_user_mode_enter).
        offset = kernel.thread_tls.place(thread, top)
        # With user mode every thread keeps its userspace local data below it, as Zephyr
        # does (a supervisor thread may drop to user mode later): inside the stack the
        # MPU gives the thread, so its own and nobody else's.  It starts zeroed, so
        # nothing written there before k_thread_user_mode_enter leaks through.
        thread.local_data = 0
        if config.userspace:
            offset += USER_LOCAL_DATA
            thread.local_data = top - offset
            kernel.memory.kernel_write(thread.local_data, bytes(USER_LOCAL_DATA))
        if config.stack_pointer_random:
            # Never more than half the stack: the thread must still have room to run.
            bound = min(config.stack_pointer_random, size // 2)
            offset += kernel.random.below(bound) & ~(STACK_ALIGN - 1)
        thread.stack_delta = offset
        if self.canary_address and config.canaries_per_thread:
            thread.canary = kernel.random.canary()
        return top - offset

    def guard_region(self, thread: Thread) -> tuple[int, int] | None:
        """(start, size) of a supervisor thread's MPU guard, if it has one."""
        if thread.user or thread.stack_info[0] == thread.stack_start:
            return None
        size = self.config.mpu_stack_guard
        return thread.stack_info[0] - size, size

    def stack_limit(self, thread: Thread) -> int:
        """MSPLIM for the thread (ARMv8-M), or 0."""
        return thread.stack_info[0] if self.config.stack_limit_registers else 0

    # ---- checks ------------------------------------------------------------------------

    def sentinel_intact(self, thread: Thread) -> bool:
        start, size = thread.stack_info
        if not self.config.stack_sentinel or size < 4 or thread.address == 0:
            return True
        return self.kernel.memory.kernel_read(start, 4) == _SENTINEL

    def is_overflow(self, thread: Thread, fault: CpuFault, stack_pointer: int) -> bool:
        """Whether a CPU fault is the thread's stack overflowing (Zephyr's
        z_check_thread_stack_fail): the limit register refused it, the access hit the
        guard, or the stack pointer is already below the usable stack."""
        if fault.stack_limit:
            return True
        if fault.access is None or thread.address == 0:
            return False
        start = thread.stack_info[0]
        guard = self.guard_region(thread)
        if guard is not None and fault.address is not None and \
                guard[0] <= fault.address < guard[0] + guard[1]:
            return True
        protected = self.config.hw_stack_protection or thread.user
        return protected and thread.stack_start - _OVERFLOW_REACH <= stack_pointer < start

    # ---- k_thread_stack_space_get ----------------------------------------------------------

    def unused_bytes(self, thread: Thread) -> int:
        """Bytes at the bottom of the stack still holding the 0xaa fill."""
        start, size = thread.stack_info
        data = self.kernel.memory.kernel_read(start, max(0, size - thread.stack_delta))
        skip = 4 if self.config.stack_sentinel else 0  # the sentinel is not fill
        unused = 0
        for byte in data[skip:]:
            if byte != STACK_FILL_BYTE:
                break
            unused += 1
        return unused


def _align_up(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment
