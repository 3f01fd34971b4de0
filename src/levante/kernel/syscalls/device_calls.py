"""device_is_ready and device_get_binding: what the kernel knows of the image's devices.

A device the build generated is ready when the board has the device it stands for (boot
made it a kernel object); an application's device is ready once its init function has
returned 0, which the runtime records in the device's state (Zephyr's device_state:
init_res, then initialized).  A user thread asking about a device must be allowed to
use it (Zephyr's K_SYSCALL_OBJ_INIT(dev, K_OBJ_ANY)); looking one up by name needs no
permission, as in Zephyr, and finds only ready devices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import FIELD_OFFSETS
from levante.arch.interface import MemoryAccessError
from levante.kernel.fatal import Oops
from levante.kernel.objects.device import AppDevice
from levante.kernel.objects.registry import InitState
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

NULL = 0
_NAME_OFFSET = FIELD_OFFSETS["device.name"]
# Zephyr's Z_DEVICE_MAX_NAME_LEN: a name with its NUL fits (DEVICE_DEFINE asserts it).
MAX_NAME_BYTES = 48
_INITIALIZED_BIT = 1  # device_state.initialized: bit 0 of the byte after init_res


def _devices(kernel: Inspect) -> list[int]:
    return [record for records in kernel.device_objects.values() for record in records]


def _ready(kernel: Inspect, record: int) -> bool:
    """Whether the device at `record` is one and is ready (see the module's note)."""
    if record not in _devices(kernel):
        return False
    state = kernel.objects.unchecked_state(record)
    if not isinstance(state, AppDevice):
        return True
    init_res, flags = kernel.memory.kernel_read(state.state, 2)
    return init_res == 0 and bool(flags & _INITIALIZED_BIT)


def _valid_is_ready(kernel: Inspect, caller: Caller, dev: int) -> Plan:
    """The answer is worked out here (reading a device's state changes nothing)."""
    if caller.is_user:
        # Any kind will do; naming the object's own makes a refusal say what it was.
        entry = kernel.objects.entry(dev)
        kernel.objects.checked(caller, dev, entry.kind if entry is not None else None,
                               InitState.ANY)
    return (_ready(kernel, dev),)


@syscall("device_is_ready", validate=_valid_is_ready)
def device_is_ready(kernel: Services, caller: Caller, ready: bool) -> int:
    return int(ready)


def _name_of(kernel: Inspect, record: int) -> bytes:
    """A device's name (the names live in the image's constants)."""
    address = int.from_bytes(kernel.memory.kernel_read(record + _NAME_OFFSET, 4), "little")
    if address == NULL:
        return b""
    data = kernel.memory.kernel_read(address, MAX_NAME_BYTES)
    end = data.find(b"\0")
    return data if end < 0 else data[:end]


def _valid_get_binding(kernel: Inspect, caller: Caller, name: int) -> Plan:
    """The ready device called `name`, or NULL (for a NULL name, or one a user thread
    may not read, as Zephyr's copy of it fails)."""
    if name == NULL:
        return (NULL,)
    try:
        wanted = kernel.memory.read_string(caller, name, MAX_NAME_BYTES)
    except (Oops, MemoryAccessError):
        if caller.is_user:
            return (NULL,)
        raise
    found = next((record for record in _devices(kernel)
                  if _name_of(kernel, record) == wanted and _ready(kernel, record)), NULL)
    return (found,)


@syscall("device_get_binding", validate=_valid_get_binding)
def device_get_binding(kernel: Services, caller: Caller, found: int) -> int:
    return found
