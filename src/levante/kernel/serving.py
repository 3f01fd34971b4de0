"""Serving one system call: served once, charged after, a refusal returned as a fault."""

from __future__ import annotations

from levante.arch.interface import Context, CpuFault, MemoryAccessError
from levante.kernel import costs
from levante.kernel.caller import Caller
from levante.kernel.fatal import (
    K_ERR_CPU_EXCEPTION,
    K_ERR_KERNEL_PANIC,
    Oops,
    PendingFault,
    user_raisable_reason,
)
from levante.kernel.syscalls.dispatch import PerformFailed, serve
from levante.kernel.threads import ThreadLifecycle
from levante.kernel.usermem import MemoryFault


class SyscallService(ThreadLifecycle):
    """Serving one system call: served once, charged after, a refusal returned as a fault."""

    def _serve_once(self, caller: Caller, context: Context | None) -> PendingFault | None:
        """Serve one system call; a refusal (decode or validate) performs nothing and
        comes back as the fault the caller takes."""
        assert context is not None
        try:
            serve(self._whole, caller, context)
            self.syscall_count += 1
            # Charged after serving: the call happened at the cycle the thread trapped
            # (and a call that halted the system never returns).
            if self.halted_reason is None:
                self.now += costs.SYSCALL_CYCLES
        except Oops as refused:
            return self.refusal_fault(context, refused, caller.is_user)
        except MemoryAccessError as error:
            return PendingFault(K_ERR_CPU_EXCEPTION, f"kernel access failed: {error}")
        except PerformFailed as defect:
            # Fail secure: a call its own validation did not foresee may be half done,
            # and no thread may run on a kernel in that state.
            self.print(f"E: Kernel defect: {defect}\n")
            self.trace("kernel_defect", thread=caller.thread.name, call=defect.call,
                       detail=str(defect))
            self._whole.halt(K_ERR_KERNEL_PANIC)
        return None

    def refusal_fault(self, context: Context | None, refused: Oops,
                      user: bool) -> PendingFault:
        """The fault a thread takes for a refused call: an oops, or where the kernel's
        own access was refused by the MPU, the CPU exception hardware would raise.  A
        user caller's refusal is never a panic (Zephyr's verification functions oops)."""
        if not isinstance(refused, MemoryFault):
            reason = user_raisable_reason(refused.reason) if user else refused.reason
            return PendingFault(reason, refused.message)
        pc = self.cpu.exception_frame(context)[6] if context is not None else 0
        return PendingFault(refused.reason, refused.message, CpuFault(
            f"MPU fault: kernel {refused.access.value} access violation", pc,
            refused.address, refused.access))

