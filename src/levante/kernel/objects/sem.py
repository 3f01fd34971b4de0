"""Counting semaphores (k_sem)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.poll_events import PollRegistrations
from levante.kernel.waitq import WaitQueue


@kind_state
@dataclass(eq=False)
class Semaphore:
    KIND: ClassVar[str] = "k_sem"

    count: int
    limit: int
    waiters: WaitQueue = field(default_factory=WaitQueue)
    poll_events: PollRegistrations = field(default_factory=PollRegistrations)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Semaphore:
        return cls(fields["count"], fields["limit"])

    def is_valid_setup(self) -> bool:
        return self.limit != 0 and self.count <= self.limit

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
