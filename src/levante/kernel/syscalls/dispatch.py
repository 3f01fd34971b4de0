"""One path for every system call: decode the registers, run the handler, set the result.

The number arrives in r6 and is treated as unsigned (a signed comparison let negative
numbers through in CVE-2020-10024).  Kernel functions that are not system calls in
Zephyr (supervisor-only) oops a user caller.  Arguments are decoded by their C types
from the ABI table; a call with more than six arguments has the rest copied in once,
through the caller's access check, from the array r5 points to.  Handlers validate
(oops or errno) before they perform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from levante.arch.interface import Context
from levante.kernel.caller import BLOCKED, Caller
from levante.kernel.fatal import Oops
from levante.kernel.syscalls import (  # noqa: F401  (importing registers the handlers)
    console_calls,
    domain_calls,
    event_calls,
    flash_calls,
    msgq_calls,
    mutex_calls,
    object_calls,
    random_calls,
    sem_calls,
    thread_calls,
    time_calls,
    timer_calls,
)
from levante.kernel.syscalls.registry import HANDLERS, Handler
from levante.sdk.abi import REGISTER_ARGUMENTS, SYSCALLS, Syscall

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel

_SIGNED_TYPES = frozenset({"int", "int32_t", "k_timeout_t", "k_ticks_t", "off_t"})


@dataclass(frozen=True)
class TableEntry:
    """A system call with everything its decoding needs worked out once."""

    call: Syscall
    handler: Handler
    signed: tuple[bool, ...]  # per parameter: decode as a signed 32-bit value
    spilled: int  # parameters passed in memory (more than six in all)

    def decode(self, kernel: Kernel, caller: Caller, registers: Sequence[int]) -> list[int]:
        count = len(self.signed)
        raw = list(registers[:count])
        if self.spilled:
            pointer = registers[REGISTER_ARGUMENTS - 1]
            spilled = kernel.memory.read_words(caller, pointer, self.spilled)
            raw = raw[: REGISTER_ARGUMENTS - 1] + list(spilled)
        return [
            value - (1 << 32) if signed and value & 0x80000000 else value
            for signed, value in zip(self.signed, raw, strict=True)
        ]


def _entry(call: Syscall) -> TableEntry:
    count = len(call.parameters)
    return TableEntry(
        call=call,
        handler=HANDLERS[call.name],
        signed=tuple(parameter.c_type in _SIGNED_TYPES for parameter in call.parameters),
        spilled=count - (REGISTER_ARGUMENTS - 1) if count > REGISTER_ARGUMENTS else 0,
    )


def _build_table() -> dict[int, TableEntry]:
    missing = [call.name for call in SYSCALLS if call.name not in HANDLERS]
    if missing:
        raise RuntimeError(f"system calls without a handler: {', '.join(missing)}")
    return {call.number: _entry(call) for call in SYSCALLS}


TABLE = _build_table()


def decode_arguments(kernel: Kernel, caller: Caller, call: Syscall,
                     registers: Sequence[int]) -> list[int]:
    return TABLE[call.number].decode(kernel, caller, registers)


def serve(kernel: Kernel, caller: Caller, context: Context) -> None:
    registers = kernel.cpu.syscall_registers(context)
    entry = TABLE.get(registers[6])
    if entry is None:
        raise Oops(f"invalid system call number {registers[6]:#x}")
    call = entry.call
    if call.requires is not None and not kernel.config.is_enabled(call.requires):
        raise Oops(f"{call.name}: CONFIG_{call.requires} is disabled")
    if call.supervisor_only and caller.is_user:
        raise Oops(f"{call.name} is not a system call: user threads may not call it")
    result = entry.handler(kernel, caller, *entry.decode(kernel, caller, registers))
    if kernel.tracing:
        kernel.trace(
            "syscall",
            thread=caller.thread.name if not caller.in_isr else "isr",
            call=call.name,
            result="blocked" if result is BLOCKED else result,
        )
    if result is None or result is BLOCKED or call.returns_nothing:
        return
    assert isinstance(result, int)
    if call.returns_64_bits:
        kernel.cpu.set_return_value(context, result & 0xFFFFFFFF, (result >> 32) & 0xFFFFFFFF)
    else:
        kernel.cpu.set_return_value(context, result & 0xFFFFFFFF)
