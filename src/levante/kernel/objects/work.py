"""Work queues (k_work_q) and their items (k_work, k_work_delayable): the kernel's state.

The kernel keeps each queue's pending list, the item its thread runs, the threads
waiting for it to drain, and each busy item's state bits (Zephyr's K_WORK_* values),
its delay on simulated time and the threads waiting for it to be cancelled.  Items live
in their owners' memory and are never read for their state: the kernel mirrors `queue`
and `flags` into them for C code to read.  An idle item has no record (it may be freed
or reused for anything); a busy one is registered at its address, so nothing else can
be initialised over it while the kernel still refers to it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from levante.kernel.waitq import WaitQueue

if TYPE_CHECKING:
    from levante.kernel.objects.poll_events import WorkTrigger
    from levante.kernel.thread import Thread
    from levante.kernel.timeout import Timeout

# An item's state bits (Zephyr's K_WORK_*_BIT positions).
RUNNING = 1 << 0
CANCELING = 1 << 1
QUEUED = 1 << 2
DELAYED = 1 << 3
FLUSHING = 1 << 4  # only ever set on Zephyr's internal flusher items: never seen here
BUSY_MASK = RUNNING | CANCELING | QUEUED | DELAYED | FLUSHING
DELAYABLE = 1 << 8  # mirrored, not state: the item is a k_work_delayable

# A queue's flags (Zephyr's K_WORK_QUEUE_*_BIT positions).
QUEUE_STARTED = 1 << 0
QUEUE_BUSY = 1 << 1  # its thread is running an item
QUEUE_DRAIN = 1 << 2
QUEUE_PLUGGED = 1 << 3
QUEUE_NO_YIELD = 1 << 8


@dataclass(eq=False)
class WorkItem:
    """A busy work item: queued, delayed, running or being cancelled."""

    KIND: ClassVar[str] = "k_work"

    address: int
    delayable: bool
    flags: int = 0
    queue: WorkQueue | None = None  # the queue it is queued or running on (work->queue)
    delay_queue: WorkQueue | None = None  # where its delay submits it (dwork->queue)
    timeout: Timeout | None = None
    cancellers: WaitQueue = field(default_factory=WaitQueue)  # in k_work_cancel*_sync
    # Triggered work (k_work_poll) only: the queue that owns it from its submission until
    # its handler starts (Zephyr's workq), and its events while it waits for them.
    owner: WorkQueue | None = None
    trigger: WorkTrigger | None = None

    @property
    def busy(self) -> int:
        return self.flags & BUSY_MASK

    @property
    def forgettable(self) -> bool:
        """Nothing refers to it any more: its record can go."""
        return not self.busy and self.owner is None

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.cancellers,)


@dataclass(eq=False)
class FlushMark:
    """A place in a queue's pending list: the flushers waiting on it are released when
    the queue's thread reaches it (everything before it, the flushed item included, is
    done)."""

    flushers: WaitQueue = field(default_factory=WaitQueue)


@dataclass(eq=False)
class WorkQueue:
    """A work queue: its thread (once started), its pending list, its flags."""

    KIND: ClassVar[str] = "k_work_q"

    address: int
    flags: int = 0
    thread: Thread | None = None
    pending: deque[WorkItem | FlushMark] = field(default_factory=deque)
    running: WorkItem | None = None  # handed to its thread, not yet reported done
    idle: WaitQueue = field(default_factory=WaitQueue)  # its thread, waiting for work
    drainers: WaitQueue = field(default_factory=WaitQueue)  # in k_work_queue_drain

    @property
    def started(self) -> bool:
        return bool(self.flags & QUEUE_STARTED)

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.idle, self.drainers,
                *(mark.flushers for mark in self.pending if isinstance(mark, FlushMark)))
