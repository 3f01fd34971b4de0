"""Handing data to a thread blocked on receiving it: one rule for every object whose
receivers wait with a destination (a message queue's getters, a stack's poppers, an IPC
endpoint's servers and clients)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.usermem import UserBuffer

if TYPE_CHECKING:
    from levante.kernel.syscalls.context import Services
    from levante.kernel.thread import Thread
    from levante.kernel.waitq import WaitQueue


def still_writable(kernel: Services, waiter: Thread, destination: UserBuffer,
                   size: int) -> bool:
    """Whether a waiter may still be written `size` bytes at its destination; if not (it
    left its memory domain while it waited) its wait ends with a fault it takes in its
    own context, never the writer's."""
    try:
        destination.memory.check(destination.owner, destination.address, size,
                                 AccessKind.WRITE)
    except Oops as refused:
        kernel.fault_on_resume(waiter, kernel.refusal_fault(
            waiter.context, refused, waiter.caller.is_user))
        return False
    return True


def deliver_to_waiter(kernel: Services, waiters: WaitQueue, data: bytes) -> bool:
    """Write `data` into the destination of the best waiter that may still take it and
    wake it.  A waiter whose destination is no longer its own (it left its memory domain
    while it waited) faults in its own context, and the next one is tried.  False when
    no waiter took the data (it stays with the giver)."""
    while (waiter := waiters.pop_best()) is not None:
        destination = waiter.wait_data
        assert isinstance(destination, UserBuffer)  # receivers wait with one
        try:
            destination.write(data)
        except Oops as refused:
            kernel.fault_on_resume(waiter, kernel.refusal_fault(
                waiter.context, refused, waiter.caller.is_user))
            continue
        kernel.wake(waiter, 0)
        return True
    return False
