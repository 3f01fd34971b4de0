"""Memory slabs (k_mem_slab): equal blocks of a buffer, handed out and taken back.

Zephyr threads the free list through the free blocks themselves.  Levante's kernel keeps
it instead (the blocks never hold kernel data, so nothing written into a freed block can
corrupt the slab or make the kernel hand out a wild pointer), and knows which blocks are
out, so a block freed twice or an address that is no block is refused.  The order is
Zephyr's: blocks first in address order, then the most recently freed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.waitq import WaitQueue

WORD_BYTES = 4


def slab_problem(buffer: int, block_size: int) -> str | None:
    """Why a slab cannot be made of these (Zephyr's -EINVAL: blocks and buffer must be
    word aligned; a zero block size would make every block the same), or None."""
    if block_size == 0:
        return "zero block size"
    if (block_size | buffer) & (WORD_BYTES - 1):
        return "block size or buffer not word aligned"
    return None


@kind_state
@dataclass(eq=False)
class MemSlab:
    KIND: ClassVar[str] = "k_mem_slab"

    address: int  # the C structure the kernel mirrors `info` into
    buffer: int
    block_size: int
    num_blocks: int
    # Blocks never handed out are `untouched` .. num_blocks - 1; freed ones are a stack.
    untouched: int = 0
    freed: list[int] = field(default_factory=list)
    in_use: set[int] = field(default_factory=set)
    max_used: int = 0
    waiters: WaitQueue = field(default_factory=WaitQueue)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> MemSlab:
        """K_MEM_SLAB_DEFINE rounds the block size up to words and aligns the buffer;
        a record that breaks the rules anyway gets no blocks."""
        buffer, block_size = fields["buffer"], fields["block_size"]
        blocks = 0 if slab_problem(buffer, block_size) else fields["num_blocks"]
        return cls(address, buffer, block_size, blocks)

    @property
    def num_used(self) -> int:
        return len(self.in_use)

    def take(self) -> int | None:
        """A free block's address, now in use; None when none is free."""
        if self.freed:
            block = self.freed.pop()
        elif self.untouched < self.num_blocks:
            block = self.buffer + self.untouched * self.block_size
            self.untouched += 1
        else:
            return None
        self.in_use.add(block)
        self.max_used = max(self.max_used, self.num_used)
        return block

    def give_back(self, block: int) -> None:
        self.in_use.discard(block)
        self.freed.append(block)

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
