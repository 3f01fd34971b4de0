"""Wait queues: threads blocked on an object, served by priority, then by arrival."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from levante.kernel.thread import Thread

# Told the waiters, best first, after every change of a queue C code can see.
WaitersWatcher = Callable[[list["Thread"]], None]


class WaitQueue:
    """Threads pending on one kernel object.

    Priorities can change while a thread waits (priority inheritance, priority_set), so
    the best waiter is found when it is needed rather than kept sorted.
    """

    def __init__(self) -> None:
        self._waiters: list[tuple[int, Thread]] = []
        self._arrivals = 0
        self._watcher: WaitersWatcher | None = None

    def watch(self, watcher: WaitersWatcher) -> None:
        """Tell `watcher` the waiters now and after every change (an object whose
        structure shows its wait queue to C code keeps it current this way)."""
        self._watcher = watcher
        watcher(self.threads())

    @property
    def watched(self) -> bool:
        return self._watcher is not None

    def add(self, thread: Thread) -> None:
        self._arrivals += 1
        self._waiters.append((self._arrivals, thread))
        self.reordered()

    def remove(self, thread: Thread) -> None:
        self._waiters = [entry for entry in self._waiters if entry[1] is not thread]
        self.reordered()

    def reordered(self) -> None:
        """The waiters or their priorities changed: tell the watcher, if any."""
        if self._watcher is not None:
            self._watcher(self.threads())

    def best(self) -> Thread | None:
        if not self._waiters:
            return None
        return min(self._waiters, key=lambda entry: (entry[1].priority, entry[0]))[1]

    def pop_best(self) -> Thread | None:
        thread = self.best()
        if thread is not None:
            self.remove(thread)
        return thread

    def threads(self) -> list[Thread]:
        """All waiters, best first."""
        ordered = sorted(self._waiters, key=lambda entry: (entry[1].priority, entry[0]))
        return [thread for _, thread in ordered]

    def __len__(self) -> int:
        return len(self._waiters)

    def __bool__(self) -> bool:
        return bool(self._waiters)

