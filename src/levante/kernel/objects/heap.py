"""Heaps (k_heap): kernel memory supervisors allocate from (k_heap_alloc, waiting for
room if they must) and hand threads as their resource pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.pool import MemoryPool
from levante.kernel.waitq import WaitQueue


@kind_state
@dataclass(eq=False)
class Heap:
    KIND: ClassVar[str] = "k_heap"

    pool: MemoryPool
    # Threads waiting in k_heap_alloc for room; each waits with its request (size, align).
    waiters: WaitQueue = field(default_factory=WaitQueue)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Heap:
        return cls(MemoryPool(fields["buffer"], fields["size"]))

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
