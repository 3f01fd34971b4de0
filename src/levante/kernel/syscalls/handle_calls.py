"""levante_handle_*: handles with rights in the caller's domain's table (<levante/handle.h>).

Each call refuses in its validate stage, before the policy is asked, so that a
refusal never reaches perform.  The `handle` argument arrives decoded
(`HandleArgument`, dispatch.py): the policy can judge by `handle.rights`,
`handle.type` and `handle.object`, and by the `rights` a call asks for.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import KERNEL_OBJECT_TYPES, OBJECT_KINDS
from levante.arch.interface import AccessKind
from levante.kernel.handles import EBADF
from levante.kernel.objects.registry import InitState, KernelObject
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.handles import HandleArgument
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

# struct levante_handle_info: the object's enum k_objects type (K_OBJ_ANY for a kind
# Zephyr does not number), the rights, and whether the object is still alive.
INFO = struct.Struct("<III")
_TYPE_OF_KIND = {kind: KERNEL_OBJECT_TYPES[k_obj] for k_obj, kind in OBJECT_KINDS.items()}


def _valid_create(kernel: Inspect, caller: Caller, address: int, rights: int) -> int | Plan:
    entry = kernel.objects.entry(address)
    if caller.is_user:
        # Zephyr's permission on the object is what a handle is made from.
        error = kernel.objects.validate(caller.thread, address, None, InitState.INITIALISED)
        if error:
            return error
    elif entry is None or not entry.initialised:
        return EBADF
    assert entry is not None
    error = kernel.security_domains.handles.create_error(caller.thread, rights)
    return error or (entry, rights)


@syscall("levante_handle_create", validate=_valid_create)
def levante_handle_create(kernel: Services, caller: Caller, entry: object,
                          rights: int) -> int:
    assert isinstance(entry, KernelObject)
    return kernel.security_domains.handles.create(caller.thread, entry, rights)


def _valid_duplicate(kernel: Inspect, caller: Caller, handle: HandleArgument,
                     rights: int) -> int | Plan:
    error = kernel.security_domains.handles.duplicate_error(caller.thread, handle.value,
                                                            rights)
    return error or (handle.value, rights)


@syscall("levante_handle_duplicate", validate=_valid_duplicate)
def levante_handle_duplicate(kernel: Services, caller: Caller, value: int,
                             rights: int) -> int:
    return kernel.security_domains.handles.duplicate(caller.thread, value, rights)


def _valid_replace(kernel: Inspect, caller: Caller, handle: HandleArgument,
                   rights: int) -> int | Plan:
    error = kernel.security_domains.handles.replace_error(caller.thread, handle.value,
                                                          rights)
    return error or (handle.value, rights)


@syscall("levante_handle_replace", validate=_valid_replace)
def levante_handle_replace(kernel: Services, caller: Caller, value: int, rights: int) -> int:
    return kernel.security_domains.handles.replace(caller.thread, value, rights)


def _valid_known(kernel: Inspect, caller: Caller, handle: HandleArgument) -> int | Plan:
    return EBADF if handle.handle is None else (handle.value,)


@syscall("levante_handle_close", validate=_valid_known)
def levante_handle_close(kernel: Services, caller: Caller, value: int) -> int:
    return kernel.security_domains.handles.close(caller.thread, value)


@syscall("levante_handle_revoke", validate=_valid_known)
def levante_handle_revoke(kernel: Services, caller: Caller, value: int) -> int:
    """The number of handles invalidated: this one and every one derived from it."""
    return kernel.security_domains.handles.revoke(caller.thread, value)


def _valid_info(kernel: Inspect, caller: Caller, handle: HandleArgument,
                info: int) -> int | Plan:
    if handle.handle is None:
        return EBADF
    kernel.memory.check(caller, info, INFO.size, AccessKind.WRITE)
    found = handle.handle
    return info, INFO.pack(_TYPE_OF_KIND.get(found.entry.kind, 0), found.rights,
                           int(found.live))


@syscall("levante_handle_info", validate=_valid_info)
def levante_handle_info(kernel: Services, caller: Caller, info: int, record: bytes) -> int:
    kernel.memory.write(caller, info, record)
    return 0
