"""One path for every system call: decode → validate → policy → perform, set the result.

The number arrives in r6 and is treated as unsigned (a signed comparison let negative
numbers through in CVE-2020-10024).  Kernel functions that are not system calls in
Zephyr (supervisor-only) oops a user caller.  Arguments are decoded by their C types
from the ABI table; a call with more than six arguments has the rest copied in once,
through the caller's access check, from the array r5 points to.

Kernel objects are decoded too, so that no handler can skip their validation: a
parameter whose C type is a kernel object (`struct k_sem *`, a driver's `const struct
device *`) reaches the handler as the live object, validated for a user caller as
Zephyr's K_SYSCALL_OBJ does (kind, initialised, permitted) and required to be live for
anyone else.  The object of an initialisation (`k_sem_init`, ...) arrives as its
address, validated as K_SYSCALL_OBJ_INIT or, for the calls the ABI marks
`never_initialised`, K_SYSCALL_OBJ_NEVER_INIT.

Then the stages of registry.py: the call's validate stage judges the rest and returns
its plan (or refuses: an errno, or an oops); the policy is asked once, between validate
and perform; perform acts on the plan.  Perform cannot fail: a refusal it raises anyway
is a kernel defect (`PerformFailed`), which halts the system rather than leave a call
half-performed.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from levante.abi import (
    APP_SYSCALL_BASE,
    REGISTER_ARGUMENTS,
    STRUCTS_BY_NAME,
    SYSCALLS,
    Parameter,
    Syscall,
)
from levante.arch.interface import Context, MemoryAccessError
from levante.kernel import costs
from levante.kernel.caller import BLOCKED, Caller
from levante.kernel.fatal import Oops
from levante.kernel.handles import CALL_RIGHTS, HandleArgument
from levante.kernel.objects.device import EntropyDevice, FlashDevice
from levante.kernel.objects.gpio import GpioController
from levante.kernel.objects.kinds import load_all_kinds
from levante.kernel.objects.registry import HasKind, InitState
from levante.kernel.objects.sensor import VirtualSensor
from levante.kernel.objects.uart import UartPort
from levante.kernel.syscalls.registry import STAGES, Perform, Validate

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel

class PerformFailed(Exception):
    """A perform stage refused after its validation passed: a kernel defect."""

    def __init__(self, call: str, error: Exception) -> None:
        super().__init__(f"{call} failed after its validation: {error}")
        self.call = call


_SIGNED_TYPES = frozenset({"int", "int32_t", "k_timeout_t", "k_ticks_t", "off_t",
                           "enum _obj_init_check"})
# Kernel-object parameters by C type: every kind with a state class that the ABI
# declares a kernel object (threads are named by k_tid_t and resolved by their calls);
# a device's kind follows its API's name.  A futex and a sys_mutex are checked by memory,
# not by permission (syscalls/by_memory.py), so their calls take their address.
_CHECKED_BY_MEMORY = frozenset({"k_futex", "sys_mutex"})
_OBJECT_TYPES: dict[str, type[HasKind]] = {
    f"struct {kind} *": state for kind, state in load_all_kinds().items()
    if STRUCTS_BY_NAME[kind].k_obj is not None and kind not in _CHECKED_BY_MEMORY
}
_DEVICE_TYPE = "const struct device *"
_DEVICE_KINDS: dict[str, type[HasKind]] = {
    "flash_": FlashDevice, "entropy_": EntropyDevice, "gpio_": GpioController,
    "uart_": UartPort, "sensor_": VirtualSensor,
}


@dataclass(frozen=True)
class ObjectParameter:
    """How one kernel-object parameter is decoded: the kind, and whether the call uses
    the object (it arrives live) or initialises it (it arrives as its address)."""

    index: int
    kind: type[HasKind]
    init: InitState
    rights: int = 0  # what a live handle must hold to stand for a permission (handles.py)

    def decode(self, kernel: Kernel, caller: Caller, address: int) -> object:
        if self.init is InitState.INITIALISED:
            if self.rights and caller.is_user:
                # A user thread without Zephyr's permission may use the object through
                # a live handle of its domain that holds the call's right.
                entry = kernel.objects.entry(address)
                if entry is not None and not entry.permits(caller.thread) and \
                        kernel.security_domains.handles.rights_on(
                            caller.thread, entry) & self.rights == self.rights:
                    return kernel.objects.unchecked(address, self.kind)
            return kernel.objects.use(caller, address, self.kind)
        kernel.objects.check_initialisable(caller, address, self.kind, self.init)
        return address


def _object_parameter(call: Syscall, index: int, parameter: Parameter) -> ObjectParameter | None:
    kind = _OBJECT_TYPES.get(parameter.c_type)
    if parameter.c_type == _DEVICE_TYPE:
        kind = next((device for prefix, device in _DEVICE_KINDS.items()
                     if call.name.startswith(prefix)), None)
    if kind is None:
        return None
    init = InitState.INITIALISED
    if index == 0 and call.name.endswith("_init"):
        init = InitState.UNINITIALISED if call.never_initialised else InitState.ANY
    return ObjectParameter(index, kind, init, CALL_RIGHTS.get(call.name, 0) if index == 0 else 0)


@dataclass(frozen=True)
class HandleParameter:
    """A handle call's `handle`: decoded to what it names in the caller's domain, so
    that the policy sees its rights and object (`handle.rights`); never refused here."""

    index: int

    def decode(self, kernel: Kernel, caller: Caller, value: int) -> object:
        return HandleArgument(value, kernel.security_domains.handles.find(caller.thread,
                                                                          value))


@dataclass(frozen=True)
class DomainParameter:
    """A `struct levante_domain *`: the security domain it defines, or None."""

    index: int

    def decode(self, kernel: Kernel, caller: Caller, address: int) -> object:
        return kernel.security_domains.by_address.get(address)


def _handle_parameter(call: Syscall, index: int,
                      parameter: Parameter) -> HandleParameter | DomainParameter | None:
    if call.name.startswith("levante_handle_") and parameter.name == "handle":
        return HandleParameter(index)
    if parameter.c_type == "struct levante_domain *":
        return DomainParameter(index)
    return None


@dataclass(frozen=True)
class TableEntry:
    """A system call with everything its decoding needs worked out once."""

    call: Syscall
    perform: Perform
    validate: Validate | None
    signed: tuple[bool, ...]  # per parameter: decode as a signed 32-bit value
    spilled: int  # parameters passed in memory (more than six in all)
    # The kernel-object parameters, handles and domains, decoded before validation.
    objects: tuple[ObjectParameter | HandleParameter | DomainParameter, ...]
    # Worked out from the above once: the count and the signed parameters' indexes.
    count: int = 0
    signed_indexes: tuple[int, ...] = ()

    def decode(self, kernel: Kernel, caller: Caller, registers: Sequence[int]) -> list[Any]:
        values: list[Any] = list(registers[:self.count])
        if self.spilled:
            pointer = registers[REGISTER_ARGUMENTS - 1]
            spilled = kernel.memory.read_words(caller, pointer, self.spilled)
            values = values[: REGISTER_ARGUMENTS - 1] + list(spilled)
        for index in self.signed_indexes:
            if values[index] & 0x80000000:
                values[index] -= 1 << 32
        for parameter in self.objects:
            values[parameter.index] = parameter.decode(kernel, caller, values[parameter.index])
        return values


def _entry(call: Syscall) -> TableEntry:
    count = len(call.parameters)
    signed = tuple(parameter.c_type in _SIGNED_TYPES for parameter in call.parameters)
    return TableEntry(
        call=call,
        perform=STAGES[call.name].perform,
        validate=STAGES[call.name].validate,
        count=count,
        signed_indexes=tuple(index for index, is_signed in enumerate(signed) if is_signed),
        signed=signed,
        spilled=count - (REGISTER_ARGUMENTS - 1) if count > REGISTER_ARGUMENTS else 0,
        objects=tuple(decoder for index, parameter in enumerate(call.parameters)
                      if (decoder := _object_parameter(call, index, parameter)
                          or _handle_parameter(call, index, parameter)) is not None),
    )


def _load_handlers() -> None:
    """Import every handler module of the syscalls package (each registers its own)."""
    package = importlib.import_module("levante.kernel.syscalls")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.endswith("_calls"):
            importlib.import_module(f"levante.kernel.syscalls.{module.name}")


def _build_table() -> dict[int, TableEntry]:
    _load_handlers()
    missing = [call.name for call in SYSCALLS if call.name not in STAGES]
    if missing:
        raise RuntimeError(f"system calls without a handler: {', '.join(missing)}")
    return {call.number: _entry(call) for call in SYSCALLS}


TABLE = _build_table()

if TYPE_CHECKING:
    from levante.kernel.syscalls.context import Services

    def _kernel_serves_the_stages(kernel: Kernel) -> Services:
        """The kernel is what the stages' narrow types describe (mypy checks this)."""
        return kernel


