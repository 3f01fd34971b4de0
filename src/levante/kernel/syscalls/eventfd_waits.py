"""Serving the threads blocked on an eventfd when its counter changes, and closing one.

A write wakes readers in priority order while the counter has something for them, and a
read wakes writers whose value now fits; then the eventfd's pollers look again.  A
waiter whose memory is no longer its own faults in its own context (`delivery.py`'s
rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS
from levante.kernel.fatal import Oops
from levante.kernel.objects.eventfd import VALUE_SIZE, EventFd, EventFdRead, EventFdWrite
from levante.kernel.objects.socket_poll import SocketPollWait

if TYPE_CHECKING:
    from levante.kernel.syscalls.context import Services


def eventfd_changed(kernel: Services, event: EventFd) -> None:
    """Serve readers and writers until neither can go on, then the pollers."""
    progress = True
    while progress:
        progress = _serve_reader(kernel, event) or _serve_writer(kernel, event)
    for poller in list(event.pollers):
        assert isinstance(poller, SocketPollWait)
        poller.recheck(kernel)


def _serve_reader(kernel: Services, event: EventFd) -> bool:
    waiter = event.readers.best()
    if waiter is None or event.count == 0:
        return False
    request = waiter.wait_data
    assert isinstance(request, EventFdRead)
    event.readers.remove(waiter)
    value = event.take()
    assert value is not None
    try:
        request.destination.write(value.to_bytes(VALUE_SIZE, "little"))
    except Oops as refused:
        event.count += value  # nothing was read: the value stays for the next reader
        kernel.fault_on_resume(waiter, kernel.refusal_fault(
            waiter.context, refused, waiter.caller.is_user))
        return True
    kernel.wake(waiter, VALUE_SIZE)
    return True


def _serve_writer(kernel: Services, event: EventFd) -> bool:
    waiter = event.writers.best()
    if waiter is None:
        return False
    request = waiter.wait_data
    assert isinstance(request, EventFdWrite)
    if not event.add(request.value):
        return False
    event.writers.remove(waiter)
    kernel.wake(waiter, VALUE_SIZE)
    return True


def release_eventfd(kernel: Services, event: EventFd) -> None:
    """close: the descriptor and slot are free at once; waiters get -EBADF (Zephyr's
    read and write find the eventfd closed); pollers see POLLNVAL."""
    table = kernel.sockets
    if table.eventfds.get(event.descriptor) is event:
        del table.eventfds[event.descriptor]
    for queue in event.wait_queues():
        while (waiter := queue.pop_best()) is not None:
            kernel.wake(waiter, -ERRNO["EBADF"])
    entry = kernel.objects.entry(event.address)
    if entry is not None and entry.state is event:
        entry.state = None
        entry.permissions = set()
        entry.public = False
    kernel.memory.kernel_write_u32(event.address + FIELD_OFFSETS["zvfs_eventfd.fd"],
                                   0xFFFFFFFF)
    for poller in list(event.pollers):
        assert isinstance(poller, SocketPollWait)
        poller.recheck(kernel)
