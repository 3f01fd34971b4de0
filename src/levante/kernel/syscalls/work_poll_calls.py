"""k_work_poll_*: triggered work, a work item submitted by k_poll events (CONFIG_POLL;
kernel functions: supervisors and ISRs only).

The item's events are copied in and registered on their objects as a `WorkTrigger`,
next to k_poll's waiting threads (polling.py notifies both).  The first event ready, or
the timeout, writes the item's poll_result (0 or -EAGAIN) and the events' states back
and submits it to its queue.  The queue owns the item (its `workq`) from the submission
until its handler starts: submitting it again to the same queue meanwhile replaces a
wait for events, and is refused once it is queued (-EINVAL), as in Zephyr.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS, STRUCT_SIZES
from levante.arch.interface import AccessKind, MemoryAccessError
from levante.kernel.fatal import Oops
from levante.kernel.objects.poll_events import EVENT_BYTES, WorkTrigger, updated_events
from levante.kernel.syscalls.poll_calls import decode_events, mark_ready_events
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.work_items import (
    K_FOREVER_TICKS,
    K_NO_WAIT_TICKS,
    NULL,
    adopt,
    disown,
    item_at,
    mirror,
    queue_at,
    submit,
    write_owner,
)
from levante.kernel.usermem import array_size

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.objects.poll_events import PolledEvent
    from levante.kernel.objects.work import WorkItem, WorkQueue
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, EAGAIN = -ERRNO["EINVAL"], -ERRNO["EAGAIN"]
EADDRINUSE, EINPROGRESS = -ERRNO["EADDRINUSE"], -ERRNO["EINPROGRESS"]
WORK_POLL_SIZE = STRUCT_SIZES["k_work_poll"]
_HANDLER_OFFSET = FIELD_OFFSETS["k_work.handler"]
_LEAST_IMPORTANT = 1 << 30  # a queue without a thread yet registers after every poller


def _stop_waiting(kernel: Services, item: WorkItem) -> None:
    """Drop a wait for events: registrations and timeout go."""
    trigger, item.trigger = item.trigger, None
    if trigger is not None:
        trigger.abandon()
        kernel.timeouts.cancel(trigger.timeout)


def _valid_init(kernel: Inspect, caller: Caller, work: int, handler: int) -> Plan:
    """An item that only waits for its events may be initialised again (the wait is
    dropped, as Zephyr's init forgets it); one queued or running may not."""
    if handler == NULL:
        raise Oops("k_work_poll_init: the handler is NULL")
    item = item_at(kernel, caller, work, WORK_POLL_SIZE)
    if item is not None and item.busy:
        raise Oops(f"k_work_poll_init: {work:#x} is queued or running: it cannot be "
                   "initialised now")
    return work, handler, item


@syscall("k_work_poll_init", validate=_valid_init)
def k_work_poll_init(kernel: Services, caller: Caller, work: int, handler: int,
                     item: WorkItem | None) -> None:
    if item is not None:
        _stop_waiting(kernel, item)
        item.owner = None
        kernel.objects.remove(work)
    kernel.memory.kernel_write(work, struct.pack("<6I", NULL, handler, NULL, 0, NULL, 0))


def _valid_submit(kernel: Inspect, caller: Caller, queue: int, work: int, events: int,
                  count: int, timeout: int) -> int | Plan:
    """Zephyr asserts a queue, an item and at least one event; the events are checked as
    k_poll checks them.  An item another queue owns is -EADDRINUSE; one its queue has
    queued or runs the handler of already is -EINVAL."""
    if queue == NULL or events == NULL or count <= 0:
        raise Oops("k_work_poll_submit_to_queue: NULL queue or events, or no event")
    item = item_at(kernel, caller, work, WORK_POLL_SIZE)
    handler, = struct.unpack("<I", kernel.memory.read(caller, work + _HANDLER_OFFSET, 4))
    if handler == NULL:
        raise Oops(f"k_work_poll_submit_to_queue: {work:#x} has no handler "
                   "(not initialised?)")
    state = queue_at(kernel, queue)
    if item is not None and item.owner is not None:
        # By address: a queue never initialised has no record, only its address.
        if item.owner.address != queue:
            return EADDRINUSE
        if item.trigger is None:
            return EINVAL
    size = array_size(count, EVENT_BYTES)
    if size is None:
        return EINVAL
    kernel.memory.check_privileged(caller, events, size, AccessKind.WRITE)
    copy = kernel.memory.read(caller, events, size)
    polled = decode_events(kernel, caller, copy, count)
    if isinstance(polled, int):
        return polled
    return state, work, item, polled, events, copy, timeout


@syscall("k_work_poll_submit_to_queue", validate=_valid_submit)
def k_work_poll_submit_to_queue(kernel: Services, caller: Caller, queue: WorkQueue,
                                work: int, item: WorkItem | None,
                                events: list[PolledEvent], array: int, copy: bytes,
                                timeout: int) -> int:
    item = adopt(kernel, work, False, item)
    _stop_waiting(kernel, item)
    item.owner = queue

    def fire(poll_result: int) -> None:
        """An event is ready (0) or the time is up (-EAGAIN): submit the item."""
        _stop_waiting(kernel, item)
        try:
            kernel.memory.kernel_write(array, updated_events(copy, events))
        except MemoryAccessError:
            pass  # checked writable at submission; the states are a courtesy
        write_owner(kernel, item, poll_result)
        if submit(kernel, item, item.owner, None) < 0:
            disown(kernel, item)  # the queue refused it: nobody owns it now
            mirror(kernel, item)

    ready = mark_ready_events(kernel.memory, events)
    write_owner(kernel, item, EINPROGRESS)
    if ready or timeout == K_NO_WAIT_TICKS:
        fire(0 if ready else EAGAIN)
        return 0
    trigger = WorkTrigger(events, array, copy, fire)
    trigger.register(queue.thread.priority if queue.thread is not None else _LEAST_IMPORTANT)
    if timeout != K_FOREVER_TICKS:
        trigger.timeout = kernel.timeouts.arm(kernel.deadline_after_ticks(timeout),
                                              lambda: fire(EAGAIN),
                                              f"triggered work {work:#x}")
    item.trigger = trigger
    return 0


def _valid_cancel(kernel: Inspect, caller: Caller, work: int) -> int | Plan:
    """Only an item waiting for its events can be cancelled (0); anything else, NULL
    included, is -EINVAL (queued work has no public cancellation in Zephyr)."""
    if work == NULL:
        return EINVAL
    item = item_at(kernel, caller, work, WORK_POLL_SIZE)
    if item is None or item.owner is None or item.trigger is None:
        return EINVAL
    return (item,)


@syscall("k_work_poll_cancel", validate=_valid_cancel)
def k_work_poll_cancel(kernel: Services, caller: Caller, item: WorkItem) -> int:
    _stop_waiting(kernel, item)
    disown(kernel, item)
    mirror(kernel, item)
    return 0
