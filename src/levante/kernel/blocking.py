"""Blocking and waking: ready threads, waits with timeouts, sleeps, faults on resume."""

from __future__ import annotations

from collections.abc import Callable

from levante.abi import FIELD_OFFSETS
from levante.kernel.caller import BLOCKED, Blocked, Caller
from levante.kernel.clock import Clock
from levante.kernel.fatal import PendingFault
from levante.kernel.thread import Thread, ThreadState, WaitData, thread_base_bytes
from levante.kernel.waitq import WaitQueue

K_FOREVER_TICKS = -1


class Blocking(Clock):
    """Blocking and waking: ready threads, waits with timeouts, sleeps, faults on resume."""

    def make_ready(self, thread: Thread) -> None:
        thread.state = ThreadState.READY
        self.update_ready_queue(thread)

    def update_ready_queue(self, thread: Thread) -> None:
        if thread.is_runnable():
            self.scheduler.thread_ready(thread)
        else:
            self.scheduler.thread_not_ready(thread)
        self.mirror_thread_base(thread)  # suspended or resumed: shown at once

    # ---- struct k_thread's `base`, as C code reads it ---------------------------------
    # Written where the kernel changes what it shows (a thread's state, options,
    # priority or scheduler lock), so it is current whenever a thread can look, at the
    # cost of one write per change rather than a sweep over all threads.

    def mirror_thread_base(self, thread: Thread) -> None:
        if not thread.address:
            return
        packed = thread_base_bytes(thread)
        if packed != thread.mirrored_base:
            thread.mirrored_base = packed
            self.memory.kernel_write(
                thread.address + FIELD_OFFSETS["k_thread.base_user_options"], packed)

    def set_priority(self, thread: Thread, priority: int) -> None:
        """Change the effective priority; a ready thread goes behind its new equals."""
        if thread.priority == priority:
            return
        thread.priority = priority
        self.scheduler.priority_changed(thread)
        if isinstance(thread.waiting_on, WaitQueue):
            thread.waiting_on.reordered()  # a waiter's rank may have changed
        self.mirror_thread_base(thread)

    def pend(
        self,
        caller: Caller,
        queue: WaitQueue | None,
        timeout_ticks: int,
        timeout_result: int,
        wait_data: WaitData = None,
        on_timeout: Callable[[], int | None] | None = None,
    ) -> Blocked | int:
        """Block the caller on `queue` until woken, or until the timeout returns
        `timeout_result` (or what `on_timeout` returns, when that is a number: a call
        that transferred part of its data reports how much).  An ISR cannot block: it
        gets `timeout_result` at once."""
        if caller.in_isr:
            return timeout_result
        thread = caller.thread
        thread.state = ThreadState.PENDING
        thread.waiting_on = queue
        thread.wait_data = wait_data
        if queue is not None:
            queue.add(thread)
        self.scheduler.thread_not_ready(thread)
        self.mirror_thread_base(thread)
        if timeout_ticks != K_FOREVER_TICKS:

            def expire() -> None:
                self._stop_waiting(thread)
                outcome = on_timeout() if on_timeout is not None else None
                self.trace("timeout", thread=thread.name)
                self._resume_with(thread, timeout_result if outcome is None else outcome)

            thread.timeout = self.timeouts.arm(
                self.deadline_after_ticks(timeout_ticks), expire, f"wait {thread.name}"
            )
        return BLOCKED

    def sleep(self, thread: Thread, deadline: int | None) -> Blocked:
        thread.state = ThreadState.SLEEPING
        self.scheduler.thread_not_ready(thread)
        self.mirror_thread_base(thread)
        if deadline is not None:
            thread.wake_deadline = deadline
            thread.timeout = self.timeouts.arm(
                deadline, lambda: self._resume_with(thread, 0), f"sleep {thread.name}"
            )
        return BLOCKED

    def wake(self, thread: Thread, result: int, high: int | None = None) -> None:
        """End a thread's wait (pending or sleeping) with `result` as its call's return."""
        self._end_wait(thread)
        self._resume_with(thread, result, high)

    def _end_wait(self, thread: Thread) -> None:
        """Take `thread` off what it waits on, and its timeout off the queue."""
        self._stop_waiting(thread)
        self.timeouts.cancel(thread.timeout)
        thread.timeout = None

    def _resume_with(self, thread: Thread, result: int, high: int | None = None) -> None:
        if thread.context is not None:
            self.cpu.set_return_value(thread.context, result & 0xFFFFFFFF, high)
        thread.timeout = None
        self.make_ready(thread)

    def _stop_waiting(self, thread: Thread) -> None:
        queue = thread.waiting_on
        if isinstance(queue, WaitQueue):
            queue.remove(thread)
        thread.waiting_on = None
        thread.wait_data = None
        if self.objects.awaiting_free and self.userspace is not None:
            for orphan in self.objects.collect_awaiting():
                self.userspace.free_object(orphan)

    def fault_on_resume(self, thread: Thread, fault: PendingFault) -> None:
        """End `thread`'s wait with a fault it takes in its own context when it next
        runs (found while serving another thread, which must not fault for it)."""
        self._end_wait(thread)
        thread.pending_fault = fault
        self.make_ready(thread)

