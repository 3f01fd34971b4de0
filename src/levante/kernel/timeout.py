"""Timeouts: callbacks due at a cycle deadline, fired in deadline order, ties by arming order."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(eq=False)
class Timeout:
    """One armed timeout.  `cancelled` entries stay in the heap and are skipped."""

    deadline: int
    action: Callable[[], None]
    description: str
    cancelled: bool = False


@dataclass
class TimeoutQueue:
    _heap: list[tuple[int, int, Timeout]] = field(default_factory=list)
    _armed: int = 0

    @property
    def armed(self) -> int:
        """How many timeouts were ever armed: unchanged means no new, earlier deadline."""
        return self._armed

    def arm(self, deadline: int, action: Callable[[], None], description: str) -> Timeout:
        timeout = Timeout(deadline, action, description)
        self._armed += 1
        heapq.heappush(self._heap, (deadline, self._armed, timeout))
        return timeout

    @staticmethod
    def cancel(timeout: Timeout | None) -> None:
        if timeout is not None:
            timeout.cancelled = True

    def next_deadline(self) -> int | None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: int) -> Timeout | None:
        """The earliest live timeout whose deadline has come, removed from the queue."""
        deadline = self.next_deadline()
        if deadline is None or deadline > now:
            return None
        timeout = heapq.heappop(self._heap)[2]
        timeout.cancelled = True  # fired: a later cancel() is harmless
        return timeout
