"""Resource pools: the kernel memory a thread's allocations come from.

As Zephyr's `k_thread_heap_assign`: the kernel allocates on a thread's behalf (dynamic
kernel objects, a message queue's ring from `k_msgq_alloc_init`) only from the pool its
thread was given, inherited by the threads it creates; a thread without one gets
nothing, so no thread can take memory the system needs.  Blocks are zeroed when they are
handed out and again when they come back, so nothing leaks from one owner to the next.
"""

from __future__ import annotations

from levante.kernel.pool import MemoryPool
from levante.kernel.usermem import CallerMemory


def allocate_block(memory: CallerMemory, pool: MemoryPool, size: int,
                   alignment: int = 8) -> int | None:
    """A zeroed block of `size` bytes from `pool`, or None when it has no room."""
    address = pool.allocate(size, alignment)
    if address is not None:
        memory.kernel_write(address, bytes(size))
    return address


def release_block(memory: CallerMemory, pool: MemoryPool, address: int) -> None:
    """Give a block back to its pool, zeroed first."""
    size = pool.block_size(address)
    if size is None:
        raise ValueError(f"{address:#x} is not a block of this pool")
    memory.kernel_write(address, bytes(size))
    pool.free(address)
