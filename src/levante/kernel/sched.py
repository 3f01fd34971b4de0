"""Zephyr's scheduling rules: priorities, cooperative threads, yielding and time slices."""

from __future__ import annotations

from dataclasses import dataclass

from levante.kernel.thread import Thread


@dataclass
class TimeSlicing:
    """k_sched_time_slice_set: slice length in ticks (0 = off) and the priority ceiling."""

    slice_ticks: int = 0
    max_priority: int = 0

    def applies_to(self, thread: Thread) -> bool:
        # Zephyr slices preemptible threads no more important than the ceiling.
        return (
            self.slice_ticks > 0
            and not thread.is_cooperative()
            and thread.priority >= self.max_priority
        )


class ReadyQueue:
    """Runnable threads, the running one included, ordered by priority then queue order."""

    def __init__(self) -> None:
        self._threads: list[Thread] = []
        self._order = 0
        # Bumped on every change, so a caller can tell cheaply that nothing moved.
        self.changes = 0

    def _next_order(self) -> int:
        self._order += 1
        self.changes += 1
        return self._order

    def add(self, thread: Thread) -> None:
        """Append behind the threads of the same priority."""
        if thread not in self._threads:
            thread.queue_order = self._next_order()
            self._threads.append(thread)

    def remove(self, thread: Thread) -> None:
        if thread in self._threads:
            self._threads.remove(thread)
            self.changes += 1

    def move_to_back(self, thread: Thread) -> None:
        if thread in self._threads:
            thread.queue_order = self._next_order()

    def best(self) -> Thread | None:
        if not self._threads:
            return None
        return min(self._threads, key=lambda t: (t.priority, t.queue_order))

    def has_other_at_priority(self, thread: Thread) -> bool:
        return any(t is not thread and t.priority == thread.priority for t in self._threads)

    def __contains__(self, thread: Thread) -> bool:
        return thread in self._threads


def choose_next(current: Thread | None, ready: ReadyQueue, idle: Thread) -> Thread:
    """The thread to run now.

    A running cooperative thread keeps the CPU until it blocks or yields; otherwise the
    most important ready thread runs, and among equals the one queued first (the
    running thread keeps its place, so an equal that just woke does not preempt it).
    """
    if current is not None and current is not idle and current.is_runnable():
        if current.is_cooperative():
            return current
    best = ready.best()
    return best if best is not None else idle
