"""Condition variables (k_condvar): threads waiting to be signalled, each having given
up a mutex it takes again (in its own context) once woken."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.waitq import WaitQueue


@kind_state
@dataclass(eq=False)
class CondVar:
    KIND: ClassVar[str] = "k_condvar"

    waiters: WaitQueue = field(default_factory=WaitQueue)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> CondVar:
        return cls()

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
