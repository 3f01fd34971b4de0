"""Work queues: initialising and starting one, draining and unplugging it, and the call
its thread's loop makes for its next item (kernel functions: supervisors only).

The queue's thread runs the runtime's loop (runtime/work_queue.c): it asks
z_work_queue_next for an item, calls the handler, and asks again, which also reports
the previous item done.  The kernel reads the handler when it hands the item over, so
an item changed while it waited runs what it holds then.  Unless the queue was started
with no_yield, the thread yields after each item (the call then returns 0: ask again).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS, THREAD_OPTIONS
from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.work import (
    QUEUE_BUSY,
    QUEUE_DRAIN,
    QUEUE_NO_YIELD,
    QUEUE_PLUGGED,
    QUEUE_STARTED,
    QUEUED,
    RUNNING,
    FlushMark,
    WorkItem,
    WorkQueue,
)
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.work_items import (
    K_FOREVER_TICKS,
    NULL,
    disown,
    finish,
    mirror,
    mirror_queue,
    queue_at,
    refuse_in_isr,
    wake_queue,
)
from levante.kernel.thread import ThreadState

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.thread import Thread

EALREADY = -ERRNO["EALREADY"]
_THREAD_OFFSET = FIELD_OFFSETS["k_work_q.thread"]
_FLAGS_OFFSET = FIELD_OFFSETS["k_work_q.flags"]
_HANDLER_OFFSET = FIELD_OFFSETS["k_work.handler"]


def _not_started(kernel: Inspect, caller: Caller, call: str, queue: int) -> WorkQueue | None:
    """A queue about to be set up: never one already started (its thread runs)."""
    if queue == NULL:
        raise Oops(f"{call}: the queue is NULL")
    kernel.memory.check_privileged(caller, queue + _FLAGS_OFFSET, 4, AccessKind.WRITE)
    state = queue_at(kernel, queue)
    if state is not None and state.started:
        raise Oops(f"{call}: the work queue {queue:#x} is already started")
    entry = kernel.objects.entry(queue)
    return state if entry is not None and entry.state is state else None


def _valid_init(kernel: Inspect, caller: Caller, queue: int) -> Plan:
    _not_started(kernel, caller, "k_work_queue_init", queue)
    return (queue,)


@syscall("k_work_queue_init", validate=_valid_init)
def k_work_queue_init(kernel: Services, caller: Caller, queue: int) -> None:
    state = WorkQueue(queue)
    kernel.objects.register(queue, state)
    mirror_queue(kernel, state)


def _valid_start(kernel: Inspect, caller: Caller, queue: int, flags: int) -> Plan:
    """The runtime created the queue's thread (not started yet) in the queue's `thread`
    member; the kernel ties the two together.  Handlers run in supervisor mode."""
    known = _not_started(kernel, caller, "k_work_queue_start", queue)
    thread = kernel.thread_at(queue + _THREAD_OFFSET)
    if thread.state is not ThreadState.PRESTART:
        raise Oops(f"k_work_queue_start: the queue's thread {thread.name} already runs")
    if thread.options & THREAD_OPTIONS["K_USER"]:
        raise Oops("k_work_queue_start: a work queue's thread runs in supervisor mode")
    return queue, known, thread, flags & QUEUE_NO_YIELD


@syscall("z_work_queue_start", validate=_valid_start)
def z_work_queue_start(kernel: Services, caller: Caller, queue: int, known: WorkQueue | None,
                       thread: Thread, no_yield: int) -> None:
    state = known if known is not None else WorkQueue(queue)
    state.flags = QUEUE_STARTED | no_yield
    state.thread = thread
    kernel.objects.register(queue, state)
    mirror_queue(kernel, state)


def _next_item(queue: WorkQueue) -> WorkItem | None:
    return next((entry for entry in queue.pending if isinstance(entry, WorkItem)), None)


def _valid_next(kernel: Inspect, caller: Caller, queue: int) -> Plan:
    """Only the queue's own thread asks; the handler of the item it will be handed is
    read now, from the item (NULL: it was overwritten while it waited)."""
    state = queue_at(kernel, queue)
    if state is None or state.thread is None or caller.in_isr \
            or caller.thread is not state.thread:
        raise Oops(f"z_work_queue_next: not the thread of work queue {queue:#x}")
    handler = NULL
    yields = state.running is not None and not state.flags & QUEUE_NO_YIELD
    item = None if yields else _next_item(state)
    if item is not None:
        handler, = struct.unpack(
            "<I", kernel.memory.read(caller, item.address + _HANDLER_OFFSET, 4))
        if handler == NULL:
            raise Oops(f"work item {item.address:#x} has no handler any more "
                       "(overwritten while queued)")
    return state, handler


@syscall("z_work_queue_next", validate=_valid_next)
def z_work_queue_next(kernel: Services, caller: Caller, queue: WorkQueue,
                      handler: int) -> int | Blocked:
    """The previous item is done; then the next item (its address, with its handler in
    the high word), or 0 after a yield or a wait for work: ask again."""
    if queue.running is not None:
        finish(kernel, queue)
        if not queue.flags & QUEUE_NO_YIELD:
            kernel.yield_current()
            return 0
    while queue.pending:
        entry = queue.pending.popleft()
        if isinstance(entry, FlushMark):
            while (flusher := entry.flushers.pop_best()) is not None:
                kernel.wake(flusher, 1)
            continue
        entry.flags = (entry.flags & ~QUEUED) | RUNNING
        if entry.owner is not None:
            disown(kernel, entry)
        queue.running = entry
        queue.flags |= QUEUE_BUSY
        mirror(kernel, entry)
        mirror_queue(kernel, queue)
        return entry.address | handler << 32
    if queue.flags & QUEUE_DRAIN:
        queue.flags &= ~QUEUE_DRAIN
        mirror_queue(kernel, queue)
        while (drainer := queue.drainers.pop_best()) is not None:
            kernel.wake(drainer, 1)
    return kernel.pend(caller, queue.idle, K_FOREVER_TICKS, 0)


def _valid_drain(kernel: Inspect, caller: Caller, queue: int, plug: int) -> Plan:
    refuse_in_isr(caller, "k_work_queue_drain")
    state = queue_at(kernel, queue)
    if state is None:
        raise Oops("k_work_queue_drain: the queue is NULL")
    if state.thread is not None and caller.thread is state.thread:
        raise Oops("k_work_queue_drain: a work queue's own handler cannot wait for it")
    return state, plug & 0xFF


@syscall("k_work_queue_drain", validate=_valid_drain)
def k_work_queue_drain(kernel: Services, caller: Caller, queue: WorkQueue,
                       plug: int) -> int | Blocked:
    """Wait until the queue is empty and idle (1), or 0 when it already was.  A queue
    never started has nothing to drain (Zephyr would wait for good)."""
    if not queue.started:
        return 0
    if not (queue.flags & (QUEUE_BUSY | QUEUE_DRAIN) or plug or queue.pending):
        return 0
    queue.flags |= QUEUE_DRAIN | (QUEUE_PLUGGED if plug else 0)
    mirror_queue(kernel, queue)
    wake_queue(kernel, queue)
    return kernel.pend(caller, queue.drainers, K_FOREVER_TICKS, 1)


def _valid_unplug(kernel: Inspect, caller: Caller, queue: int) -> Plan:
    state = queue_at(kernel, queue)
    if state is None:
        raise Oops("k_work_queue_unplug: the queue is NULL")
    return (state,)


@syscall("k_work_queue_unplug", validate=_valid_unplug)
def k_work_queue_unplug(kernel: Services, caller: Caller, queue: WorkQueue) -> int:
    if not queue.flags & QUEUE_PLUGGED:
        return EALREADY
    queue.flags &= ~QUEUE_PLUGGED
    mirror_queue(kernel, queue)
    return 0
