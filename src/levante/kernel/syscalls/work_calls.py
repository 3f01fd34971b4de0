"""k_work_* for plain work items (kernel functions: supervisors and ISRs only).

Initialising, submitting, asking how busy an item is, cancelling and flushing; the
rules are Zephyr's (work_items.py).  A call that waits (flush, cancel_sync) waits in the
kernel; the caller's k_work_sync is required, as in Zephyr, but the kernel keeps the
wait itself and never touches it.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.kernel.fatal import Oops
from levante.kernel.objects.work import WorkItem
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.work_items import (
    NULL,
    WORK_SIZE,
    adopt,
    cancel,
    flush,
    item_at,
    queue_at,
    refuse_in_isr,
    submit,
    wait_cancelled,
)

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.objects.work import WorkQueue
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

_HANDLER_OFFSET = 4


def idle_item(kernel: Inspect, caller: Caller, call: str, address: int, size: int,
              handler: int) -> None:
    """An initialisation: the item must be idle (re-initialising one the kernel still
    queues or runs would lose it), and a handler is required (Zephyr asserts both)."""
    if handler == NULL:
        raise Oops(f"{call}: the handler is NULL")
    if item_at(kernel, caller, address, size) is not None:
        raise Oops(f"{call}: {address:#x} is busy (queued, delayed or running): "
                   "cancel it first")


def handler_of(kernel: Inspect, caller: Caller, call: str, address: int) -> None:
    """An item submitted must have a handler (Zephyr asserts it): one that was never
    initialised, or was zeroed, is refused here rather than called at address 0."""
    handler, = struct.unpack("<I", kernel.memory.read(caller, address + _HANDLER_OFFSET, 4))
    if handler == NULL:
        raise Oops(f"{call}: work item {address:#x} has no handler (not initialised?)")


def not_delayable(item: WorkItem | None, call: str) -> None:
    if item is not None and item.delayable:
        raise Oops(f"{call}: {item.address:#x} is a delayable item, which has its "
                   "own *_delayable calls")


def _valid_init(kernel: Inspect, caller: Caller, work: int, handler: int) -> Plan:
    idle_item(kernel, caller, "k_work_init", work, WORK_SIZE, handler)
    return work, handler


@syscall("k_work_init", validate=_valid_init)
def k_work_init(kernel: Services, caller: Caller, work: int, handler: int) -> None:
    kernel.memory.kernel_write(work, struct.pack("<IIII", NULL, handler, NULL, 0))


@syscall("k_work_busy_get")
def k_work_busy_get(kernel: Services, caller: Caller, work: int) -> int:
    entry = kernel.objects.entry(work)
    state = entry.state if entry is not None else None
    return state.busy if isinstance(state, WorkItem) else 0


def _valid_submit(kernel: Inspect, caller: Caller, queue: int, work: int) -> Plan:
    item = item_at(kernel, caller, work, WORK_SIZE)
    handler_of(kernel, caller, "k_work_submit_to_queue", work)
    return queue_at(kernel, queue), work, item


@syscall("k_work_submit_to_queue", validate=_valid_submit)
def k_work_submit_to_queue(kernel: Services, caller: Caller, queue: WorkQueue | None,
                           work: int, item: WorkItem | None) -> int:
    return submit(kernel, adopt(kernel, work, False, item), queue, caller)


def _valid_wait(kernel: Inspect, caller: Caller, work: int, sync: int,
                call: str) -> WorkItem | None:
    refuse_in_isr(caller, call)
    if sync == NULL:
        raise Oops(f"{call}: the k_work_sync is NULL")
    item = item_at(kernel, caller, work, WORK_SIZE)
    not_delayable(item, call)
    return item


def _valid_flush(kernel: Inspect, caller: Caller, work: int, sync: int) -> Plan:
    return (_valid_wait(kernel, caller, work, sync, "k_work_flush"),)


@syscall("k_work_flush", validate=_valid_flush)
def k_work_flush(kernel: Services, caller: Caller, item: WorkItem | None) -> int | Blocked:
    return flush(kernel, caller, item)


def _valid_cancel(kernel: Inspect, caller: Caller, work: int) -> Plan:
    item = item_at(kernel, caller, work, WORK_SIZE)
    not_delayable(item, "k_work_cancel")
    return (item,)


@syscall("k_work_cancel", validate=_valid_cancel)
def k_work_cancel(kernel: Services, caller: Caller, item: WorkItem | None) -> int:
    return cancel(kernel, item) if item is not None else 0


def _valid_cancel_sync(kernel: Inspect, caller: Caller, work: int, sync: int) -> Plan:
    return (_valid_wait(kernel, caller, work, sync, "k_work_cancel_sync"),)


@syscall("k_work_cancel_sync", validate=_valid_cancel_sync)
def k_work_cancel_sync(kernel: Services, caller: Caller,
                       item: WorkItem | None) -> int | Blocked:
    if item is None:
        return 0
    was_busy = bool(item.busy)
    cancel(kernel, item)
    return wait_cancelled(kernel, caller, item, was_busy)
