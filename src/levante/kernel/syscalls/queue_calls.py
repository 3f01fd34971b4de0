"""k_queue_* system calls (and so k_fifo_* and k_lifo_*, which are k_queue in C).

A waiting getter is handed an item directly, in the order waiters queued by priority.
The allocating variants, the only way a user thread can queue, take a node from the
caller's resource pool; the node is given back when its item leaves the queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.objects.queue import ALLOC_NODE_BYTES, Queue, QueueItem
from levante.kernel.resources import claim_block, find_room, release_block, release_owned
from levante.kernel.syscalls.polling import CANCELLED, DATA_AVAILABLE, notify_pollers
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.pool import MemoryPool
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

ENOMEM = -ERRNO["ENOMEM"]
NULL = 0
# k_queue_append_list follows the items' first words: a list longer than this is a loop.
MAX_LIST_ITEMS = 1 << 16


@syscall("k_queue_init")
def k_queue_init(kernel: Services, caller: Caller, queue: int) -> None:
    previous = kernel.objects.unchecked_state(queue)
    if isinstance(previous, Queue):
        release_owned(kernel.memory, previous)
    kernel.objects.initialise(caller, queue, Queue())


def _hand_over(kernel: Services, item: QueueItem) -> int:
    """The item leaves the queue: its node (if it had one) goes back; its data stays."""
    if item.node is not None:
        release_block(kernel.memory, *item.node)
    return item.data


def _insert(kernel: Services, queue: Queue, item: QueueItem, at_front: bool) -> None:
    waiter = queue.waiters.pop_best()
    if waiter is not None:
        kernel.wake(waiter, _hand_over(kernel, item))
        return
    if at_front:
        queue.items.appendleft(item)
    else:
        queue.items.append(item)
    notify_pollers(kernel, queue.poll_events, DATA_AVAILABLE)


@syscall("k_queue_append")
def k_queue_append(kernel: Services, caller: Caller, queue: Queue, data: int) -> None:
    _insert(kernel, queue, QueueItem(data), at_front=False)


@syscall("k_queue_prepend")
def k_queue_prepend(kernel: Services, caller: Caller, queue: Queue, data: int) -> None:
    _insert(kernel, queue, QueueItem(data), at_front=True)


def _valid_alloc(kernel: Inspect, caller: Caller, queue: Queue, data: int) -> int | Plan:
    """Room for the node is found here and taken by perform (ENOMEM: none)."""
    room = find_room(kernel.resource_pool_of(caller), ALLOC_NODE_BYTES)
    if room is None:
        return ENOMEM
    return queue, data, *room


def _alloc_insert(kernel: Services, queue: Queue, data: int, pool: MemoryPool, block: int,
                  at_front: bool) -> int:
    claim_block(kernel.memory, pool, block, ALLOC_NODE_BYTES)
    _insert(kernel, queue, QueueItem(data, (pool, block)), at_front)
    return 0


@syscall("k_queue_alloc_append", validate=_valid_alloc)
def k_queue_alloc_append(kernel: Services, caller: Caller, queue: Queue, data: int,
                         pool: MemoryPool, block: int) -> int:
    return _alloc_insert(kernel, queue, data, pool, block, at_front=False)


@syscall("k_queue_alloc_prepend", validate=_valid_alloc)
def k_queue_alloc_prepend(kernel: Services, caller: Caller, queue: Queue, data: int,
                          pool: MemoryPool, block: int) -> int:
    return _alloc_insert(kernel, queue, data, pool, block, at_front=True)


@syscall("k_queue_insert")
def k_queue_insert(kernel: Services, caller: Caller, queue: Queue, prev: int,
                   data: int) -> None:
    """After the item `prev` (NULL, or an item not queued: at the front, as Zephyr's
    list insertion after a NULL node)."""
    position = next((index + 1 for index, item in enumerate(queue.items)
                     if item.data == prev), 0) if prev != NULL else 0
    if position == 0:
        _insert(kernel, queue, QueueItem(data), at_front=True)
    else:
        queue.items.insert(position, QueueItem(data))
        notify_pollers(kernel, queue.poll_events, DATA_AVAILABLE)


def _valid_append_list(kernel: Inspect, caller: Caller, queue: Queue, head: int,
                       tail: int) -> int | Plan:
    """Zephyr: -EINVAL for a NULL head or tail.  The items are linked through their first
    words, read here (through the privileged map) and bounded, so a loop ends."""
    if head == NULL or tail == NULL:
        return -ERRNO["EINVAL"]
    items = [head]
    while items[-1] != tail:
        if len(items) >= MAX_LIST_ITEMS:
            return -ERRNO["EINVAL"]
        following = int.from_bytes(kernel.memory.read(caller, items[-1], 4), "little")
        if following == NULL:
            return -ERRNO["EINVAL"]  # the list ended before its tail
        items.append(following)
    return queue, tuple(items)


@syscall("k_queue_append_list", validate=_valid_append_list)
def k_queue_append_list(kernel: Services, caller: Caller, queue: Queue,
                        items: tuple[int, ...]) -> int:
    for data in items:
        _insert(kernel, queue, QueueItem(data), at_front=False)
    return 0


@syscall("k_queue_get")
def k_queue_get(kernel: Services, caller: Caller, queue: Queue,
                timeout: int) -> int | Blocked:
    if queue.items:
        return _hand_over(kernel, queue.items.popleft())
    if timeout == 0:
        return NULL
    return kernel.pend(caller, queue.waiters, timeout, NULL)


@syscall("k_queue_cancel_wait")
def k_queue_cancel_wait(kernel: Services, caller: Caller, queue: Queue) -> None:
    """The first waiter's k_queue_get returns NULL at once, and the first poller's
    k_poll -EINTR."""
    waiter = queue.waiters.pop_best()
    if waiter is not None:
        kernel.wake(waiter, NULL)
    notify_pollers(kernel, queue.poll_events, CANCELLED)


@syscall("k_queue_remove")
def k_queue_remove(kernel: Services, caller: Caller, queue: Queue, data: int) -> int:
    for item in queue.items:
        if item.data == data:
            queue.items.remove(item)
            _hand_over(kernel, item)
            return 1
    return 0


@syscall("k_queue_unique_append")
def k_queue_unique_append(kernel: Services, caller: Caller, queue: Queue, data: int) -> int:
    if any(item.data == data for item in queue.items):
        return 0
    _insert(kernel, queue, QueueItem(data), at_front=False)
    return 1


@syscall("k_queue_is_empty")
def k_queue_is_empty(kernel: Services, caller: Caller, queue: Queue) -> int:
    return int(not queue.items)


@syscall("k_queue_peek_head")
def k_queue_peek_head(kernel: Services, caller: Caller, queue: Queue) -> int:
    return queue.items[0].data if queue.items else NULL


@syscall("k_queue_peek_tail")
def k_queue_peek_tail(kernel: Services, caller: Caller, queue: Queue) -> int:
    return queue.items[-1].data if queue.items else NULL
