"""What the CPU reports when a thread stops: system calls (inline or not), faults, WFI."""

from __future__ import annotations

from levante.abi import SVC_APP_SYSCALL_RETURN, SVC_EXCEPT, SVC_SYSCALL
from levante.arch.interface import StopEvent, StopKind
from levante.kernel.app_syscalls import AppSyscalls
from levante.kernel.fatal import K_ERR_CPU_EXCEPTION, K_ERR_STACK_CHK_FAIL, user_raisable_reason
from levante.kernel.fatal_errors import FatalErrors
from levante.kernel.thread import Thread

# Stops after which the thread simply goes on from its pc when it next runs: a spent
# budget, and a debugger's breakpoint or single step (held, if at all, by the debugger).
_GOES_ON = (StopKind.BUDGET, StopKind.BREAKPOINT, StopKind.STEP)


class CpuEntry(FatalErrors, AppSyscalls):
    """What the CPU reports when a thread stops: system calls (inline or not), faults, WFI."""

    def _handle_thread_event(self, thread: Thread, event: StopEvent) -> None:
        caller = thread.caller
        if self.stacks.checks_on_stop and not self.stacks.sentinel_intact(thread):
            self.fatal_error(caller, K_ERR_STACK_CHK_FAIL,
                             "stack sentinel overwritten: stack overflow", event)
            return
        if thread.pending_fault is not None:
            self._raise_pending_fault(thread)
            return
        if event.kind in _GOES_ON:
            return
        if event.kind is StopKind.WAIT_FOR_INTERRUPT:
            # WFI: the core sleeps until the next interrupt (a tick, a timeout, the slice
            # end or the end of the run); the thread keeps the CPU and goes on after it.
            wake_at = self._run_stop
            if thread.masks_interrupts():
                # As a Cortex-M core, it wakes on an interrupt that comes due though
                # masked (k_cpu_atomic_idle relies on it); the interrupt is taken when
                # the thread unlocks.
                deadline = self._next_deadline()
                if deadline is not None:
                    wake_at = min(wake_at, deadline)
            self.now = max(self.now, wake_at)
            return
        if event.kind is StopKind.FAULT:
            fault = event.fault
            assert fault is not None and thread.context is not None
            if self.stacks.is_overflow(thread, fault, self.cpu.stack_pointer(thread.context)):
                self.fatal_error(caller, K_ERR_STACK_CHK_FAIL,
                                 f"stack overflow ({fault.description})", event)
            else:
                self.fatal_error(caller, K_ERR_CPU_EXCEPTION, fault.description, event)
        elif event.svc_number == SVC_SYSCALL:
            self._serve_syscall(caller, thread.context)
        elif event.svc_number == SVC_APP_SYSCALL_RETURN and self.return_from_app_syscall(thread):
            return
        elif event.svc_number == SVC_EXCEPT:
            assert thread.context is not None
            reason = self.cpu.syscall_registers(thread.context)[0]
            if caller.is_user:
                reason = user_raisable_reason(reason)
            description = ("stack smashing detected (canary)"
                           if reason == K_ERR_STACK_CHK_FAIL else "raised by the thread")
            self.fatal_error(caller, reason, description, event)
        else:
            self.fatal_error(
                caller, K_ERR_CPU_EXCEPTION, f"unexpected SVC #{event.svc_number}", event
            )

    def _raise_pending_fault(self, thread: Thread) -> None:
        fault = thread.pending_fault
        assert fault is not None
        thread.pending_fault = None
        self.fatal_error(thread.caller, fault.reason, fault.description, None, fault.cpu_fault)

    def _serve_inline(self, svc_number: int, cycles: int) -> int | None:
        """A system call served while the thread is still in the CPU backend; returns how
        much longer the thread may run, or None to take the ordinary path (faults run the
        fatal handler, which needs the CPU)."""
        if svc_number != SVC_SYSCALL or self.stacks.checks_on_stop:
            return None
        thread = self.current
        self.now = self._run_base + cycles + self._run_costs
        before = self.now
        ready_changes, armed = self.scheduler.changes, self.timeouts.armed
        devices = self.devices if self.devices.raises_events else None
        slice_end, device_event = self.slice_end, devices.next_event() if devices else None
        fault = self._serve_once(thread.caller, thread.context)
        self._run_costs += self.now - before
        if fault is not None:
            # Served once, refused: the thread stops and takes the fault on the ordinary
            # path (the fatal handler needs the CPU), which serves nothing again.
            thread.pending_fault = fault
            return 0
        if (
            ready_changes == self.scheduler.changes
            and armed == self.timeouts.armed
            and slice_end == self.slice_end
            and (devices is None or device_event == devices.next_event())
            and self.halted_reason is None
            and not self._yielding
            and not thread.busy_cycles
            and not self._stop_requested
        ):
            # Nothing that decides who runs or when to stop has moved (the common case).
            return max(0, self._run_stop - self.now)
        if (
            self.halted_reason is not None
            or self._yielding
            or self._stop_requested
            or thread.busy_cycles
            or not thread.is_runnable()
            or self.scheduler.choose(thread, self.idle, yielded=False) is not thread
        ):
            return 0
        return max(0, self._next_stop(self._run_limit) - self.now)

    def _next_stop(self, limit: int) -> int:
        stop_at = limit
        if self.current.masks_interrupts():
            return stop_at  # nothing interrupts it: it runs until it unlocks or blocks
        deadline = self._next_deadline()
        if deadline is not None:
            stop_at = min(stop_at, deadline)
        if self.slice_end is not None:
            stop_at = min(stop_at, self.slice_end)
        if not self.config.tickless:
            # The next tick interrupt: the first boundary strictly after now (a slice end
            # or limit that comes earlier still wins).
            next_tick = (self.now // self.cycles_per_tick + 1) * self.cycles_per_tick
            stop_at = min(stop_at, next_tick)
        return stop_at
