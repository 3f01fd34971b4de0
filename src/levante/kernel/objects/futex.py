"""Futexes (k_futex): the threads waiting on one; the futex's value is user memory.

As in Zephyr, a k_futex lives where its users can read and write it (often a memory
partition), and the kernel keeps only its wait queue.  Each one the image defines is a
kernel object from boot, and only those: a futex is never allocated at run time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.waitq import WaitQueue


@kind_state
@dataclass(eq=False)
class Futex:
    KIND: ClassVar[str] = "k_futex"

    waiters: WaitQueue = field(default_factory=WaitQueue)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Futex:
        return cls()

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
