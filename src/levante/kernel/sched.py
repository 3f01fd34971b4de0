"""The scheduler seam, and Zephyr's rules behind it: priorities, cooperative threads,
meta-IRQ threads, deadlines among equals, yielding and time slices.

Mechanism in the kernel, policy outside (Tock's `Scheduler`): the kernel tells the
scheduler which threads are ready, and asks it who runs next and for how long a slice;
it never compares priorities itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from levante.kernel.thread import Thread


class Scheduler(Protocol):
    """What the kernel asks about who runs."""

    @property
    def changes(self) -> int:
        """Bumped whenever the set or order of ready threads changes."""
        ...

    def thread_ready(self, thread: Thread) -> None:
        """`thread` may run (it goes behind the ready threads as important as it)."""

    def thread_not_ready(self, thread: Thread) -> None:
        """`thread` blocked, slept, was suspended or exited."""

    def priority_changed(self, thread: Thread) -> None:
        """`thread`'s effective priority changed: a ready one goes behind its new equals."""

    def is_ready(self, thread: Thread) -> bool: ...

    def choose(self, current: Thread, idle: Thread, yielded: bool) -> Thread:
        """The thread to run now (`idle` when none is ready); `yielded`: `current` has
        just given the CPU away."""
        ...

    def yielded(self, thread: Thread) -> None:
        """`thread` yields: it goes behind its equals."""

    def slice_ticks(self, thread: Thread) -> int:
        """The time slice `thread` gets, in ticks; 0: none."""
        ...

    def slice_ended(self, thread: Thread) -> bool:
        """`thread`'s slice ended: it goes behind its equals.  Whether another thread of
        its priority was waiting (the slice end is worth reporting)."""
        ...

    def set_time_slice(self, slice_ticks: int, max_priority: int) -> None:
        """k_sched_time_slice_set: the slice length and the priority ceiling it applies to."""


@dataclass
class TimeSlicing:
    """k_sched_time_slice_set: slice length in ticks (0 = off) and the priority ceiling;
    with CONFIG_TIMESLICE_PER_THREAD a thread's own slice (k_thread_time_slice_set)."""

    slice_ticks: int = 0
    max_priority: int = 0

    def ticks_for(self, thread: Thread) -> int:
        return thread.slice_ticks or self.slice_ticks

    def applies_to(self, thread: Thread) -> bool:
        # Zephyr slices preemptible threads no more important than the ceiling, and any
        # thread that has a slice of its own.
        if thread.slice_ticks:
            return True
        return (
            self.slice_ticks > 0
            and not thread.is_cooperative()
            and thread.priority >= self.max_priority
        )


class ReadyQueue:
    """Runnable threads, the running one included, ordered by priority, then (with
    `by_deadline`, CONFIG_SCHED_DEADLINE) by deadline, then queue order."""

    def __init__(self, by_deadline: bool = False) -> None:
        self.by_deadline = by_deadline
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

    def runs_before(self, thread: Thread, other: Thread) -> bool:
        if thread.priority != other.priority:
            return thread.is_more_important_than(other)
        if self.by_deadline and thread.deadline != other.deadline:
            return thread.has_earlier_deadline_than(other)
        return thread.queue_order < other.queue_order

    def best(self) -> Thread | None:
        if not self._threads:
            return None
        best = self._threads[0]
        for thread in self._threads:
            if self.runs_before(thread, best):
                best = thread
        return best

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


class ZephyrScheduler(ReadyQueue):
    """Zephyr's scheduler: strict priorities, cooperative threads keep the CPU except
    against meta-IRQ threads, equal priorities in deadline (optionally) and queue order,
    optional time slicing.  It is its own ready queue, so that `changes` (asked twice
    per system call) is a plain attribute.

    Meta-IRQ priorities (CONFIG_NUM_METAIRQ_PRIORITIES) are the most important
    cooperative ones, below `metairq_below`.  A meta-IRQ thread preempts any other; the
    cooperative thread it preempted is remembered and resumes, whatever else became
    ready, once no meta-IRQ thread is left to run: it was promised the CPU."""

    def __init__(self, metairq_below: int | None = None, by_deadline: bool = False) -> None:
        super().__init__(by_deadline)
        self.slicing = TimeSlicing()
        self.metairq_below = metairq_below
        self.metairq_preempted: Thread | None = None

    def is_metairq(self, thread: Thread) -> bool:
        return self.metairq_below is not None and thread.priority < self.metairq_below

    def thread_ready(self, thread: Thread) -> None:
        self.add(thread)

    def thread_not_ready(self, thread: Thread) -> None:
        self.remove(thread)

    def priority_changed(self, thread: Thread) -> None:
        if thread in self:
            self.remove(thread)
            self.add(thread)

    def is_ready(self, thread: Thread) -> bool:
        return thread in self

    def choose(self, current: Thread, idle: Thread, yielded: bool) -> Thread:
        if yielded:
            chosen = self.best() or idle
        else:
            chosen = choose_next(current, self, idle)
        if self.metairq_below is None:
            return chosen
        return self._metairq_rules(current, idle, chosen)

    def _metairq_rules(self, current: Thread, idle: Thread, chosen: Thread) -> Thread:
        best = self.best()
        if chosen is current and best is not None and best is not current \
                and self.is_metairq(best):
            chosen = best  # a meta-IRQ thread preempts even a cooperative one
        preempted = self.metairq_preempted
        if preempted is not None and not self.is_metairq(chosen):
            if preempted.is_runnable():
                chosen = preempted
            else:
                self.metairq_preempted = None
        if self.is_metairq(chosen):
            if chosen is not current and current.is_runnable() and current is not idle \
                    and not self.is_metairq(current) and current.is_cooperative():
                self.metairq_preempted = current
        elif chosen is not idle:
            self.metairq_preempted = None
        return chosen

    def yielded(self, thread: Thread) -> None:
        self.move_to_back(thread)

    def slice_ticks(self, thread: Thread) -> int:
        return self.slicing.ticks_for(thread) if self.slicing.applies_to(thread) else 0

    def slice_ended(self, thread: Thread) -> bool:
        if not (thread.is_runnable() and self.slicing.applies_to(thread)):
            return False
        others = self.has_other_at_priority(thread)
        self.move_to_back(thread)
        return others

    def set_time_slice(self, slice_ticks: int, max_priority: int) -> None:
        self.slicing.slice_ticks = slice_ticks
        self.slicing.max_priority = max_priority
