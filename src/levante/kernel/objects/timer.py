"""Timers (k_timer): expiry functions in interrupt context, periodic restarts, status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.timeout import Timeout, TimeoutQueue
from levante.kernel.waitq import WaitQueue


@kind_state
@dataclass(eq=False)
class Timer:
    KIND: ClassVar[str] = "k_timer"

    address: int  # its struct k_timer: what the expiry function is called with
    expiry_function: int
    stop_function: int
    period_cycles: int = 0
    status: int = 0
    timeout: Timeout | None = None
    waiters: WaitQueue = field(default_factory=WaitQueue)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Timer:
        return cls(address, fields["expiry_fn"], fields["stop_fn"])

    def disarm(self, timeouts: TimeoutQueue) -> None:
        """Stop for good (the timer is being freed): no expiry may run on its memory."""
        timeouts.cancel(self.timeout)
        self.timeout = None
        self.period_cycles = 0

    def is_running(self) -> bool:
        return self.timeout is not None and not self.timeout.cancelled

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.waiters,)
