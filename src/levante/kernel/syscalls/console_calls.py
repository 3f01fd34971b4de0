"""Console output (k_str_out), the path printk takes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.arch.interface import AccessKind
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

# One printk chunk is at most a few dozen bytes; this bounds a hostile length.
MAX_CONSOLE_WRITE = 4096


def _valid_str_out(kernel: Inspect, caller: Caller, text: int, length: int) -> Plan:
    # The whole buffer first, as Zephyr's K_SYSCALL_MEMORY_READ(c, n): clamping before
    # the check would let a wrapping or oversized length through.  Copied in once.
    kernel.memory.check(caller, text, length, AccessKind.READ)
    length = min(length, MAX_CONSOLE_WRITE)
    return (kernel.memory.read(caller, text, length) if length else b"",)


@syscall("k_str_out", validate=_valid_str_out)
def k_str_out(kernel: Services, caller: Caller, text: bytes) -> None:
    if text:
        kernel.console(text)


@syscall("console_getchar")
def console_getchar(kernel: Services, caller: Caller) -> int:
    """The next byte of console input, or -1 once the input has ended.  The host is
    asked for more only when the buffer is empty (an interactive terminal then waits for
    a line: wall-clock time enters here, at the I/O edge, and simulated time stands)."""
    if not kernel.input_buffer and kernel.console_input is not None:
        kernel.input_buffer += kernel.console_input()
    if not kernel.input_buffer:
        return -1
    return kernel.input_buffer.pop(0)
