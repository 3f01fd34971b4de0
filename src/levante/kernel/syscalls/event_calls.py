"""k_event_* system calls (CONFIG_EVENTS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.kernel.objects.event import Event, EventWait
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Services


@syscall("k_event_init")
def k_event_init(kernel: Services, caller: Caller, event: int) -> None:
    kernel.objects.initialise(caller, event, Event())


def _update(kernel: Services, obj: Event, new_events: int) -> int:
    """Store the new set, wake every waiter it satisfies; return the previous set."""
    previous = obj.events
    obj.events = new_events & 0xFFFFFFFF
    for waiter in obj.waiters.threads():
        wanted = waiter.wait_data
        assert isinstance(wanted, EventWait)
        matched = wanted.matches(obj.events)
        if matched:
            kernel.wake(waiter, matched)
    return previous


@syscall("k_event_post")
def k_event_post(kernel: Services, caller: Caller, obj: Event, events: int) -> int:
    return _update(kernel, obj, obj.events | events)


@syscall("k_event_set")
def k_event_set(kernel: Services, caller: Caller, obj: Event, events: int) -> int:
    return _update(kernel, obj, events)


@syscall("k_event_set_masked")
def k_event_set_masked(kernel: Services, caller: Caller, obj: Event, events: int,
                       mask: int) -> int:
    return _update(kernel, obj, (obj.events & ~mask) | (events & mask))


@syscall("k_event_clear")
def k_event_clear(kernel: Services, caller: Caller, obj: Event, events: int) -> int:
    previous = obj.events
    obj.events &= ~events
    return previous


def _wait(kernel: Services, caller: Caller, obj: Event, events: int, reset: int,
          timeout: int, wait_all: bool) -> int | Blocked:
    if events == 0:
        return 0  # Zephyr: waiting for no events returns at once, without a reset
    if reset:
        obj.events = 0  # Zephyr: reset clears every event, not only the awaited ones
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
