"""Stacks (k_stack): a bounded LIFO of word-sized values.

The kernel keeps the values; the buffer a K_STACK_DEFINE or k_stack_init names fixes
only the capacity.  k_stack_alloc_init takes the buffer from the caller's resource pool
instead, and the stack gives it back at k_stack_cleanup or when it is freed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.pool import MemoryPool
from levante.kernel.waitq import WaitQueue

WORD_BYTES = 4  # stack_data_t (uintptr_t)


@kind_state
@dataclass(eq=False)
class Stack:
    KIND: ClassVar[str] = "k_stack"

    capacity: int
    values: list[int] = field(default_factory=list)
    waiters: WaitQueue = field(default_factory=WaitQueue)
    buffer: tuple[MemoryPool, int] | None = None  # owned, from k_stack_alloc_init

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Stack:
        return cls(max(0, (fields["top"] - fields["base"]) // WORD_BYTES))

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)

    def take_owned_blocks(self) -> list[tuple[MemoryPool, int]]:
        owned, self.buffer = ([self.buffer] if self.buffer else []), None
        return owned
