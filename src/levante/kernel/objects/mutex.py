"""Recursive mutexes with priority inheritance (k_mutex)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.thread import Thread
from levante.kernel.waitq import WaitQueue


@kind_state
@dataclass(eq=False)
class Mutex:
    KIND: ClassVar[str] = "k_mutex"

    owner: Thread | None = None
    lock_count: int = 0
    owner_original_priority: int = 0
    waiters: WaitQueue = field(default_factory=WaitQueue)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Mutex:
        return cls()

    def is_owned_by(self, thread: Thread) -> bool:
        """Zephyr knows an owner by its struct k_thread: a thread created in the struct
        of an owner that ended holding the mutex owns it (and takes it over)."""
        owner = self.owner
        if owner is None or owner is thread:
            return owner is thread
        if owner.address == 0 or owner.address != thread.address:
            return False
        self.owner = thread
        return True

    def inherited_priority(self) -> int:
        """What the owner should run at: its own priority, or its most important
        waiter's if that is more important (Zephyr's priority inheritance)."""
        best = self.waiters.best()
        if best is not None and best.priority < self.owner_original_priority:
            return best.priority
        return self.owner_original_priority

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
