"""Timeouts: callbacks due at a cycle deadline, fired in deadline order, ties by arming order."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

_COMPACT_AT = 64  # cancelled entries tolerated before a compaction is considered


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
    # How many timeouts were ever armed: unchanged means no new, earlier deadline.
    armed: int = 0
    _cancelled: int = 0  # cancelled entries still in the heap

    def arm(self, deadline: int, action: Callable[[], None], description: str) -> Timeout:
        timeout = Timeout(deadline, action, description)
        self.armed += 1
        heapq.heappush(self._heap, (deadline, self.armed, timeout))
        return timeout

    def cancel(self, timeout: Timeout | None) -> None:
        """Cancel `timeout` (None or already fired: nothing).  Cancelled entries wait in
        the heap until they come up, but never outnumber the live ones for long: a
        thread restarting one timer forever keeps the queue's size bounded."""
        if timeout is None or timeout.cancelled:
            return
        timeout.cancelled = True
        self._cancelled += 1
        if self._cancelled > _COMPACT_AT and self._cancelled * 2 > len(self._heap):
            self._heap = [item for item in self._heap if not item[2].cancelled]
            heapq.heapify(self._heap)
            self._cancelled = 0

    def __len__(self) -> int:
        """Entries held, cancelled ones included (what the queue costs in memory)."""
        return len(self._heap)

    def next_deadline(self) -> int | None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
            self._cancelled = max(0, self._cancelled - 1)
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: int) -> Timeout | None:
        """The earliest live timeout whose deadline has come, removed from the queue."""
        deadline = self.next_deadline()
        if deadline is None or deadline > now:
            return None
        timeout = heapq.heappop(self._heap)[2]
        timeout.cancelled = True  # fired: a later cancel() is harmless
        return timeout