def decode_arguments(kernel: Kernel, caller: Caller, call: Syscall,
                     registers: Sequence[int]) -> list[Any]:
    return TABLE[call.number].decode(kernel, caller, registers)


def serve(kernel: Kernel, caller: Caller, context: Context) -> None:
    registers = kernel.cpu.syscall_registers(context)
    entry = TABLE.get(registers[6])
    if entry is None:
        if registers[6] >= APP_SYSCALL_BASE and kernel.config.app_syscalls:
            kernel.enter_app_syscall(caller, context, registers)
            return
        raise Oops(f"invalid system call number {registers[6]:#x}")
    call = entry.call
    if call.requires is not None and not kernel.config.is_enabled(call.requires):
        raise Oops(f"{call.name}: CONFIG_{call.requires} is disabled")
    if call.supervisor_only and caller.is_user:
        raise Oops(f"{call.name} is not a system call: user threads may not call it")
    arguments = entry.decode(kernel, caller, registers)
    # The plan: the decoded arguments themselves, or what the validate stage made of
    # them; an int is its refusal (an errno), and nothing is performed.
    plan: Any = arguments if entry.validate is None else entry.validate(kernel, caller,
                                                                         *arguments)
    policy = kernel.policy
    refusal = None
    if plan.__class__ is not int and policy is not None:
        refusal = policy.judge(caller, call, arguments)
        kernel.now += costs.POLICY_VERDICT_CYCLES  # the verdict's time, before any perform
    if plan.__class__ is int:
        result: object = plan
    elif refusal is not None:
        # Refused by policy: nothing is performed, the caller gets the errno.
        kernel.trace("policy_refused", thread=caller.thread.name, call=call.name,
                     result=refusal)
        result = refusal
    else:
        try:
            result = entry.perform(kernel, caller, *plan)
        except (Oops, MemoryAccessError) as error:
            raise PerformFailed(call.name, error) from error
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
