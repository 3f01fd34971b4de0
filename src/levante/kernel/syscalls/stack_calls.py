"""k_stack_* system calls: push never blocks (-ENOMEM when full), pop may wait.

A waiting popper's destination is a UserBuffer checked when it called and again when a
value is delivered into it (delivery.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.objects.stack import WORD_BYTES, Stack
from levante.kernel.resources import claim_block, find_room, release_owned
from levante.kernel.syscalls.delivery import deliver_to_waiter
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
        release_owned(kernel.memory, previous)
    kernel.objects.initialise(caller, address, stack)


def _valid_init(kernel: Inspect, caller: Caller, stack: int, buffer: int,
                num_entries: int) -> Plan:
    """The buffer must be memory the kernel may write, `num_entries` words of it: it is
    what bounds the values the kernel will keep for the stack."""
    kernel.memory.check_array(caller, buffer, num_entries, WORD_BYTES, AccessKind.WRITE)
    return stack, num_entries


@syscall("k_stack_init", validate=_valid_init)
def k_stack_init(kernel: Services, caller: Caller, stack: int, num_entries: int) -> None:
    _replace_stack(kernel, caller, stack, Stack(num_entries))


def _valid_alloc_init(kernel: Inspect, caller: Caller, stack: int,
                      num_entries: int) -> int | Plan:
    """The buffer comes from the caller's resource pool (-ENOMEM: no room)."""
    room = find_room(kernel.resource_pool_of(caller), array_size(num_entries, WORD_BYTES))
    if room is None:
        return -ERRNO["ENOMEM"]
    return stack, num_entries, *room


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
    release_owned(kernel.memory, stack)
    return 0


@syscall("k_stack_push")
def k_stack_push(kernel: Services, caller: Caller, stack: Stack, data: int) -> int:
    if deliver_to_waiter(kernel, stack.waiters, data.to_bytes(WORD_BYTES, "little")):
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
