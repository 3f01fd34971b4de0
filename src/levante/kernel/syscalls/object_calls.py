"""Kernel-object permissions and dynamic objects: k_object_access_*, k_object_alloc/free.

Without CONFIG_USERSPACE every thread may use every object, and the permission calls do
nothing, as in Zephyr.  A user thread may grant only objects it may use itself, to a
thread object it may use; revoking and making objects public are supervisor-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO, KERNEL_OBJECT_TYPES, OBJECT_KINDS, STRUCT_SIZES, STRUCTS_BY_NAME
from levante.kernel.fatal import K_ERR_KERNEL_OOPS, Oops, PendingFault
from levante.kernel.object_records import encode_record
from levante.kernel.objects.kinds import KindState, load_all_kinds
from levante.kernel.objects.registry import (
    STACK_KIND,
    InitState,
    KernelObject,
    ObjectRegistry,
    is_waiting_on,
)
from levante.kernel.syscalls.registry import syscall
from levante.kernel.thread import Thread
from levante.kernel.userspace import UserSpace

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

_KIND_OF_TYPE = {KERNEL_OBJECT_TYPES[name]: kind for name, kind in OBJECT_KINDS.items()}
_STACK_TYPE = KERNEL_OBJECT_TYPES["K_OBJ_THREAD_STACK_ELEMENT"]
# Zephyr refuses to allocate a futex or a sys_mutex: they live in their users' memory.
# Sockets come only from zsock_socket (Zephyr's NET_SOCKET is not allocatable).
_NEVER_ALLOCATED = frozenset({"k_futex", "sys_mutex", "net_context"})


def _grantable(kernel: Inspect, caller: Caller, address: int) -> KernelObject | None:
    """The object a permission call names: a user caller must be allowed to use it."""
    if caller.is_user:
        return kernel.objects.checked(caller, address, None, InitState.ANY)
    return kernel.objects.entry(address)


def _thread_object(kernel: Inspect, caller: Caller, address: int) -> Thread | None:
    if caller.is_user:
        state = kernel.objects.checked(caller, address, Thread.KIND, InitState.ANY).state
    else:
        entry = kernel.objects.entry(address)
        if entry is None or entry.kind != Thread.KIND:
            raise Oops(f"{address:#x} is not a thread object")
        state = entry.state
    return state if isinstance(state, Thread) else None


def _free_if_orphan(kernel: Services, orphan: KernelObject | None) -> None:
    """Free what `ObjectRegistry.revoke` reported as left without any permission."""
    if orphan is not None and kernel.userspace is not None:
        kernel.userspace.free_object(orphan)


def _valid_grant(kernel: Inspect, caller: Caller, obj: int, thread: int) -> Plan:
    """The grantee, then the object; without CONFIG_USERSPACE there is nothing to do.
    The grantee is the thread on the thread object, or the object's address when no
    thread runs on it (the next one will have the permission, as in Zephyr)."""
    if kernel.userspace is None:
        return None, None
    grantee: Thread | int | None = _thread_object(kernel, caller, thread)
    if grantee is None:
        grantee = thread
    return _grantable(kernel, caller, obj), grantee


@syscall("k_object_access_grant", validate=_valid_grant)
def k_object_access_grant(kernel: Services, caller: Caller, entry: KernelObject | None,
                          grantee: Thread | int | None) -> None:
    if entry is None or grantee is None:
        return
    if isinstance(grantee, Thread):
        entry.permissions.add(grantee)
        kernel.trace("grant", object=entry.address, thread=grantee.name)
    else:
        kernel.objects.grant_pending(entry.address, grantee)
        kernel.trace("grant", object=entry.address, thread=f"{grantee:#010x}")


def _valid_revoke(kernel: Inspect, caller: Caller, obj: int, thread: int) -> Plan:
    if kernel.userspace is None:
        return obj, None
    grantee: Thread | int | None = _thread_object(kernel, caller, thread)
    return obj, thread if grantee is None else grantee


@syscall("k_object_access_revoke", validate=_valid_revoke)
def k_object_access_revoke(kernel: Services, caller: Caller, obj: int,
                           grantee: Thread | int | None) -> None:
    if grantee is None:
        return
    if not isinstance(grantee, Thread):
        kernel.objects.revoke_pending(obj, grantee)  # a grant no thread has taken yet
        return
    entry = kernel.objects.entry(obj)
    orphan = kernel.objects.revoke(obj, grantee)
    if (entry is not None and grantee.user and not entry.permits(grantee)
            and is_waiting_on(grantee, entry.state)):
        # A right revoked while its holder is blocked on the object is gone now: the
        # wait ends with the oops a new call would get, and nothing is done for it.
        denial = ObjectRegistry.denial(obj, entry.kind, -ERRNO["EPERM"])
        kernel.fault_on_resume(grantee, PendingFault(K_ERR_KERNEL_OOPS,
                                                     f"{denial} (revoked while blocked)"))
    _free_if_orphan(kernel, orphan)


def _valid_release(kernel: Inspect, caller: Caller, obj: int) -> Plan:
    if kernel.userspace is None:
        return (None,)
    return (_grantable(kernel, caller, obj),)


@syscall("k_object_release", validate=_valid_release)
def k_object_release(kernel: Services, caller: Caller, entry: KernelObject | None) -> None:
    if entry is not None:
        _free_if_orphan(kernel, kernel.objects.revoke(entry.address, caller.thread))


@syscall("k_object_access_all_grant")
def k_object_access_all_grant(kernel: Services, caller: Caller, obj: int) -> None:
    entry = kernel.objects.entry(obj)
    if entry is not None:
        entry.public = True


def _allocate(kernel: Services, caller: Caller, object_type: int, size: int | None) -> int:
    userspace: UserSpace | None = kernel.userspace
    kind = _KIND_OF_TYPE.get(object_type)
    if userspace is None or kind is None or kind in _NEVER_ALLOCATED:
        return 0
    if object_type == _STACK_TYPE:
        if not size:
            return 0  # a stack needs k_object_alloc_size
        wanted = size
    else:
        # As Zephyr, a driver type gives a struct device's room: an object of that
        # type that no device stands behind, so every driver call on it is refused.
        wanted = max(size or 0, STRUCT_SIZES.get(kind, STRUCT_SIZES["device"]))
    entry = userspace.allocate_object(kind, wanted, kernel.resource_pool_of(caller))
    if entry is None:
        return 0
    entry.permissions.add(caller.thread)
    kernel.trace("object_alloc", kind=kind, address=entry.address, size=entry.size)
    return entry.address


@syscall("k_object_alloc")
def k_object_alloc(kernel: Services, caller: Caller, otype: int) -> int:
    return _allocate(kernel, caller, otype, None)


@syscall("k_object_alloc_size")
def k_object_alloc_size(kernel: Services, caller: Caller, otype: int, size: int) -> int:
    return _allocate(kernel, caller, otype, size)


def _valid_free(kernel: Inspect, caller: Caller, obj: int) -> Plan:
    """Only a dynamic object is freed, and never one a thread runs as or on."""
    entry = kernel.objects.entry(obj)
    if entry is None or kernel.userspace is None or not entry.dynamic:
        return (None,)
    if entry.kind in (Thread.KIND, "z_thread_stack_element") and entry.initialised:
        raise Oops(f"{obj:#x} is in use by a thread and cannot be freed")
    return (entry,)


@syscall("k_object_free", validate=_valid_free)
def k_object_free(kernel: Services, caller: Caller, entry: KernelObject | None) -> None:
    if entry is not None and kernel.userspace is not None:
        kernel.userspace.free_object(entry)


# ---- k_object_find and k_object_recycle (kernel functions: supervisor only) --------------

def _write_record(kernel: Services, entry: KernelObject, record: int) -> None:
    kernel.memory.kernel_write(record, encode_record(entry, kernel.config.max_thread_bytes))


def _valid_find(kernel: Inspect, caller: Caller, obj: int) -> Plan:
    """Objects in the table only (not those a supervisor set up at an untracked address)."""
    entry = kernel.objects.entry(obj)
    if kernel.userspace is None or entry is None or not entry.tracked:
        return (None,)
    return (entry,)


@syscall("k_object_find", validate=_valid_find)
def k_object_find(kernel: Services, caller: Caller, entry: KernelObject | None) -> int:
    if entry is None or kernel.userspace is None:
        return 0
    record = kernel.userspace.object_records.record_for(entry.address)
    if record is None:
        return 0  # an image without the runtime's records
    _write_record(kernel, entry, record)
    return record


def _state_from_memory(kernel: Inspect, entry: KernelObject) -> KindState | None:
    """An uninitialised object's state read from its structure, as a K_*_DEFINE one is
    at boot; None for kinds that have no such form (threads, stacks, devices)."""
    state_class = load_all_kinds().get(entry.kind)
    struct = STRUCTS_BY_NAME.get(entry.kind)
    if state_class is None or struct is None or not struct.static:
        return None
    data = kernel.memory.kernel_read(entry.address, struct.size)
    fields = {field.name: int.from_bytes(data[field.offset:field.offset + 4], "little")
              for field in struct.fields}
    return state_class.from_static(entry.address, fields)


def _valid_recycle(kernel: Inspect, caller: Caller, obj: int) -> Plan:
    entry = kernel.objects.entry(obj)
    if kernel.userspace is None or entry is None or not entry.tracked:
        return None, None
    return entry, None if entry.initialised else _state_from_memory(kernel, entry)


@syscall("k_object_recycle", validate=_valid_recycle)
def k_object_recycle(kernel: Services, caller: Caller, entry: KernelObject | None,
                     state: KindState | None) -> None:
    """Zephyr's: only the caller may use the object now, and it counts as initialised."""
    if entry is None or kernel.userspace is None:
        return
    entry.permissions.clear()
    entry.permissions.add(caller.thread)
    if state is not None:
        entry.state = state
    record = kernel.userspace.object_records.existing(entry.address)
    if record is not None:
        _write_record(kernel, entry, record)


