"""What every work call shares: finding items and queues, submitting, cancelling,
flushing, delays, and mirroring the state into the C structures (Zephyr's rules).

Lookups run in validate stages (they may oops, and change nothing); the rest acts and
cannot fail.  An item's memory was checked writable for the kernel when the call that
made it busy was validated, and the kernel writes it only while the item is busy.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS, STRUCT_SIZES
from levante.arch.interface import AccessKind, MemoryAccessError
from levante.kernel.fatal import Oops
from levante.kernel.objects.work import (
    CANCELING,
    DELAYABLE,
    DELAYED,
    QUEUE_BUSY,
    QUEUE_DRAIN,
    QUEUE_PLUGGED,
    QUEUE_STARTED,
    QUEUED,
    RUNNING,
    FlushMark,
    WorkItem,
    WorkQueue,
)

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services

NULL = 0
K_FOREVER_TICKS = -1
K_NO_WAIT_TICKS = 0
EINVAL, ENODEV, EBUSY = -ERRNO["EINVAL"], -ERRNO["ENODEV"], -ERRNO["EBUSY"]
_ITEM_MIRROR = FIELD_OFFSETS["k_work.queue"]  # queue, then flags: one 8-byte write
_QUEUE_FLAGS = FIELD_OFFSETS["k_work_q.flags"]
_OWNER_OFFSET = FIELD_OFFSETS["k_work_poll.workq"]
_POLL_RESULT_OFFSET = FIELD_OFFSETS["k_work_poll.poll_result"]
WORK_SIZE = STRUCT_SIZES["k_work"]
DELAYABLE_SIZE = STRUCT_SIZES["k_work_delayable"]


# ---- lookups (validate stages) ------------------------------------------------------------

def item_at(kernel: Inspect, caller: Caller, address: int, size: int) -> WorkItem | None:
    """The busy item at `address`, or None for an idle one.  Its memory must be what the
    kernel may write (it mirrors the state there), and no other live object may be there."""
    if address == NULL:
        raise Oops("work item is NULL")
    kernel.memory.check_privileged(caller, address, size, AccessKind.WRITE)
    entry = kernel.objects.entry(address)
    if entry is None or entry.state is None:
        return None
    if isinstance(entry.state, WorkItem):
        return entry.state
    raise Oops(f"{address:#x} is a live {entry.kind}, not a work item")


def queue_at(kernel: Inspect, address: int) -> WorkQueue | None:
    """The queue at `address` (None for NULL).  A queue never initialised or started is
    one that refuses work (-ENODEV), as a zeroed k_work_q does in Zephyr."""
    if address == NULL:
        return None
    entry = kernel.objects.entry(address)
    if entry is None or entry.state is None:
        return WorkQueue(address)
    if isinstance(entry.state, WorkQueue):
        return entry.state
    raise Oops(f"{address:#x} is a live {entry.kind}, not a work queue")


def refuse_in_isr(caller: Caller, call: str) -> None:
    """Waiting calls (flush, cancel_sync, drain) cannot be made by an ISR (Zephyr
    asserts it)."""
    if caller.in_isr:
        raise Oops(f"{call} waits: an ISR may not call it")


# ---- records and mirrors -------------------------------------------------------------------

def adopt(kernel: Services, address: int, delayable: bool, item: WorkItem | None) -> WorkItem:
    """The item's record, made when an idle item is about to become busy."""
    if item is not None:
        item.delayable = item.delayable or delayable
        return item
    item = WorkItem(address, delayable)
    kernel.objects.register(address, item)
    return item


def mirror(kernel: Services, item: WorkItem) -> None:
    """Write the item's queue and flags into its structure; an idle item's record goes
    (its memory is its owner's again)."""
    queue = item.queue.address if item.queue is not None else NULL
    flags = item.busy | (DELAYABLE if item.delayable else 0)
    try:
        kernel.memory.kernel_write(item.address + _ITEM_MIRROR, struct.pack("<II", queue, flags))
    except MemoryAccessError:
        pass  # checked when it became busy; a mirror is a courtesy to C readers
    if item.forgettable:
        kernel.objects.remove(item.address)


def write_owner(kernel: Services, item: WorkItem, poll_result: int | None) -> None:
    """Mirror a triggered item's `workq` (and its poll result) for C code to read; like
    `mirror`, a courtesy to memory checked when the item was submitted."""
    owner = item.owner.address if item.owner is not None else NULL
    try:
        kernel.memory.kernel_write_u32(item.address + _OWNER_OFFSET, owner)
        if poll_result is not None:
            kernel.memory.kernel_write(item.address + _POLL_RESULT_OFFSET,
                                       struct.pack("<i", poll_result))
    except MemoryAccessError:
        pass


def disown(kernel: Services, item: WorkItem) -> None:
    """A triggered item's handler starts (or it is cancelled): its queue no longer owns
    it, and it may be submitted again anywhere."""
    item.owner = None
    write_owner(kernel, item, None)


def mirror_queue(kernel: Services, queue: WorkQueue) -> None:
    kernel.memory.kernel_write_u32(queue.address + _QUEUE_FLAGS, queue.flags)


