"""k_thread_stack_alloc and k_thread_stack_free (CONFIG_DYNAMIC_THREAD), Zephyr's rules.

A stack comes from the build's pool (stacks of CONFIG_DYNAMIC_THREAD_STACK_SIZE) or,
with CONFIG_DYNAMIC_THREAD_ALLOC, from the calling thread's resource pool: a user stack
(K_USER) as a dynamic kernel object the caller may use, a supervisor stack as a block.
CONFIG_DYNAMIC_THREAD_PREFER_* says which is tried first.  A stack a live thread runs on
is busy; anything not handed out here is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.kernel.objects.registry import STACK_KIND, InitState, KernelObject
from levante.kernel.pool import MemoryPool
from levante.kernel.resources import allocate_block, release_block
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

K_USER = THREAD_OPTIONS["K_USER"]
NULL = 0
KERNEL_STACK_ALIGN = 8  # Z_KERNEL_STACK_OBJ_ALIGN: a supervisor stack needs no MPU region


def _from_pool(kernel: Services, caller: Caller, size: int) -> int:
    stacks = kernel.dynamic_stacks
    index = stacks.free_pool_stack()
    if index is None or size > kernel.config.dynamic_thread_stack_size:
        return NULL
    stacks.taken.add(index)
    address = stacks.address_of(index)
    entry = kernel.objects.entry(address)
    if entry is not None:
        entry.permissions.add(caller.thread)  # a user caller may create a thread on it
    return address


def _allocated(kernel: Services, caller: Caller, size: int, flags: int) -> int:
    pool = kernel.resource_pool_of(caller)
    if pool is None:
        return NULL
    if flags & K_USER:
        if kernel.userspace is None:
            return NULL  # a user stack is a kernel object: none without user mode
        entry = kernel.userspace.allocate_object(STACK_KIND, size, pool)
        if entry is None:
            return NULL
        entry.permissions.add(caller.thread)
        return entry.address
    address = allocate_block(kernel.memory, pool, size, KERNEL_STACK_ALIGN)
    if address is None:
        return NULL
    kernel.dynamic_stacks.allocated[address] = pool
    return address


def _valid_alloc(kernel: Inspect, caller: Caller, size: int, flags: int) -> Plan:
    return size, flags


@syscall("k_thread_stack_alloc", validate=_valid_alloc)
def k_thread_stack_alloc(kernel: Services, caller: Caller, size: int, flags: int) -> int:
    if size == 0:
        return NULL
    may_allocate = kernel.config.dynamic_thread_alloc
    if kernel.config.dynamic_thread_prefer_alloc:
        return _allocated(kernel, caller, size, flags) or _from_pool(kernel, caller, size)
    stack = _from_pool(kernel, caller, size)
    if stack == NULL and may_allocate:
        stack = _allocated(kernel, caller, size, flags)
    return stack


def _valid_free(kernel: Inspect, caller: Caller, stack: int) -> int | Plan:
    """Zephyr's z_vrfy: a user caller needs permission on a stack object no thread is
    using; then a stack a live thread runs on is busy, and one not handed out here is
    invalid."""
    if caller.is_user:
        kernel.objects.checked(caller, stack, STACK_KIND, InitState.UNINITIALISED)
    if stack == NULL:
        return -ERRNO["EINVAL"]
    for thread in kernel.threads_alive():
        if stack in (thread.stack_object[0], thread.stack_start):
            return -ERRNO["EBUSY"]
    stacks = kernel.dynamic_stacks
    index = stacks.pool_index(stack)
    if index is not None:
        return ("pool", index) if index in stacks.taken else -ERRNO["EINVAL"]
    if stack in stacks.allocated:
        return ("block", stacks.allocated[stack], stack)
    entry = kernel.objects.entry(stack)
    if kernel.config.dynamic_thread_alloc and entry is not None \
            and entry.kind == STACK_KIND and entry.dynamic:
        return ("object", entry)
    return -ERRNO["EINVAL"]


@syscall("k_thread_stack_free", validate=_valid_free)
def k_thread_stack_free(kernel: Services, caller: Caller, where: str,
                        *what: int | MemoryPool | KernelObject) -> int:
    if where == "pool":
        index = what[0]
        assert isinstance(index, int)
        stacks = kernel.dynamic_stacks
        stacks.taken.discard(index)
        pool_entry = kernel.objects.entry(stacks.address_of(index))
        if pool_entry is not None:
            # The rights that came with the stack go back with it: the next thread it is
            # handed to is not shared with its earlier holder.
            pool_entry.permissions.clear()
    elif where == "block":
        pool, address = what
        assert isinstance(pool, MemoryPool) and isinstance(address, int)
        del kernel.dynamic_stacks.allocated[address]
        release_block(kernel.memory, pool, address)
    else:
        entry = what[0]
        assert isinstance(entry, KernelObject) and kernel.userspace is not None
        kernel.userspace.free_object(entry)
    return 0
