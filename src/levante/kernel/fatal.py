"""Fatal errors: Zephyr's reasons, and the record the kernel keeps of each fault."""

from __future__ import annotations

from dataclasses import dataclass

from levante.abi import FATAL_REASONS
from levante.arch.interface import CpuFault

REASON_NAMES = {value: name for name, value in FATAL_REASONS.items()}
K_ERR_CPU_EXCEPTION = FATAL_REASONS["K_ERR_CPU_EXCEPTION"]
K_ERR_KERNEL_OOPS = FATAL_REASONS["K_ERR_KERNEL_OOPS"]
K_ERR_KERNEL_PANIC = FATAL_REASONS["K_ERR_KERNEL_PANIC"]
K_ERR_STACK_CHK_FAIL = FATAL_REASONS["K_ERR_STACK_CHK_FAIL"]
# What user mode may raise itself (Zephyr's arch_syscall_oops / z_fatal_error rule).
_USER_RAISABLE = frozenset({K_ERR_KERNEL_OOPS, K_ERR_STACK_CHK_FAIL})

# How Zephyr's fatal error report phrases each reason.
_REASON_TEXT = {
    "K_ERR_CPU_EXCEPTION": "CPU exception",
    "K_ERR_SPURIOUS_IRQ": "Unhandled interrupt",
    "K_ERR_STACK_CHK_FAIL": "Stack overflow",
    "K_ERR_KERNEL_OOPS": "Kernel oops",
    "K_ERR_KERNEL_PANIC": "Kernel panic",
}


def reason_name(reason: int) -> str:
    return REASON_NAMES.get(reason, f"K_ERR_{reason}")


def reason_text(reason: int) -> str:
    return _REASON_TEXT.get(reason_name(reason), "Unknown error")


def user_raisable_reason(reason: int) -> int:
    """The reason a fatal error raised from user mode is reported with: only OOPS and
    STACK_CHK_FAIL are the thread's to choose, anything else becomes OOPS."""
    return reason if reason in _USER_RAISABLE else K_ERR_KERNEL_OOPS


class Oops(Exception):
    """Raised while serving a thread: the caller faults with `reason` (never the kernel)."""

    def __init__(self, message: str, reason: int = K_ERR_KERNEL_OOPS) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class PendingFault:
    """A fault a thread takes the next time it would run: found while the kernel served
    someone else (a sender delivering into a receiver's buffer the receiver no longer
    owns), it is raised in the thread's own context, as its blocked call returns."""

    reason: int
    description: str
    cpu_fault: CpuFault | None = None


@dataclass(frozen=True)
class FaultRecord:
    """One fatal error, as reported on the console and in the trace."""

    thread: str
    reason: int
    description: str
    pc: int
    in_isr: bool
    cpu_fault: CpuFault | None = None
    thread_address: int = 0  # its struct k_thread (0: none, the kernel's idle time)

    @property
    def reason_name(self) -> str:
        return reason_name(self.reason)

    def report_lines(self) -> list[str]:
        lines = []
        if self.cpu_fault is not None:
            fault = self.cpu_fault
            lines.append(f"***** {fault.description.upper()} *****")
            if fault.address is not None and fault.access is not None:
                lines.append(f"  Faulting {fault.access.value} address: {fault.address:#010x}")
        lines.append(f"Faulting instruction address (r15/pc): {self.pc:#010x}")
        lines.append(f">>> LEVANTE FATAL ERROR {self.reason}: {reason_text(self.reason)} on CPU 0")
        if self.description and self.cpu_fault is None:
            lines.append(f"  {self.description}")
        context = "ISR" if self.in_isr else f"thread '{self.thread}'"
        lines.append(f"Current context: {context}")
        # Zephyr's line (the thread running, or interrupted), which its tests look for.
        lines.append(f"Current thread: {self.thread_address:#010x} ({self.thread})")
        return lines

    def to_trace(self) -> dict[str, object]:
        event: dict[str, object] = {
            "event": "fault",
            "thread": self.thread,
            "reason": self.reason_name,
            "description": self.description,
            "pc": self.pc,
            "in_isr": self.in_isr,
        }
        if self.cpu_fault is not None and self.cpu_fault.address is not None:
            event["address"] = self.cpu_fault.address
        if self.cpu_fault is not None and self.cpu_fault.access is not None:
            event["access"] = self.cpu_fault.access.value
        return event
