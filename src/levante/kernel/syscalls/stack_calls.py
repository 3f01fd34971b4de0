"""k_stack_* system calls: push never blocks (-ENOMEM when full), pop may wait.

A waiting popper's destination is a UserBuffer checked when it called and again when a
value is delivered into it; one that is no longer its own (it left its memory domain)
faults in its own context, and the value goes to the next waiter or onto the stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.stack import WORD_BYTES, Stack
from levante.kernel.resources import claim_block, release_block
from levante.kernel.syscalls.registry import syscall
from levante.kernel.usermem import UserBuffer, array_size

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.pool import MemoryPool
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan


def _replace_stack(kernel: Services, caller: Caller, address: int, stack: Stack) -> None:
    previous = kernel.objects.unchecked_state(address)
    if isinstance(previous, Stack):
        for pool, block in previous.take_owned_blocks():
            release_block(kernel.memory, pool, block)
    kernel.objects.initialise(caller, address, stack)


@syscall("k_stack_init")
def k_stack_init(kernel: Services, caller: Caller, stack: int, buffer: int,
                 num_entries: int) -> None:
    _replace_stack(kernel, caller, stack, Stack(num_entries))


def _valid_alloc_init(kernel: Inspect, caller: Caller, stack: int,
                      num_entries: int) -> int | Plan:
    """The buffer comes from the caller's resource pool (-ENOMEM: no room)."""
    size = array_size(num_entries, WORD_BYTES)
    pool = kernel.resource_pool_of(caller)
    block = pool.find(size) if pool is not None and size else None
    if pool is None or block is None or size is None:
        return -ERRNO["ENOMEM"]
    return stack, num_entries, pool, block


@syscall("k_stack_alloc_init", validate=_valid_alloc_init)
def k_stack_alloc_init(kernel: Services, caller: Caller, stack: int, num_entries: int,
                       pool: MemoryPool, block: int) -> int:
    claim_block(kernel.memory, pool, block, num_entries * WORD_BYTES)
    _replace_stack(kernel, caller, stack, Stack(num_entries, buffer=(pool, block)))
    return 0


@syscall("k_stack_cleanup")
def k_stack_cleanup(kernel: Services, caller: Caller, stack: Stack) -> int:
    if any(stack.wait_queues()):
        return -ERRNO["EAGAIN"]
    for pool, block in stack.take_owned_blocks():
        release_block(kernel.memory, pool, block)
    return 0


def _deliver_to_waiter(kernel: Services, stack: Stack, value: int) -> bool:
    while (waiter := stack.waiters.pop_best()) is not None:
        buffer = waiter.wait_data
        assert isinstance(buffer, UserBuffer)
        try:
            buffer.write(value.to_bytes(WORD_BYTES, "little"))
        except Oops as refused:
            kernel.fault_on_resume(waiter, kernel.refusal_fault(
                waiter.context, refused, waiter.caller.is_user))
            continue
        kernel.wake(waiter, 0)
        return True
    return False


@syscall("k_stack_push")
def k_stack_push(kernel: Services, caller: Caller, stack: Stack, data: int) -> int:
    if _deliver_to_waiter(kernel, stack, data):
        return 0
    if len(stack.values) >= stack.capacity:
        return -ERRNO["ENOMEM"]
    stack.values.append(data)
    return 0


def _valid_pop(kernel: Inspect, caller: Caller, stack: Stack, data: int,
               timeout: int) -> Plan:
    return stack, kernel.memory.buffer(caller, data, WORD_BYTES, AccessKind.WRITE), timeout


@syscall("k_stack_pop", validate=_valid_pop)
def k_stack_pop(kernel: Services, caller: Caller, stack: Stack, buffer: UserBuffer,
                timeout: int) -> int | Blocked:
    if stack.values:
        buffer.write(stack.values.pop().to_bytes(WORD_BYTES, "little"))
        return 0
    if timeout == 0:
        return -ERRNO["EBUSY"]
    return kernel.pend(caller, stack.waiters, timeout, -ERRNO["EAGAIN"], wait_data=buffer)
