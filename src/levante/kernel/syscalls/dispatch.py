"""One path for every system call: decode the registers, run the handler, set the result.

The number arrives in r6 and is treated as unsigned (a signed comparison let negative
numbers through in CVE-2020-10024).  Arguments are decoded by their C types from the
ABI table; a call with more than six arguments has the rest copied in once from the
array r5 points to.  Handlers validate (oops or errno) before they perform.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.arch.interface import Context
from levante.kernel.fatal import Oops
from levante.kernel.syscalls import (  # noqa: F401  (importing registers the handlers)
    console_calls,
    event_calls,
    msgq_calls,
    mutex_calls,
    sem_calls,
    thread_calls,
    time_calls,
    timer_calls,
)
from levante.kernel.syscalls.registry import HANDLERS, Handler
from levante.sdk.abi import REGISTER_ARGUMENTS, SYSCALLS, Syscall

if TYPE_CHECKING:
    from levante.kernel.kernel import Caller, Kernel

_SIGNED_TYPES = frozenset({"int", "int32_t", "k_timeout_t", "k_ticks_t"})


def _build_table() -> dict[int, tuple[Syscall, Handler]]:
    missing = [call.name for call in SYSCALLS if call.name not in HANDLERS]
    if missing:
        raise RuntimeError(f"system calls without a handler: {', '.join(missing)}")
    return {call.number: (call, HANDLERS[call.name]) for call in SYSCALLS}


TABLE = _build_table()


def _to_signed(value: int) -> int:
    return value - (1 << 32) if value & 0x80000000 else value


def decode_arguments(kernel: Kernel, call: Syscall, registers: list[int]) -> list[int]:
    count = len(call.parameters)
    raw = registers[:count]
    if count > REGISTER_ARGUMENTS:
        spilled = count - (REGISTER_ARGUMENTS - 1)
        pointer = registers[REGISTER_ARGUMENTS - 1]
        raw = registers[: REGISTER_ARGUMENTS - 1] + list(
            struct.unpack(f"<{spilled}I", kernel.cpu.read_memory(pointer, 4 * spilled))
        )
    return [
        _to_signed(value) if parameter.c_type in _SIGNED_TYPES else value
        for parameter, value in zip(call.parameters, raw, strict=False)
    ]


def serve(kernel: Kernel, caller: Caller, context: Context) -> None:
    from levante.kernel.kernel import BLOCKED

    registers = list(kernel.cpu.syscall_registers(context))
    number = registers[6] & 0xFFFFFFFF
    entry = TABLE.get(number)
    if entry is None:
        raise Oops(f"invalid system call number {number:#x}")
    call, handler = entry
    if call.requires == "EVENTS" and not kernel.config.events:
        raise Oops(f"{call.name}: CONFIG_{call.requires} is disabled")
    arguments = decode_arguments(kernel, call, registers)
    result = handler(kernel, caller, *arguments)
    if kernel.tracing:
        kernel.trace(
            "syscall",
            thread=caller.thread.name if not caller.in_isr else "isr",
            call=call.name,
            result="blocked" if result is BLOCKED else result,
        )
    if result is BLOCKED or call.returns_nothing or result is None:
        return
    assert isinstance(result, int)
    if call.returns_64_bits:
        kernel.cpu.set_return_value(context, result & 0xFFFFFFFF, (result >> 32) & 0xFFFFFFFF)
    else:
        kernel.cpu.set_return_value(context, result & 0xFFFFFFFF)