def _valid_priv_stack_find(kernel: Inspect, caller: Caller, obj: int) -> Plan:
    entry = kernel.objects.entry(obj)
    if kernel.userspace is None or entry is None or entry.kind != STACK_KIND:
        return (None,)
    return (entry,)


@syscall("z_priv_stack_find", validate=_valid_priv_stack_find)
def z_priv_stack_find(kernel: Services, caller: Caller, stack: KernelObject | None) -> int:
    """The privileged stack that goes with a stack object (a kernel function)."""
    if stack is None or kernel.userspace is None:
        return 0
    return kernel.userspace.privileged_stack_for_stack(stack)


def _valid_object_init(kernel: Inspect, caller: Caller, obj: int) -> Plan:
    entry = kernel.objects.entry(obj)
    if kernel.userspace is None or entry is None or not entry.tracked or entry.initialised:
        return None, None
    return entry, _state_from_memory(kernel, entry)


@syscall("k_object_init", validate=_valid_object_init)
def k_object_init(kernel: Services, caller: Caller, entry: KernelObject | None,
                  state: KindState | None) -> None:
    """Zephyr's: the object counts as initialised (its structure read as a K_*_DEFINE
    one is; threads, stacks and devices become so only by being used)."""
    if entry is not None and state is not None:
        entry.state = state


