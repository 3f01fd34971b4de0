"""The checks of an application-defined system call's verification function (Zephyr's
K_SYSCALL_MEMORY_READ/WRITE, K_SYSCALL_OBJ*, k_usermode_from/to_copy,
k_usermode_string_nlen/copy), made by the elevated thread on behalf of the user thread
it is: every check judges the user thread's own view and permissions (Caller.as_user),
through the same memory and object rules as any system call's decoding.

Kernel functions: a user thread calling one directly oopses.  A check returns 0 when the
user thread may, and non-zero when not (K_OOPS turns that into the caller's oops); a copy
returns 0 or EFAULT (EINVAL for a string without its NUL within `maxlen`): positive, as
Zephyr's do.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, KERNEL_OBJECT_TYPES, OBJECT_KINDS
from levante.arch.interface import AccessKind, MemoryAccessError
from levante.kernel.caller import Caller
from levante.kernel.fatal import Oops
from levante.kernel.objects.registry import InitState
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EFAULT, EINVAL = ERRNO["EFAULT"], ERRNO["EINVAL"]  # positive, as Zephyr's copies return
ALLOWED, REFUSED = 0, 1
# K_SYSCALL_OBJ (must be initialised), _INIT (either), _NEVER_INIT (must not be).
_INIT_STATES = (InitState.INITIALISED, InitState.ANY, InitState.UNINITIALISED)
_KINDS_BY_NUMBER = {number: OBJECT_KINDS.get(name) for name, number in
                    KERNEL_OBJECT_TYPES.items()}


def _user(caller: Caller) -> Caller:
    """The caller judged as the user thread it is."""
    return Caller(caller.thread, as_user=True)


def _permits(kernel: Inspect, caller: Caller, address: int, size: int,
             access: AccessKind) -> bool:
    try:
        kernel.memory.check(_user(caller), address, size, access)
    except (Oops, MemoryAccessError):
        return False
    return True


def _valid_buffer_check(kernel: Inspect, caller: Caller, address: int, size: int,
                        write: int) -> Plan:
    access = AccessKind.WRITE if write else AccessKind.READ
    return (ALLOWED if _permits(kernel, caller, address, size, access) else REFUSED,)


@syscall("z_levante_user_buffer_check", validate=_valid_buffer_check)
def z_levante_user_buffer_check(kernel: Services, caller: Caller, verdict: int) -> int:
    return verdict


def _valid_object_check(kernel: Inspect, caller: Caller, address: int, otype: int,
                        init: int) -> Plan:
    kind = _KINDS_BY_NUMBER.get(otype, kernel.app_driver_kinds.get(otype))
    if (otype not in _KINDS_BY_NUMBER and kind is None) or not 0 <= init < len(_INIT_STATES):
        return (REFUSED,)
    error = kernel.objects.validate(caller.thread, address, kind, _INIT_STATES[init])
    return (ALLOWED if error == 0 else REFUSED,)


@syscall("z_levante_user_object_check", validate=_valid_object_check)
def z_levante_user_object_check(kernel: Services, caller: Caller, verdict: int) -> int:
    return verdict


def _valid_from_copy(kernel: Inspect, caller: Caller, destination: int, source: int,
                     size: int) -> int | Plan:
    if not _permits(kernel, caller, source, size, AccessKind.READ):
        return EFAULT
    kernel.memory.check(caller, destination, size, AccessKind.WRITE)
    return destination, kernel.memory.read(_user(caller), source, size) if size else b""


@syscall("k_usermode_from_copy", validate=_valid_from_copy)
def k_usermode_from_copy(kernel: Services, caller: Caller, destination: int,
                         data: bytes) -> int:
    kernel.memory.write(caller, destination, data)
    return 0


def _valid_to_copy(kernel: Inspect, caller: Caller, destination: int, source: int,
                   size: int) -> int | Plan:
    if not _permits(kernel, caller, destination, size, AccessKind.WRITE):
        return EFAULT
    return destination, kernel.memory.read(caller, source, size) if size else b""


@syscall("k_usermode_to_copy", validate=_valid_to_copy)
def k_usermode_to_copy(kernel: Services, caller: Caller, destination: int,
                       data: bytes) -> int:
    kernel.memory.write(_user(caller), destination, data)
    return 0


def _user_string_length(kernel: Inspect, caller: Caller, source: int,
                        limit: int) -> int | None:
    """The length of the user's string at `source` within `limit` bytes, or None when a
    byte up to its NUL is not the user's to read.  A string with no NUL in `limit`
    bytes is `limit` long."""
    length = 0
    while length < limit:
        chunk = min(64, limit - length)
        # Byte by byte at the edge of what the user may read.
        if not _permits(kernel, caller, source + length, chunk, AccessKind.READ):
            chunk = 1
            if not _permits(kernel, caller, source + length, 1, AccessKind.READ):
                return None
        data = kernel.memory.read(_user(caller), source + length, chunk)
        end = data.find(0)
        if end >= 0:
            return length + end
        length += chunk
    return limit


def _valid_string_nlen(kernel: Inspect, caller: Caller, source: int, limit: int,
                       error: int) -> Plan:
    kernel.memory.check(caller, error, 4, AccessKind.WRITE)
    length = _user_string_length(kernel, caller, source, limit)
    return error, (0 if length is None else length), (-1 if length is None else 0)


@syscall("k_usermode_string_nlen", validate=_valid_string_nlen)
def k_usermode_string_nlen(kernel: Services, caller: Caller, error: int, length: int,
                           status: int) -> int:
    kernel.memory.write(caller, error, struct.pack("<i", status))
    return length


def _valid_string_copy(kernel: Inspect, caller: Caller, destination: int, source: int,
                       limit: int) -> int | Plan:
    length = _user_string_length(kernel, caller, source, limit)
    if length is None:
        return EFAULT
    if length >= limit:
        return EINVAL  # no NUL within maxlen: nothing is copied
    kernel.memory.check(caller, destination, length + 1, AccessKind.WRITE)
    return destination, kernel.memory.read(_user(caller), source, length) + b"\0"


@syscall("k_usermode_string_copy", validate=_valid_string_copy)
def k_usermode_string_copy(kernel: Services, caller: Caller, destination: int,
                           data: bytes) -> int:
    kernel.memory.write(caller, destination, data)
    return 0
