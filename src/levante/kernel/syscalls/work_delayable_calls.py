"""k_work_* for delayable work items (kernel functions: supervisors and ISRs only).

A delay counts down on simulated time (the timeout queue) and then submits the item to
the queue it was scheduled for (NULL: the queue it last ran on), as Zephyr's
work_timeout does; a submission refused then is dropped, as in Zephyr.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.kernel.fatal import Oops
from levante.kernel.objects.work import DELAYABLE, RUNNING, WorkItem
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.work_calls import handler_of, idle_item
from levante.kernel.syscalls.work_items import (
    DELAYABLE_SIZE,
    NULL,
    adopt,
    cancel,
    flush,
    item_at,
    mirror,
    queue_at,
    refuse_in_isr,
    schedule,
    submit,
    unschedule,
    wait_cancelled,
)

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.objects.work import WorkQueue
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan


def _valid_init(kernel: Inspect, caller: Caller, dwork: int, handler: int) -> Plan:
    idle_item(kernel, caller, "k_work_init_delayable", dwork, DELAYABLE_SIZE, handler)
    return dwork, handler


@syscall("k_work_init_delayable", validate=_valid_init)
def k_work_init_delayable(kernel: Services, caller: Caller, dwork: int, handler: int) -> None:
    kernel.memory.kernel_write(dwork, struct.pack("<6I", NULL, handler, NULL, DELAYABLE,
                                                  NULL, 0))


def _valid_schedule(kernel: Inspect, caller: Caller, queue: int, dwork: int,
                    delay: int) -> Plan:
    item = item_at(kernel, caller, dwork, DELAYABLE_SIZE)
    handler_of(kernel, caller, "k_work_schedule_for_queue", dwork)
    return queue_at(kernel, queue), dwork, item, delay


@syscall("k_work_schedule_for_queue", validate=_valid_schedule)
def k_work_schedule_for_queue(kernel: Services, caller: Caller, queue: WorkQueue | None,
                              dwork: int, item: WorkItem | None, delay: int) -> int:
    """Only an idle (or merely running) item is scheduled: 0 otherwise."""
    item = adopt(kernel, dwork, True, item)
    if item.busy & ~RUNNING:
        return 0
    return schedule(kernel, caller, item, queue, delay)


@syscall("k_work_reschedule_for_queue", validate=_valid_schedule)
def k_work_reschedule_for_queue(kernel: Services, caller: Caller, queue: WorkQueue | None,
                                dwork: int, item: WorkItem | None, delay: int) -> int:
    """Any delay under way is replaced by this one."""
    item = adopt(kernel, dwork, True, item)
    unschedule(item, kernel)
    return schedule(kernel, caller, item, queue, delay)


def _valid_item(kernel: Inspect, caller: Caller, dwork: int) -> Plan:
    return (item_at(kernel, caller, dwork, DELAYABLE_SIZE),)


@syscall("k_work_cancel_delayable", validate=_valid_item)
def k_work_cancel_delayable(kernel: Services, caller: Caller, item: WorkItem | None) -> int:
    if item is None:
        return 0
    unschedule(item, kernel)
    return cancel(kernel, item)


def _valid_wait(kernel: Inspect, caller: Caller, dwork: int, sync: int) -> Plan:
    refuse_in_isr(caller, "waiting for delayable work")
    if sync == NULL:
        raise Oops("the k_work_sync is NULL")
    return (item_at(kernel, caller, dwork, DELAYABLE_SIZE),)


@syscall("k_work_cancel_delayable_sync", validate=_valid_wait)
def k_work_cancel_delayable_sync(kernel: Services, caller: Caller,
                                 item: WorkItem | None) -> int | Blocked:
    if item is None:
        return 0
    was_busy = bool(item.busy)
    unschedule(item, kernel)
    cancel(kernel, item)
    return wait_cancelled(kernel, caller, item, was_busy)


@syscall("k_work_flush_delayable", validate=_valid_wait)
def k_work_flush_delayable(kernel: Services, caller: Caller,
                           item: WorkItem | None) -> int | Blocked:
    """A delay under way ends now: the item is submitted, then flushed."""
    if item is None or not item.busy:
        return 0
    if unschedule(item, kernel):
        submit(kernel, item, item.delay_queue, caller)
    else:
        mirror(kernel, item)
    if not item.busy:
        return 0
    return flush(kernel, caller, item)


def _delay_of(kernel: Services, dwork: int) -> WorkItem | None:
    entry = kernel.objects.entry(dwork)
    state = entry.state if entry is not None else None
    if isinstance(state, WorkItem) and state.timeout is not None:
        return state
    return None


@syscall("k_work_delayable_remaining_get")
def k_work_delayable_remaining_get(kernel: Services, caller: Caller, dwork: int) -> int:
    """Ticks until the delay ends (rounded up), 0 when none counts down."""
    item = _delay_of(kernel, dwork)
    if item is None or item.timeout is None:
        return 0
    return max(0, -(-(item.timeout.deadline - kernel.now) // kernel.cycles_per_tick))


@syscall("k_work_delayable_expires_get")
def k_work_delayable_expires_get(kernel: Services, caller: Caller, dwork: int) -> int:
    """The tick the delay ends at, 0 when none counts down."""
    item = _delay_of(kernel, dwork)
    if item is None or item.timeout is None:
        return 0
    return item.timeout.deadline // kernel.cycles_per_tick
