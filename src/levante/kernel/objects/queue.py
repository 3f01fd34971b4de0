"""Queues (k_queue, and k_fifo and k_lifo, which are a k_queue): items kept in order.

An item is an address the kernel hands back, never reads: Zephyr reserves an item's
first word for its list, Levante keeps the list itself.  An item a user thread queued
with k_queue_alloc_append/prepend has a node from that thread's resource pool (8 bytes,
as Zephyr's alloc_node), which the queue owns until the item leaves it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.poll_events import PollRegistrations
from levante.kernel.pool import MemoryPool
from levante.kernel.waitq import WaitQueue

ALLOC_NODE_BYTES = 8  # Zephyr's struct alloc_node: a list link and the data pointer


@dataclass(frozen=True)
class QueueItem:
    data: int
    node: tuple[MemoryPool, int] | None = None  # (pool, block) when allocated


@kind_state
@dataclass(eq=False)
class Queue:
    KIND: ClassVar[str] = "k_queue"

    items: deque[QueueItem] = field(default_factory=deque)
    waiters: WaitQueue = field(default_factory=WaitQueue)
    poll_events: PollRegistrations = field(default_factory=PollRegistrations)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Queue:
        return cls()

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)

    def take_owned_blocks(self) -> list[tuple[MemoryPool, int]]:
        """The nodes of allocated items, handed over to be released (once)."""
        owned = [item.node for item in self.items if item.node is not None]
        self.items = deque(item for item in self.items if item.node is None)
        return owned
