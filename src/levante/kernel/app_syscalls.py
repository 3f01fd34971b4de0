"""Application-defined system calls (Zephyr's `__syscall` in an application's headers).

A user thread calls one with `svc #3`, the call's number (APP_SYSCALL_BASE + its index in
the image's table) in r6, and a pointer to its packed arguments and their size in r0/r1.
The kernel copies the arguments in through the caller's own view (a bad pointer faults
it), asks the policy, then runs the call's marshalling function z_mrsh_<name> as Zephyr
does: in privileged mode, on the thread's privileged stack, as the same thread (it may
block, be preempted, fault).  z_mrsh_ calls the application's z_vrfy_<name>, whose checks
(K_SYSCALL_MEMORY_*, K_SYSCALL_OBJ, k_usermode_*_copy) are kernel calls that judge the
user thread's memory and permissions (syscalls/verify_calls.py).  When the handler
returns (`svc #5`, through z_app_syscall_return), the thread's user context resumes with
the result in r0/r1.  While elevated, the thread's calls are a supervisor's.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING

from levante.abi import (
    APP_SYSCALL_BASE,
    APP_SYSCALL_MAX_ARGUMENT_BYTES,
    APP_SYSCALL_SECTION,
    Syscall,
)
from levante.arch.interface import Context, ThreadStart
from levante.kernel.base import KernelState
from levante.kernel.fatal import Oops

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.thread import Thread

_ENTRY = struct.Struct("<II")  # (z_mrsh_<name> or 0, the name's string)
_STACK_ALIGN = 8
MAX_NAME = 64


class AppSyscalls(KernelState):
    """Entering and leaving an application-defined system call's privileged handler."""

    def _app_syscall_entry(self, index: int) -> tuple[int, str]:
        """(marshalling function, name) of table entry `index`; Oops when none.  The
        table is in flash, which no thread writes: an entry read once is kept."""
        known = self.app_syscall_entries.get(index)
        if known is not None:
            return known
        self.app_syscall_entries[index] = found = self._read_app_syscall_entry(index)
        return found

    def _read_app_syscall_entry(self, index: int) -> tuple[int, str]:
        table = self.image.section(APP_SYSCALL_SECTION)
        if table is None or not 0 <= index < table.size // _ENTRY.size:
            raise Oops(f"invalid system call number {APP_SYSCALL_BASE + index:#x}")
        function, name_address = _ENTRY.unpack(
            self.memory.kernel_read(table.address + index * _ENTRY.size, _ENTRY.size))
        name = self.read_c_string(name_address, MAX_NAME).decode(errors="replace") \
            if name_address else f"app system call {index}"
        if function == 0:
            raise Oops(f"{name}: no handler compiled in (no z_mrsh_{name})")
        return function, name

    def enter_app_syscall(self, caller: Caller, context: Context,
                          registers: Sequence[int]) -> None:
        """Decode, judge and start an application-defined call (the caller's registers
        at its `svc`)."""
        thread = caller.thread
        if not caller.is_user or self.userspace is None:
            raise Oops("application system calls are made from user threads")
        function, name = self._app_syscall_entry(registers[6] - APP_SYSCALL_BASE)
        pointer, size = registers[0], registers[1]
        if size > APP_SYSCALL_MAX_ARGUMENT_BYTES:
            raise Oops(f"{name}: {size} bytes of arguments (at most "
                       f"{APP_SYSCALL_MAX_ARGUMENT_BYTES})")
        arguments = self.memory.read(caller, pointer, size) if size else b""
        if self.policy is not None:
            call = Syscall(registers[6], "uint64_t", name, ())
            refusal = self.policy.judge(caller, call, [arguments])
            if refusal is not None:
                self.trace("policy_refused", thread=thread.name, call=name, result=refusal)
                self.cpu.set_return_value(context, refusal & 0xFFFFFFFF,
                                          0xFFFFFFFF if refusal < 0 else 0)
                return
        self._elevate(thread, function, arguments)
        self.trace("app_syscall", thread=thread.name, call=name)

    def _elevate(self, thread: Thread, function: int, arguments: bytes) -> None:
        assert self.userspace is not None and thread.context is not None
        start, size = self.userspace.privileged_stack_of(thread)
        top = start + size
        copy = (top - len(arguments)) & ~(_STACK_ALIGN - 1)
        if arguments:
            self.memory.kernel_write(copy, arguments)
        handler = self.cpu.new_context(ThreadStart(
            entry=function | 1,
            stack_top=copy,
            arguments=(copy,),
            return_address=self.image.address_of("z_app_syscall_return") | 1,
            privileged=True,
            stack_limit=start if self.stacks.stack_limit(thread) else 0,
        ))
        self.cpu.set_memory_view(handler, self.supervisor_view(thread))
        thread.elevated_from = thread.context
        thread.context = handler
        self.request_stop()

    def return_from_app_syscall(self, thread: Thread) -> bool:
        """The handler returned (`svc #5`): back to the user context with its result.
        False when the thread was not in one (the SVC is then the thread's fault)."""
        user_context, handler = thread.elevated_from, thread.context
        if user_context is None or handler is None:
            return False
        low, high = self.cpu.syscall_registers(handler)[:2]
        self.cpu.release_context(handler)
        thread.context, thread.elevated_from = user_context, None
        self.cpu.set_return_value(user_context, low, high)
        self.request_stop()
        return True
