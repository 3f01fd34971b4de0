"""Resource pools: the kernel memory a thread's allocations come from.

As Zephyr's `k_thread_heap_assign`: the kernel allocates on a thread's behalf (dynamic
kernel objects, a message queue's ring from `k_msgq_alloc_init`) only from the pool its
thread was given, inherited by the threads it creates; a thread without one gets
nothing, so no thread can take memory the system needs.  Blocks are zeroed when they are
handed out and again when they come back, so nothing leaks from one owner to the next.
"""

from __future__ import annotations

from levante.kernel.objects.registry import OwnsMemory
from levante.kernel.pool import MemoryPool
from levante.kernel.usermem import KernelWrites


def allocate_block(memory: KernelWrites, pool: MemoryPool, size: int,
                   alignment: int = 8) -> int | None:
    """A zeroed block of `size` bytes from `pool`, or None when it has no room."""
    address = pool.find(size, alignment)
    if address is not None:
        claim_block(memory, pool, address, size)
    return address


def find_room(pool: MemoryPool | None, size: int | None,
              alignment: int = 8) -> tuple[MemoryPool, int] | None:
    """(pool, address) where a block of `size` bytes would go, changing nothing (a call's
    validation asks; its perform stage claims it); None without a pool, a size or room."""
    if pool is None or not size:
        return None
    address = pool.find(size, alignment)
    return None if address is None else (pool, address)


def release_owned(memory: KernelWrites, owner: OwnsMemory) -> None:
    """Give back every block an object owns (a ring, nodes, a buffer), zeroed."""
    for pool, address in owner.take_owned_blocks():
        release_block(memory, pool, address)


def claim_block(memory: KernelWrites, pool: MemoryPool, address: int, size: int) -> None:
    """Take the block `pool.find` offered (a call's validation found it, its perform
    stage takes it), zeroed."""
    pool.claim(address, size)
    memory.kernel_write(address, bytes(size))


def release_block(memory: KernelWrites, pool: MemoryPool, address: int) -> None:
    """Give a block back to its pool, zeroed first."""
    size = pool.block_size(address)
    if size is None:
        raise ValueError(f"{address:#x} is not a block of this pool")
    memory.kernel_write(address, bytes(size))
    pool.free(address)
