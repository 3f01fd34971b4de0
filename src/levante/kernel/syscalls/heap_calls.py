"""k_heap_* (kernel functions, supervisor-only as in Zephyr): allocating from a heap,
waiting for room with a timeout.  A free gives waiters their memory in priority order,
each as much as now fits.  Memory is zeroed when it is handed out and when it returns,
as every pool block is (resources.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.heap import Heap
from levante.kernel.pool import MemoryPool
from levante.kernel.resources import allocate_block, release_block
from levante.kernel.syscalls.registry import syscall
from levante.kernel.usermem import array_size

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

NULL = 0
MIN_ALIGN = 8  # Zephyr's heap chunks are 8-byte aligned


def _heap(kernel: Inspect, address: int) -> Heap:
    return kernel.objects.unchecked(address, Heap)


def _valid_init(kernel: Inspect, caller: Caller, h: int, mem: int, size: int) -> Plan:
    kernel.memory.check_privileged(caller, mem, size, AccessKind.WRITE)
    if mem == NULL or size == 0:
        raise Oops("k_heap_init: no memory")
    entry = kernel.objects.entry(h)
    if entry is not None and entry.kind != Heap.KIND and entry.initialised:
        raise Oops(f"{h:#x} is a live {entry.kind}, not a k_heap")
    return h, mem, size


@syscall("k_heap_init", validate=_valid_init)
def k_heap_init(kernel: Services, caller: Caller, h: int, mem: int, size: int) -> None:
    kernel.objects.register(h, Heap(MemoryPool(mem, size)))


def _allocate(kernel: Services, caller: Caller, heap: Heap, size: int, align: int,
              timeout: int) -> int | Blocked:
    if size == 0:
        return NULL
    address = allocate_block(kernel.memory, heap.pool, size, align)
    if address is not None:
        return address
    if timeout == 0:
        return NULL
    return kernel.pend(caller, heap.waiters, timeout, NULL, wait_data=(size, align))


def _valid_alloc(kernel: Inspect, caller: Caller, h: int, size: int, timeout: int) -> Plan:
    return _heap(kernel, h), size, MIN_ALIGN, timeout


@syscall("k_heap_alloc", validate=_valid_alloc)
def k_heap_alloc(kernel: Services, caller: Caller, heap: Heap, size: int, align: int,
                 timeout: int) -> int | Blocked:
    return _allocate(kernel, caller, heap, size, align, timeout)


def _valid_aligned(kernel: Inspect, caller: Caller, h: int, align: int, size: int,
                   timeout: int) -> int | Plan:
    if align & (align - 1):
        return NULL  # not a power of two: nothing is allocated, as in Zephyr
    return _heap(kernel, h), size, max(align, MIN_ALIGN), timeout


@syscall("k_heap_aligned_alloc", validate=_valid_aligned)
def k_heap_aligned_alloc(kernel: Services, caller: Caller, heap: Heap, size: int,
                         align: int, timeout: int) -> int | Blocked:
    return _allocate(kernel, caller, heap, size, align, timeout)


def _valid_calloc(kernel: Inspect, caller: Caller, h: int, num: int, size: int,
                  timeout: int) -> int | Plan:
    total = array_size(num, size)
    if total is None:
        return NULL  # num * size overflows
    return _heap(kernel, h), total, MIN_ALIGN, timeout


@syscall("k_heap_calloc", validate=_valid_calloc)
def k_heap_calloc(kernel: Services, caller: Caller, heap: Heap, size: int, align: int,
                  timeout: int) -> int | Blocked:
    return _allocate(kernel, caller, heap, size, align, timeout)  # blocks come zeroed


def _valid_free(kernel: Inspect, caller: Caller, h: int, mem: int) -> Plan:
    heap = _heap(kernel, h)
    if mem != NULL and heap.pool.block_size(mem) is None:
        raise Oops(f"k_heap_free: {mem:#x} was not allocated from this heap")
    return heap, mem


@syscall("k_heap_free", validate=_valid_free)
def k_heap_free(kernel: Services, caller: Caller, heap: Heap, mem: int) -> None:
    if mem == NULL:
        return
    _release(kernel, heap, mem)


def _release(kernel: Services, heap: Heap, mem: int) -> None:
    """Give a block back to its heap; waiters get their memory in priority order."""
    release_block(kernel.memory, heap.pool, mem)
    for waiter in heap.waiters.threads():
        request = waiter.wait_data
        assert isinstance(request, tuple)  # a heap waiter waits with its (size, align)
        address = allocate_block(kernel.memory, heap.pool, *request)
        if address is not None:
            kernel.wake(waiter, address)


# ---- k_free and z_thread_malloc: blocks of any heap --------------------------------


def _valid_thread_alloc(kernel: Inspect, caller: Caller, align: int, size: int) -> int | Plan:
    pool = kernel.resource_pool_of(caller)
    if pool is None or size == 0 or align & (align - 1):
        return NULL  # no resource pool (Zephyr's z_thread_malloc gives NULL too)
    return pool, size, max(align, MIN_ALIGN)


@syscall("z_thread_aligned_alloc", validate=_valid_thread_alloc)
def z_thread_aligned_alloc(kernel: Services, caller: Caller, pool: MemoryPool, size: int,
                           align: int) -> int:
    """A block of the calling thread's resource pool (the system heap in an ISR), as
    Zephyr's z_thread_malloc gives a handler memory charged to the thread it serves."""
    address = allocate_block(kernel.memory, pool, size, align)
    return NULL if address is None else address


def _valid_k_free(kernel: Inspect, caller: Caller, mem: int) -> Plan:
    if mem == NULL:
        return (None, NULL)
    for entry in kernel.objects:
        if isinstance(entry.state, Heap) and entry.state.pool.block_size(mem) is not None:
            return entry.state, mem
    raise Oops(f"k_free: {mem:#x} is not a block of any heap")


@syscall("k_free", validate=_valid_k_free)
def k_free(kernel: Services, caller: Caller, heap: Heap | None, mem: int) -> None:
    """Free a block of whichever heap it came from (k_malloc's system heap, a thread's
    resource pool, a k_heap), as Zephyr's k_free does from the block's header."""
    if heap is not None:
        _release(kernel, heap, mem)


@syscall("k_is_in_user_syscall")
def k_is_in_user_syscall(kernel: Services, caller: Caller) -> int:
    """True in the handler of an application-defined call a user thread made."""
    return 1 if not caller.in_isr and caller.thread.elevated_from is not None else 0