_TYPE_OF_KIND = {kind: number for number, kind in _KIND_OF_TYPE.items()}
_ANY_TYPE = KERNEL_OBJECT_TYPES["K_OBJ_ANY"]


def _kind_of(otype: int) -> str | None | int:
    """The kind K_OBJ_* value `otype` names (None: any kind), or -EBADF."""
    if otype == _ANY_TYPE:
        return None
    return _KIND_OF_TYPE.get(otype, -ERRNO["EBADF"])


@syscall("k_object_is_valid")
def k_object_is_valid(kernel: Services, caller: Caller, obj: int, otype: int) -> int:
    """Whether `obj` is an initialised object of that type the caller may use."""
    kind = _kind_of(otype)
    if kernel.userspace is None or isinstance(kind, int):
        return 0
    return int(kernel.objects.validate(caller.thread, obj, kind, InitState.INITIALISED) == 0)


_INIT_CHECKS = {0: InitState.INITIALISED, -1: InitState.UNINITIALISED, 1: InitState.ANY}


def _valid_object_validate(kernel: Inspect, caller: Caller, record: int, otype: int,
                           init: int) -> int | Plan:
    """The object a k_object_find record describes, checked as Zephyr's
    k_object_validate checks it for the calling thread."""
    userspace = kernel.userspace
    kind = _kind_of(otype)
    obj = None if userspace is None else userspace.object_records.object_of(record)
    if obj is None or isinstance(kind, int) or init not in _INIT_CHECKS:
        return -ERRNO["EBADF"]
    return (kernel.objects.validate(caller.thread, obj, kind, _INIT_CHECKS[init]),)


@syscall("k_object_validate", validate=_valid_object_validate)
def k_object_validate(kernel: Services, caller: Caller, result: int) -> int:
    return result
