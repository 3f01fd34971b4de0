"""k_event_* system calls (CONFIG_EVENTS).

The struct k_event shows Zephyr's fields: `events` is written after every change of the
set, and `wait_q` follows the waiters through the wait queue's watcher (a wait also ends
by a timeout or an abort, which this module does not see).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import FIELD_OFFSETS
from levante.kernel.objects.event import Event, EventWait
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Services
    from levante.kernel.thread import Thread

_EVENTS = FIELD_OFFSETS["k_event.events"]
_WAIT_Q_HEAD = FIELD_OFFSETS["k_event.wait_q_head"]
_WAIT_Q_TAIL = FIELD_OFFSETS["k_event.wait_q_tail"]


@syscall("k_event_init")
def k_event_init(kernel: Services, caller: Caller, event: int) -> None:
    state = Event(address=event)
    kernel.objects.initialise(caller, event, state)
    _mirrored(kernel, state)


def _mirrored(kernel: Services, obj: Event) -> Event:
    """`obj`, with its structure showing its state from now on (a static event's
    structure starts right: its initialiser is Zephyr's)."""
    if obj.address and not obj.waiters.watched:
        memory, address = kernel.memory, obj.address

        def show_waiters(waiters: list[Thread]) -> None:
            # An empty list head points at itself, as Zephyr's sys_dlist does.
            first = waiters[0].address if waiters else address + _WAIT_Q_HEAD
            last = waiters[-1].address if waiters else address + _WAIT_Q_HEAD
            memory.kernel_write_u32(address + _WAIT_Q_HEAD, first)
            memory.kernel_write_u32(address + _WAIT_Q_TAIL, last)

        obj.waiters.watch(show_waiters)
        _show_events(kernel, obj)
    return obj


def _show_events(kernel: Services, obj: Event) -> None:
    if obj.address:
        kernel.memory.kernel_write_u32(obj.address + _EVENTS, obj.events)


def _post(kernel: Services, obj: Event, events: int, mask: int) -> int:
    """Zephyr's one update: the events under `mask` become those of `events`, and every
    waiter the new set satisfies wakes.  Returns the previous set, under `mask`."""
    _mirrored(kernel, obj)
    previous = obj.events & mask
    updated = ((obj.events & ~mask) | (events & mask)) & 0xFFFFFFFF
    if updated == obj.events and not obj.waiters:
        return previous  # nothing changed, nobody to wake: the structure is current
    obj.events = updated
    _show_events(kernel, obj)
    for waiter in obj.waiters.threads():
        wanted = waiter.wait_data
        assert isinstance(wanted, EventWait)
        matched = wanted.matches(obj.events)
        if matched:
            kernel.wake(waiter, matched)
    return previous


@syscall("k_event_post")
def k_event_post(kernel: Services, caller: Caller, obj: Event, events: int) -> int:
    return _post(kernel, obj, events, events)


@syscall("k_event_set")
def k_event_set(kernel: Services, caller: Caller, obj: Event, events: int) -> int:
    return _post(kernel, obj, events, 0xFFFFFFFF)


@syscall("k_event_set_masked")
def k_event_set_masked(kernel: Services, caller: Caller, obj: Event, events: int,
                       mask: int) -> int:
    return _post(kernel, obj, events, mask)


@syscall("k_event_clear")
def k_event_clear(kernel: Services, caller: Caller, obj: Event, events: int) -> int:
    return _post(kernel, obj, 0, events)


def _wait(kernel: Services, caller: Caller, obj: Event, events: int, reset: int,
          timeout: int, wait_all: bool) -> int | Blocked:
    if events == 0:
        return 0  # Zephyr: waiting for no events returns at once, without a reset
    _mirrored(kernel, obj)
    if reset:
        obj.events = 0  # Zephyr: reset clears every event, not only the awaited ones
        _show_events(kernel, obj)
    wanted = EventWait(events, wait_all)
    matched = wanted.matches(obj.events)
    if matched or timeout == 0:
        return matched
    return kernel.pend(caller, obj.waiters, timeout, 0, wait_data=wanted)


@syscall("k_event_wait")
def k_event_wait(kernel: Services, caller: Caller, event: Event, events: int, reset: int,
                 timeout: int) -> int | Blocked:
    return _wait(kernel, caller, event, events, reset, timeout, wait_all=False)


@syscall("k_event_wait_all")
def k_event_wait_all(kernel: Services, caller: Caller, event: Event, events: int, reset: int,
                     timeout: int) -> int | Blocked:
    return _wait(kernel, caller, event, events, reset, timeout, wait_all=True)
