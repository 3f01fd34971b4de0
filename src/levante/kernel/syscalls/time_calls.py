"""Sleeping, yielding and reading the clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.thread_calls import valid_target
from levante.kernel.thread import Thread, ThreadState

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Services

K_FOREVER_TICKS = -1
MS_PER_SECOND = 1000
US_PER_SECOND = 1_000_000


def _sleep_ticks(kernel: Services, caller: Caller, ticks: int, unit: int) -> int | Blocked:
    """Sleep `ticks`; the call returns what is left, in 1/unit seconds, if woken early."""
    if caller.in_isr:
        return 0
    if ticks == K_FOREVER_TICKS:
        caller.thread.suspended = True
        kernel.update_ready_queue(caller.thread)
        return K_FOREVER_TICKS
    if ticks == 0:
        kernel.yield_current()
        return 0
    caller.thread.wait_data = unit
    return kernel.sleep(caller.thread, kernel.deadline_after_ticks(ticks))


@syscall("k_sleep")
def k_sleep(kernel: Services, caller: Caller, timeout: int) -> int | Blocked:
    return _sleep_ticks(kernel, caller, timeout, MS_PER_SECOND)


@syscall("k_usleep")
def k_usleep(kernel: Services, caller: Caller, us: int) -> int | Blocked:
    ticks = -(-max(us, 0) * kernel.config.ticks_per_second // US_PER_SECOND)
    return _sleep_ticks(kernel, caller, ticks, US_PER_SECOND)


@syscall("k_wakeup", validate=valid_target)
def k_wakeup(kernel: Services, caller: Caller, target: Thread) -> None:
    if target.state is ThreadState.READY and target.suspended:
        # As Zephyr's: a thread asleep forever (k_sleep(K_FOREVER) suspends it) goes on,
        # its k_sleep returning K_TICKS_FOREVER as it already set.
        target.suspended = False
        kernel.update_ready_queue(target)
        return
    if target.state is not ThreadState.SLEEPING:
        return
    remaining_ticks = max(0, target.wake_deadline // kernel.cycles_per_tick - kernel.ticks())
    unit = target.wait_data if isinstance(target.wait_data, int) else MS_PER_SECOND
    remaining = -(-remaining_ticks * unit // kernel.config.ticks_per_second)
    kernel.wake(target, remaining)


@syscall("k_busy_wait")
def k_busy_wait(kernel: Services, caller: Caller, usec_to_wait: int) -> None:
    cycles = usec_to_wait * kernel.config.clock_hz // US_PER_SECOND
    if caller.in_isr:
        kernel.now += cycles
    else:
        caller.thread.busy_cycles += cycles


@syscall("k_yield")
def k_yield(kernel: Services, caller: Caller) -> None:
    if not caller.in_isr:
        kernel.yield_current()


@syscall("k_uptime_ticks")
def k_uptime_ticks(kernel: Services, caller: Caller) -> int:
    return kernel.ticks()


@syscall("k_cycle_get_32")
def k_cycle_get_32(kernel: Services, caller: Caller) -> int:
    return kernel.now & 0xFFFFFFFF


@syscall("k_cycle_get_64")
def k_cycle_get_64(kernel: Services, caller: Caller) -> int:
    return kernel.now & 0xFFFF_FFFF_FFFF_FFFF


@syscall("k_sched_time_slice_set")
def k_sched_time_slice_set(kernel: Services, caller: Caller, slice_ms: int, prio: int) -> None:
    kernel.scheduler.set_time_slice(kernel.ms_to_ticks(max(slice_ms, 0)), prio)
    kernel.slice_end = None


@syscall("k_is_in_isr")
def k_is_in_isr(kernel: Services, caller: Caller) -> int:
    return int(caller.in_isr)


@syscall("k_fatal_halt")
def k_fatal_halt(kernel: Services, caller: Caller, reason: int) -> None:
    kernel.halt(reason)

