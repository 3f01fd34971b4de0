"""eventfd system calls (<zephyr/posix/sys/eventfd.h>, CONFIG_ZVFS_EVENTFD): make one,
read it, write it.  close() and poll() are the descriptor table's (socket_calls.py,
socket_poll_calls.py).

Results are -errno for the C functions to put into errno, with Zephyr's values: flags
other than EFD_SEMAPHORE and EFD_NONBLOCK are EINVAL, no free slot ENOMEM, no free
descriptor ENFILE, a buffer under 8 bytes EINVAL, a NULL one EFAULT, writing
0xffffffffffffffff EINVAL, and an EFD_NONBLOCK call that would wait EAGAIN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS
from levante.arch.interface import AccessKind
from levante.kernel.objects.eventfd import (
    EFD_FLAGS,
    EFD_NONBLOCK,
    EFD_SEMAPHORE,
    VALUE_SIZE,
    EventFd,
    EventFdRead,
    EventFdWrite,
)
from levante.kernel.syscalls.eventfd_waits import eventfd_changed
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.socket_calls import K_FOREVER_TICKS, find_descriptor

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer

WRITE_FORBIDDEN = 2**64 - 1


def _valid_eventfd(kernel: Inspect, caller: Caller, initval: int, flags: int) -> int | Plan:
    table = kernel.sockets
    if flags & ~EFD_FLAGS:
        return -ERRNO["EINVAL"]
    if table.free_eventfd_slot() is None:
        return -ERRNO["ENOMEM"]
    if table.free_descriptor() is None:
        return -ERRNO["ENFILE"]
    return (initval & 0xFFFF_FFFF, flags)


@syscall("z_levante_eventfd", validate=_valid_eventfd)
def z_levante_eventfd(kernel: Services, caller: Caller, initval: int, flags: int) -> int:
    """A new eventfd counting from `initval`, granted to the caller's thread only."""
    table = kernel.sockets
    descriptor, slot = table.free_descriptor(), table.free_eventfd_slot()
    assert descriptor is not None and slot is not None  # validated
    event = EventFd(descriptor, initval, semaphore=bool(flags & EFD_SEMAPHORE),
                    nonblocking=bool(flags & EFD_NONBLOCK), address=slot)
    kernel.objects.register(slot, event)
    entry = kernel.objects.entry(slot)
    if entry is not None:
        entry.tracked = True  # the runtime's slot: user threads can be granted it
        entry.permissions = {caller.thread}
    table.eventfds[descriptor] = event
    kernel.memory.kernel_write_u32(slot + FIELD_OFFSETS["zvfs_eventfd.fd"], descriptor)
    return descriptor


def _find_eventfd(kernel: Inspect, caller: Caller, descriptor: int) -> EventFd | int:
    found = find_descriptor(kernel, caller, descriptor)
    if isinstance(found, int):
        return found
    return found if isinstance(found, EventFd) else -ERRNO["EINVAL"]


def _valid_read(kernel: Inspect, caller: Caller, descriptor: int, value: int,
                size: int) -> int | Plan:
    event = _find_eventfd(kernel, caller, descriptor)
    if isinstance(event, int):
        return event
    if size < VALUE_SIZE:
        return -ERRNO["EINVAL"]
    if value == 0:
        return -ERRNO["EFAULT"]
    return event, kernel.memory.buffer(caller, value, VALUE_SIZE, AccessKind.WRITE)


@syscall("z_levante_eventfd_read", validate=_valid_read)
def z_levante_eventfd_read(kernel: Services, caller: Caller, event: EventFd,
                           destination: UserBuffer) -> int | Blocked:
    """8 (the counter's value, or 1 with EFD_SEMAPHORE, was written), or -errno; waits
    while the counter is 0 unless EFD_NONBLOCK."""
    value = event.take()
    if value is not None:
        # Checked for this caller at the call: the write cannot be refused now.
        destination.write(value.to_bytes(VALUE_SIZE, "little"))
        eventfd_changed(kernel, event)
        return VALUE_SIZE
    if event.nonblocking:
        return -ERRNO["EAGAIN"]
    return kernel.pend(caller, event.readers, K_FOREVER_TICKS, -ERRNO["EAGAIN"],
                       wait_data=EventFdRead(destination))


def _valid_write(kernel: Inspect, caller: Caller, descriptor: int, value: int,
                 size: int) -> int | Plan:
    event = _find_eventfd(kernel, caller, descriptor)
    if isinstance(event, int):
        return event
    if size < VALUE_SIZE:
        return -ERRNO["EINVAL"]
    if value == 0:
        return -ERRNO["EFAULT"]
    amount = int.from_bytes(kernel.memory.read(caller, value, VALUE_SIZE), "little")
    if amount == WRITE_FORBIDDEN:
        return -ERRNO["EINVAL"]
    return event, amount


@syscall("z_levante_eventfd_write", validate=_valid_write)
def z_levante_eventfd_write(kernel: Services, caller: Caller, event: EventFd,
                            amount: int) -> int | Blocked:
    """8 (`amount` was added), or -errno; waits while the sum would pass 2**64 - 2
    unless EFD_NONBLOCK."""
    if event.add(amount):
        eventfd_changed(kernel, event)
        return VALUE_SIZE
    if event.nonblocking:
        return -ERRNO["EAGAIN"]
    return kernel.pend(caller, event.writers, K_FOREVER_TICKS, -ERRNO["EAGAIN"],
                       wait_data=EventFdWrite(amount))
