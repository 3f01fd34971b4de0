"""CONFIG_DYNAMIC_THREAD's stacks: the build's pool (which of its stacks are taken) and
the supervisor stacks allocated from threads' resource pools, for k_thread_stack_alloc
and k_thread_stack_free.  User stacks allocated at run time are dynamic kernel objects
(the object registry keeps them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from levante.abi import OPTION_SYMBOLS
from levante.kernel.pool import MemoryPool

POOL_SYMBOL = OPTION_SYMBOLS["DYNAMIC_THREAD"][0]  # the runtime's array (dynamic_thread.c)


@dataclass
class DynamicStacks:
    pool_start: int = 0
    stride: int = 0  # bytes from one pool stack to the next
    count: int = 0
    taken: set[int] = field(default_factory=set)  # pool indexes handed out
    # Supervisor stacks allocated from a resource pool, and the pool each came from.
    allocated: dict[int, MemoryPool] = field(default_factory=dict)

    def pool_index(self, address: int) -> int | None:
        """Which pool stack `address` is the start of, or None."""
        if not self.count or address < self.pool_start:
            return None
        index, offset = divmod(address - self.pool_start, self.stride)
        return index if offset == 0 and index < self.count else None

    def free_pool_stack(self) -> int | None:
        """The first pool stack not taken (its index), or None."""
        return next((index for index in range(self.count) if index not in self.taken), None)

    def address_of(self, index: int) -> int:
        return self.pool_start + index * self.stride
