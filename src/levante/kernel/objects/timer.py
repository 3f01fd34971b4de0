"""Timers (k_timer): expiry functions in interrupt context, periodic restarts, status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.timeout import Timeout
from levante.kernel.waitq import WaitQueue


@dataclass(eq=False)
class Timer:
    KIND: ClassVar[str] = "k_timer"

    address: int  # its struct k_timer: what the expiry function is called with
    expiry_function: int
    stop_function: int
    period_cycles: int = 0
    status: int = 0
    user_data: int = 0
    timeout: Timeout | None = None
    waiters: WaitQueue = field(default_factory=WaitQueue)

    def is_running(self) -> bool:
        return self.timeout is not None and not self.timeout.cancelled

    def has_waiters(self) -> bool:
        return bool(self.waiters)
