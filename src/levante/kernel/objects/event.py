"""Event objects (k_event): a 32-bit set of events threads can wait on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.waitq import WaitQueue


@dataclass(frozen=True)
class EventWait:
    """What a waiting thread wants: any of `events`, or all of them."""

    events: int
    wait_all: bool

    def matches(self, current: int) -> int:
        """The matching events, or 0 while the wait is not satisfied."""
        matched = current & self.events
        if self.wait_all:
            return matched if matched == self.events else 0
        return matched


@kind_state
@dataclass(eq=False)
class Event:
    KIND: ClassVar[str] = "k_event"

    events: int = 0
    waiters: WaitQueue = field(default_factory=WaitQueue)
    address: int = 0  # the struct k_event its set and wait queue are mirrored into

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Event:
        return cls(events=fields["events"], address=address)

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
