"""k_timer_* system calls.  Expiry functions run in interrupt context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import FIELD_OFFSETS
from levante.kernel.objects.timer import Timer
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Services

K_FOREVER_TICKS = -1
# The user data lives in the timer's struct, where Zephyr's code reads it directly;
# these calls reach it for threads that may not.
USER_DATA_OFFSET = FIELD_OFFSETS["k_timer.user_data"]


@syscall("k_timer_init")
def k_timer_init(kernel: Services, caller: Caller, timer: int, expiry_fn: int,
                 stop_fn: int) -> None:
    previous = kernel.objects.unchecked_state(timer)
    if isinstance(previous, Timer):
        kernel.timeouts.cancel(previous.timeout)
    kernel.objects.register(timer, Timer(timer, expiry_fn, stop_fn))
    kernel.memory.kernel_write_u32(timer + USER_DATA_OFFSET, 0)  # as Zephyr's k_timer_init


def _arm(kernel: Services, timer: Timer, deadline: int) -> None:
    def expire() -> None:
        timer.status += 1
        if timer.period_cycles:
            _arm(kernel, timer, deadline + timer.period_cycles)
        else:
            timer.timeout = None
        if timer.expiry_function:
            kernel.run_callback(timer.expiry_function, (timer.address,), "timer expiry")
        waiter = timer.waiters.pop_best()
        if waiter is not None:
            kernel.wake(waiter, timer.status)
            timer.status = 0

    timer.timeout = kernel.timeouts.arm(deadline, expire, f"timer {timer.address:#x}")


@syscall("k_timer_start")
def k_timer_start(kernel: Services, caller: Caller, timer: Timer, duration: int,
                  period: int) -> None:
    if duration == K_FOREVER_TICKS:
        return
    kernel.timeouts.cancel(timer.timeout)
    timer.status = 0
    periodic = period not in (0, K_FOREVER_TICKS)
    # Zephyr clamps a period to at least one tick: a period of zero or less ticks would
    # expire again at the same instant, forever, and simulated time would never move.
    timer.period_cycles = max(1, period) * kernel.cycles_per_tick if periodic else 0
    # Unlike k_sleep, Zephyr's k_timer_start does not round a relative duration up past
    # the current partial tick (it takes one tick off before z_add_timeout adds it back):
    # the first expiry is `duration` ticks after the current tick, so a 100 ms periodic
    # timer started during tick 0 expires at ticks 100, 200, ...
    if duration > 0:
        deadline = (kernel.ticks() + duration) * kernel.cycles_per_tick
    else:  # now, or an absolute tick (K_TIMEOUT_ABS_TICKS)
        deadline = kernel.deadline_after_ticks(duration)
    _arm(kernel, timer, deadline)


@syscall("z_timer_stop")
def z_timer_stop(kernel: Services, caller: Caller, timer: Timer) -> int:
    """Stop the timer; return its stop function for the caller to run, or 0."""
    if not timer.is_running():
        return 0
    kernel.timeouts.cancel(timer.timeout)
    timer.timeout = None
    waiter = timer.waiters.pop_best()
    if waiter is not None:
        kernel.wake(waiter, 0)
    return timer.stop_function


@syscall("k_timer_status_get")
def k_timer_status_get(kernel: Services, caller: Caller, timer: Timer) -> int:
    status, timer.status = timer.status, 0
    return status


@syscall("k_timer_status_sync")
def k_timer_status_sync(kernel: Services, caller: Caller, timer: Timer) -> int | Blocked:
    if timer.status or not timer.is_running():
        status, timer.status = timer.status, 0
        return status
    return kernel.pend(caller, timer.waiters, K_FOREVER_TICKS, 0)


def _ticks_to_deadline(kernel: Services, timer: Timer) -> int:
    """Whole ticks from now until the timer expires (0 when it is not running)."""
    if timer.timeout is None or not timer.is_running():
        return 0
    return -(-(timer.timeout.deadline - kernel.now) // kernel.cycles_per_tick)


@syscall("k_timer_remaining_ticks")
def k_timer_remaining_ticks(kernel: Services, caller: Caller, timer: Timer) -> int:
    return _ticks_to_deadline(kernel, timer)


@syscall("k_timer_expires_ticks")
def k_timer_expires_ticks(kernel: Services, caller: Caller, timer: Timer) -> int:
    """The tick the timer expires at; the current tick when it is not running."""
    return kernel.ticks() + _ticks_to_deadline(kernel, timer)


@syscall("k_timer_user_data_set")
def k_timer_user_data_set(kernel: Services, caller: Caller, timer: Timer, user_data: int) -> None:
    kernel.memory.kernel_write_u32(timer.address + USER_DATA_OFFSET, user_data)


@syscall("k_timer_user_data_get")
def k_timer_user_data_get(kernel: Services, caller: Caller, timer: Timer) -> int:
    return int.from_bytes(kernel.memory.kernel_read(timer.address + USER_DATA_OFFSET, 4), "little")
