"""The scheduler loop: pick a thread, run it to the next deadline, handle why it stopped."""

from __future__ import annotations

from enum import Enum

from levante.kernel import costs
from levante.kernel.base import NO_LIMIT
from levante.kernel.entry import CpuEntry
from levante.kernel.fatal import Oops
from levante.kernel.thread import Thread

MAX_RUN_CYCLES = 1 << 26  # cycles one CPU run may take (about 1 s at 64 MHz)


class RunEnd(Enum):
    IDLE = "idle"  # nothing runnable and nothing due: the system is idle for good
    HALTED = "halted"  # a fatal error halted the system
    TIME_LIMIT = "time-limit"
    ENDED = "ended"  # the host asked for the end (end_run), e.g. a test harness satisfied
    REBOOT = "reboot"  # sys_reboot: the board starts again (reboot_cold says how)


class RunLoop(CpuEntry):
    """The scheduler loop: pick a thread, run it to the next deadline, handle why it stopped."""

    def run(self, until: int | None = None) -> RunEnd:
        """Run until idle for good, halted, or simulated time reaches `until` cycles."""
        # A limit past what the clock counts (thousands of years) is no limit.
        limit = min(until, NO_LIMIT) if until is not None else NO_LIMIT
        self.limit = limit
        self._end_requested = False
        while self.halted_reason is None:
            if self.reboot_cold is not None:
                return RunEnd.REBOOT
            if self._end_requested:
                return RunEnd.ENDED
            if self.now >= limit:
                return RunEnd.TIME_LIMIT
            self._fire_due_timeouts()
            if self.boot_over:
                continue  # the loop's first checks end the run (halt or reboot)
            self._reschedule()
            thread = self.current
            if thread is self.idle:
                deadline = self._next_deadline()
                if self.devices.paces_idle_time and self._idle_in_real_time(deadline, limit):
                    continue  # input arrived: it is delivered at the instant it came
                if deadline is None:
                    if self.devices.wait_for_outside_input():
                        continue  # what arrived is delivered at this instant
                    return RunEnd.IDLE
                if deadline >= limit:
                    self.now = max(self.now, limit)
                    return RunEnd.TIME_LIMIT
                self.idle_cycles += max(0, deadline - self.now)
                self.now = max(self.now, deadline)
                continue
            if self.now >= limit:
                return RunEnd.TIME_LIMIT
            if thread.poll_wait is not None:
                self._finish_poll(thread)
            if thread.pending_fault is not None:
                self._raise_pending_fault(thread)
                continue
            # At most MAX_RUN_CYCLES at a time: the host gets control back often enough
            # to notice a signal (Ctrl-C) even while a thread spins with nothing due.
            # The split is invisible: a run resumes where the last one stopped.
            longest = MAX_RUN_CYCLES if self.debugger is None else self.debugger.max_run_cycles
            stop_at = min(self._next_stop(limit), self.now + longest)
            budget = max(1, stop_at - self.now)
            if thread.busy_cycles:
                spent = min(thread.busy_cycles, budget)
                thread.busy_cycles -= spent
                self.now += spent
                thread.usage.count(spent)
                continue
            assert thread.context is not None
            self._run_base, self._run_costs, self._run_limit = self.now, 0, limit
            self._run_stop = stop_at
            self._stop_requested = False
            if self.debugger is not None:
                self.debugger.before_run(thread)
                if self._end_requested:
                    continue  # the debugger ended the run while it held the CPU
            if thread.canary:
                self.stacks.before_run(thread)
            self.usage_thread, self.usage_mark = thread, self.now
            self.thread_errno.before_run(thread)
            self.thread_tls.install(thread)
            event = self.cpu.run(thread.context, budget, self._serve_inline)
            self.now = self._run_base + event.cycles + self._run_costs
            self.settle_usage()
            self.usage_thread = None
            if self.debugger is not None:
                self.debugger.thread_stopped(thread, event)
                if self._end_requested:
                    continue
            self._handle_thread_event(thread, event)
        return RunEnd.HALTED

    def _idle_in_real_time(self, deadline: int | None, limit: int) -> bool:
        """With a real-time link attached, idle time up to the next deadline (or the
        limit) passes as wall-clock time; True when input arrived meanwhile, the clock
        then standing at its arrival. Without input, the usual jump follows."""
        horizon = limit if deadline is None else min(deadline, limit)
        if horizon <= self.now:
            return False
        arrival = self.devices.wait_in_real_time(None if horizon >= NO_LIMIT else horizon)
        if arrival is None:
            return False
        arrival = min(max(arrival, self.now), horizon)
        self.idle_cycles += arrival - self.now
        self.now = arrival
        return True

    def _finish_poll(self, thread: Thread) -> None:
        """The poller runs again: its k_poll's events leave their objects and their states
        go back to its array; an array no longer its own faults it, in its own context."""
        wait, thread.poll_wait = thread.poll_wait, None
        assert wait is not None
        try:
            wait.resume()
        except Oops as refused:
            thread.pending_fault = self.refusal_fault(thread.context, refused,
                                                      thread.caller.is_user)

    def _fire_due_timeouts(self) -> None:
        if self.current.masks_interrupts():
            return  # irq_lock: served once the thread unlocks (or blocks)
        # Bounded by the run's limit: a periodic timer whose expiry outlasts its period
        # is always due again, and must not keep time from reaching the limit.
        while not self.boot_over and self.now < self.limit:
            due = self.timeouts.pop_due(self.now)
            if due is None:
                break
            due.action()
        if not self.boot_over:
            self.devices.deliver_due(self.whole)
        if self.slice_end is not None and self.now >= self.slice_end:
            self._end_slice()

    def _end_slice(self) -> None:
        self.slice_end = None
        current = self.current
        if current.slice_expired and current.is_runnable():
            # CONFIG_TIMESLICE_PER_THREAD: the thread's function, before it moves.
            self.run_callback(current.slice_expired, (current.address, current.slice_data),
                              "slice_expired")
        if self.scheduler.slice_ended(current):
            self.trace("slice_end", thread=current.name)

    def settle_usage(self) -> None:
        """Count the running thread's cycles up to now (its stats are read mid-run)."""
        if self.usage_thread is not None:
            self.usage_thread.usage.count(self.now - self.usage_mark)
            self.usage_mark = self.now

    def _reschedule(self) -> None:
        chosen = self.scheduler.choose(self.current, self.idle, self._yielding)
        self._yielding = False
        if chosen is not self.current:
            self.trace("switch", **{"from": self.current.name, "to": chosen.name})
            if chosen is self.idle:
                self.cpu_usage.going_idle(self.now)
            elif self.current is self.idle:
                self.cpu_usage.leaving_idle(self.now)
            chosen.usage.start_window()
            self.current = chosen
            self.switch_count += 1
            self.now += costs.CONTEXT_SWITCH_CYCLES
            self._start_slice(chosen)
        elif self.slice_end is None:
            self._start_slice(chosen)

    def _start_slice(self, thread: Thread) -> None:
        ticks = self.scheduler.slice_ticks(thread) if thread is not self.idle else 0
        self.slice_end = self.now + ticks * self.cycles_per_tick if ticks else None

    def end_run(self) -> None:
        """End the current run after the running thread's current system call (for the
        host: a console watcher that has seen what it waited for)."""
        self._end_requested = True
        self.request_stop()

    def reboot(self, cold: bool, in_isr: bool) -> None:
        """sys_reboot: this boot ends after the current call, no thread runs again (the
        board decides what a new boot keeps)."""
        if self.reboot_cold is None:
            self.trace("reboot", type="cold" if cold else "warm",
                       thread=self.current.name, in_isr=in_isr)
            self.reboot_cold = cold
        self.request_stop()

    def yield_current(self) -> None:
        self.scheduler.yielded(self.current)
        self._yielding = True