def wake_queue(kernel: Services, queue: WorkQueue) -> None:
    """Tell the queue's thread, if it waits, to look at its list again."""
    thread = queue.idle.pop_best()
    if thread is not None:
        kernel.wake(thread, 0)


# ---- submitting ----------------------------------------------------------------------------

def _accepts(queue: WorkQueue | None, caller: Caller | None) -> int:
    """0, or why `queue` refuses work now: no queue, not started, draining (only its own
    thread may chain work then), plugged."""
    if queue is None:
        return EINVAL
    chained = caller is not None and not caller.in_isr and caller.thread is queue.thread
    if not queue.flags & QUEUE_STARTED:
        return ENODEV
    if queue.flags & QUEUE_DRAIN and not chained:
        return EBUSY
    if queue.flags & QUEUE_PLUGGED and not queue.flags & QUEUE_DRAIN:
        return EBUSY
    return 0


def submit(kernel: Services, item: WorkItem, queue: WorkQueue | None,
           caller: Caller | None) -> int:
    """Zephyr's submission: 0 when already queued, 1 when queued, 2 when queued to the
    queue running it (a handler never runs twice at once), or -EBUSY (cancelling or the
    queue refuses), -EINVAL (no queue), -ENODEV (not started).  `caller` is None when a
    delay expires."""
    if item.flags & CANCELING:
        result = EBUSY
    elif item.flags & QUEUED:
        result = 0
    else:
        result = 1
        if queue is None:
            queue = item.queue
        if item.flags & RUNNING:
            queue, result = item.queue, 2
        refusal = _accepts(queue, caller)
        if refusal:
            result = refusal
        else:
            assert queue is not None
            queue.pending.append(item)
            item.flags |= QUEUED
            item.queue = queue
            wake_queue(kernel, queue)
    mirror(kernel, item)
    return result


def dequeue(item: WorkItem) -> None:
    if item.flags & QUEUED and item.queue is not None:
        item.flags &= ~QUEUED
        if item in item.queue.pending:
            item.queue.pending.remove(item)


# ---- cancelling and flushing ----------------------------------------------------------------

def cancel(kernel: Services, item: WorkItem) -> int:
    """Zephyr's cancel_async: take it off its queue; what is still busy (running) is
    marked cancelling, and the busy bits are the result."""
    if not item.flags & CANCELING:
        dequeue(item)
    if item.busy:
        item.flags |= CANCELING
    result = item.busy
    mirror(kernel, item)
    return result


def wait_cancelled(kernel: Services, caller: Caller, item: WorkItem,
                   was_busy: bool) -> int | Blocked:
    """A *_cancel_sync after `cancel`: wait for a running handler to return."""
    if item.flags & CANCELING:
        return kernel.pend(caller, item.cancellers, K_FOREVER_TICKS, 1)
    return int(was_busy)


def flush(kernel: Services, caller: Caller, item: WorkItem | None) -> int | Blocked:
    """Wait until the item's queued and running work is done: a mark after it in its
    queue's list (first, when it only runs) releases the flusher when reached."""
    if item is None or not item.flags & (QUEUED | RUNNING) or item.queue is None:
        return 0
    queue = item.queue
    mark = FlushMark()
    if item.flags & QUEUED and item in queue.pending:
        queue.pending.insert(queue.pending.index(item) + 1, mark)
    else:
        queue.pending.appendleft(mark)
    wake_queue(kernel, queue)
    return kernel.pend(caller, mark.flushers, K_FOREVER_TICKS, 1)


def finish(kernel: Services, queue: WorkQueue) -> None:
    """The queue's thread returned from the item's handler: it is no longer running,
    and whoever waits for its cancellation is released."""
    item, queue.running = queue.running, None
    queue.flags &= ~QUEUE_BUSY
    mirror_queue(kernel, queue)
    if item is None:
        return
    item.flags &= ~RUNNING
    if item.flags & CANCELING:
        item.flags &= ~CANCELING
        while (thread := item.cancellers.pop_best()) is not None:
            kernel.wake(thread, 1)
    mirror(kernel, item)


# ---- delays ---------------------------------------------------------------------------------

def unschedule(item: WorkItem, kernel: Services) -> bool:
    """Stop a pending delay; True when one was counting down."""
    if not item.flags & DELAYED:
        return False
    item.flags &= ~DELAYED
    counting = item.timeout is not None
    kernel.timeouts.cancel(item.timeout)
    item.timeout = None
    return counting


def schedule(kernel: Services, caller: Caller, item: WorkItem, queue: WorkQueue | None,
             delay: int) -> int:
    """Submit now (K_NO_WAIT) or once `delay` ticks have passed (K_FOREVER: never)."""
    if delay == K_NO_WAIT_TICKS:
        return submit(kernel, item, queue, caller)
    item.flags |= DELAYED
    item.delay_queue = queue
    if delay != K_FOREVER_TICKS:
        def expire() -> None:
            item.timeout = None
            if item.flags & DELAYED:
                item.flags &= ~DELAYED
                submit(kernel, item, item.delay_queue, None)

        item.timeout = kernel.timeouts.arm(kernel.deadline_after_ticks(delay), expire,
                                           f"work {item.address:#x}")
    mirror(kernel, item)
    return 1
