"""k_timer_* system calls.  Expiry functions run in interrupt context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.kernel.objects.timer import Timer
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.kernel import Kernel

K_FOREVER_TICKS = -1


@syscall("k_timer_init")
def k_timer_init(kernel: Kernel, caller: Caller, timer: int, expiry_fn: int,
                 stop_fn: int) -> None:
    previous = kernel.objects.unchecked_state(timer)
    if isinstance(previous, Timer):
        kernel.timeouts.cancel(previous.timeout)
    kernel.objects.register(timer, Timer(expiry_fn, stop_fn))


def _arm(kernel: Kernel, timer_address: int, timer: Timer, deadline: int) -> None:
    def expire() -> None:
        timer.status += 1
        if timer.period_cycles:
            _arm(kernel, timer_address, timer, deadline + timer.period_cycles)
        else:
            timer.timeout = None
        if timer.expiry_function:
            kernel.run_callback(timer.expiry_function, (timer_address,), "timer expiry")
        waiter = timer.waiters.pop_best()
        if waiter is not None:
            kernel.wake(waiter, timer.status)
            timer.status = 0

    timer.timeout = kernel.timeouts.arm(deadline, expire, f"timer {timer_address:#x}")


@syscall("k_timer_start")
def k_timer_start(kernel: Kernel, caller: Caller, timer: int, duration: int,
                  period: int) -> None:
    obj = kernel.objects.use(caller, timer, Timer)
    if duration == K_FOREVER_TICKS:
        return
    kernel.timeouts.cancel(obj.timeout)
    obj.status = 0
    periodic = period not in (0, K_FOREVER_TICKS)
    # Zephyr clamps a period to at least one tick: a period of zero or less ticks would
    # expire again at the same instant, forever, and simulated time would never move.
    obj.period_cycles = max(1, period) * kernel.cycles_per_tick if periodic else 0
    # Unlike k_sleep, Zephyr's k_timer_start does not round a relative duration up past
    # the current partial tick (it takes one tick off before z_add_timeout adds it back):
    # the first expiry is `duration` ticks after the current tick, so a 100 ms periodic
    # timer started during tick 0 expires at ticks 100, 200, ...
    if duration > 0:
        deadline = (kernel.ticks() + duration) * kernel.cycles_per_tick
    else:
        deadline = kernel.deadline_after_ticks(0)
    _arm(kernel, timer, obj, deadline)


@syscall("z_timer_stop")
def z_timer_stop(kernel: Kernel, caller: Caller, timer: int) -> int:
    """Stop the timer; return its stop function for the caller to run, or 0."""
    obj = kernel.objects.use(caller, timer, Timer)
    if not obj.is_running():
        return 0
    kernel.timeouts.cancel(obj.timeout)
    obj.timeout = None
    waiter = obj.waiters.pop_best()
    if waiter is not None:
        kernel.wake(waiter, 0)
    return obj.stop_function


@syscall("k_timer_status_get")
def k_timer_status_get(kernel: Kernel, caller: Caller, timer: int) -> int:
    obj = kernel.objects.use(caller, timer, Timer)
    status, obj.status = obj.status, 0
    return status


@syscall("k_timer_status_sync")
def k_timer_status_sync(kernel: Kernel, caller: Caller, timer: int) -> int | Blocked:
    obj = kernel.objects.use(caller, timer, Timer)
    if obj.status or not obj.is_running():
        status, obj.status = obj.status, 0
        return status
    return kernel.pend(caller, obj.waiters, K_FOREVER_TICKS, 0)


@syscall("k_timer_remaining_ticks")
def k_timer_remaining_ticks(kernel: Kernel, caller: Caller, timer: int) -> int:
    obj = kernel.objects.use(caller, timer, Timer)
    if obj.timeout is None or not obj.is_running():
        return 0
    return -(-(obj.timeout.deadline - kernel.now) // kernel.cycles_per_tick)


@syscall("k_timer_user_data_set")
def k_timer_user_data_set(kernel: Kernel, caller: Caller, timer: int, user_data: int) -> None:
    kernel.objects.use(caller, timer, Timer).user_data = user_data


@syscall("k_timer_user_data_get")
def k_timer_user_data_get(kernel: Kernel, caller: Caller, timer: int) -> int:
    return kernel.objects.use(caller, timer, Timer).user_data
