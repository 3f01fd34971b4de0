"""k_poll's bookkeeping: the events a poller waits for, and each pollable object's list.

A poller's events are copied in once when it calls k_poll (Zephyr's user path copies
them to the kernel too); the kernel updates their states in that copy and writes the
copy back when the poller next runs.  Until then its events stay registered on their
objects, as Zephyr clears registrations only once the woken poller runs: an object that
becomes ready in between still marks its event, and the poller sees both states.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from levante.kernel.thread import Thread
    from levante.kernel.timeout import Timeout
    from levante.kernel.usermem import UserBuffer

EVENT_BYTES = 20  # sizeof(struct k_poll_event)
BITS_OFFSET = 12  # the bit-field word holding tag, type, state and mode (before obj)
OBJECT_OFFSET = 16
STATE_SHIFT, STATE_MASK = 14, 0x7F  # after tag (8 bits) and type (6 bits)


@dataclass(eq=False)
class PolledEvent:
    """One event of a k_poll call: its object's kernel state (None for
    K_POLL_TYPE_IGNORE), its type, and the state the kernel has set so far."""

    type: int
    source: object | None
    state: int
    wait: PollWait | WorkTrigger | None = None


@dataclass(eq=False)
class PollWait:
    """One k_poll call that has blocked: its events, where they go back, and whether it
    still waits (`polling`: the first ready event wakes it, later ones only mark)."""

    thread: Thread
    events: list[PolledEvent]
    array: UserBuffer
    copy: bytes  # the events as copied in; written back with the new states
    polling: bool = True
    registered: list[tuple[PollRegistrations, PolledEvent]] = field(default_factory=list)

    def register(self) -> None:
        self.registered = _register(self.events, self, self.thread.priority)

    def abandon(self) -> None:
        """Take every registration off its object (the poller returns or dies)."""
        _abandon(self.registered)

    def resume(self) -> None:
        """The poller runs again: its registrations go, its states go back to its array
        (an Oops when that memory is no longer the poller's)."""
        self.abandon()
        self.array.write(updated_events(self.copy, self.events))


@dataclass(eq=False)
class WorkTrigger:
    """The events a triggered work item (k_work_poll) waits for: the first that becomes
    ready, or the timeout, calls `fire` with the item's poll result, once (`polling`
    goes false).  `array` is where the events' states go back (the submitter's, a
    supervisor's)."""

    events: list[PolledEvent]
    array: int
    copy: bytes
    fire: Callable[[int], None]
    polling: bool = True
    timeout: Timeout | None = None
    registered: list[tuple[PollRegistrations, PolledEvent]] = field(default_factory=list)

    def register(self, priority: int) -> None:
        self.registered = _register(self.events, self, priority)

    def abandon(self) -> None:
        """Take every registration off its object (fired, expired, cancelled)."""
        self.polling = False
        _abandon(self.registered)


def _register(events: list[PolledEvent], wait: PollWait | WorkTrigger,
              priority: int) -> list[tuple[PollRegistrations, PolledEvent]]:
    registered = []
    for event in events:
        registrations = poll_registrations(event.source)
        if registrations is not None:
            event.wait = wait
            registrations.add(event, priority)
            registered.append((registrations, event))
    return registered


def _abandon(registered: list[tuple[PollRegistrations, PolledEvent]]) -> None:
    for registrations, event in registered:
        registrations.remove(event)
    registered.clear()


class PollRegistrations:
    """The events registered on one object, by their poller's priority (Zephyr's
    poll_events list: equals in the order they registered)."""

    def __init__(self) -> None:
        self._events: list[tuple[int, PolledEvent]] = []

    def add(self, event: PolledEvent, priority: int) -> None:
        position = next((index for index, (other, _) in enumerate(self._events)
                         if priority < other), len(self._events))
        self._events.insert(position, (priority, event))

    def remove(self, event: PolledEvent) -> None:
        self._events = [entry for entry in self._events if entry[1] is not event]

    def pop_first(self) -> PolledEvent | None:
        return self._events.pop(0)[1] if self._events else None

    def __len__(self) -> int:
        return len(self._events)


def poll_registrations(source: object | None) -> PollRegistrations | None:
    """The registration list of a pollable object's state (None for IGNORE)."""
    registrations = getattr(source, "poll_events", None)
    return registrations if isinstance(registrations, PollRegistrations) else None


def updated_events(copy: bytes, events: list[PolledEvent]) -> bytes:
    """The events array as copied in, each state field set to what the kernel found."""
    data = bytearray(copy)
    for index, event in enumerate(events):
        at = index * EVENT_BYTES + BITS_OFFSET
        word = int.from_bytes(data[at:at + 4], "little")
        word = (word & ~(STATE_MASK << STATE_SHIFT)) | (event.state << STATE_SHIFT)
        data[at:at + 4] = word.to_bytes(4, "little")
    return bytes(data)
