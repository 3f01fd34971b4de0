"""k_condvar_* system calls.  Waiting gives the mutex up and pends in one call, as
Zephyr's k_condvar_wait does under its lock; the C side takes the mutex again once the
call returns (kernel.h), which is what Zephyr's implementation does next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.objects.condvar import CondVar
from levante.kernel.syscalls.mutex_calls import unlock
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.objects.mutex import Mutex
    from levante.kernel.syscalls.context import Services


@syscall("k_condvar_init")
def k_condvar_init(kernel: Services, caller: Caller, condvar: int) -> int:
    kernel.objects.initialise(caller, condvar, CondVar())
    return 0


@syscall("k_condvar_signal")
def k_condvar_signal(kernel: Services, caller: Caller, condvar: CondVar) -> int:
    waiter = condvar.waiters.pop_best()
    if waiter is not None:
        kernel.wake(waiter, 0)
    return 0


@syscall("k_condvar_broadcast")
def k_condvar_broadcast(kernel: Services, caller: Caller, condvar: CondVar) -> int:
    """Wakes every waiter, best first; returns how many."""
    woken = 0
    while (waiter := condvar.waiters.pop_best()) is not None:
        kernel.wake(waiter, 0)
        woken += 1
    return woken


@syscall("z_condvar_wait")
def z_condvar_wait(kernel: Services, caller: Caller, condvar: CondVar, mutex: Mutex,
                   timeout: int) -> int | Blocked:
    """Zephyr ignores what unlocking returns (a mutex the caller does not hold is left
    alone) and waits either way; -EAGAIN when the timeout ends the wait (at once for
    K_NO_WAIT)."""
    unlock(kernel, caller, mutex)
    if timeout == 0:
        return -ERRNO["EAGAIN"]
    return kernel.pend(caller, condvar.waiters, timeout, -ERRNO["EAGAIN"])
