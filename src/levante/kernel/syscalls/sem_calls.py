"""k_sem_* system calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.objects.sem import Semaphore
from levante.kernel.syscalls.polling import SEM_AVAILABLE, notify_pollers
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan


def _valid_sem_init(kernel: Inspect, caller: Caller, sem: int, initial: int,
                    limit: int) -> int | Plan:
    if limit == 0 or initial > limit:
        return -ERRNO["EINVAL"]
    return sem, initial, limit


@syscall("k_sem_init", validate=_valid_sem_init)
def k_sem_init(kernel: Services, caller: Caller, sem: int, initial: int, limit: int) -> int:
    kernel.objects.initialise(caller, sem, Semaphore(initial, limit))
    return 0


@syscall("k_sem_take")
def k_sem_take(kernel: Services, caller: Caller, semaphore: Semaphore,
              timeout: int) -> int | Blocked:
    if semaphore.count > 0:
        semaphore.count -= 1
        return 0
    if timeout == 0:
        return -ERRNO["EBUSY"]
    return kernel.pend(caller, semaphore.waiters, timeout, -ERRNO["EAGAIN"])


@syscall("k_sem_give")
def k_sem_give(kernel: Services, caller: Caller, semaphore: Semaphore) -> None:
    give(kernel, semaphore)


def give(kernel: Services, semaphore: Semaphore) -> None:
    """k_sem_give's rule, also what a received asynchronous mailbox message does."""
    waiter = semaphore.waiters.pop_best()
    if waiter is not None:
        kernel.wake(waiter, 0)
    else:
        if semaphore.count < semaphore.limit:
            semaphore.count += 1
        notify_pollers(kernel, semaphore.poll_events, SEM_AVAILABLE)


@syscall("k_sem_reset")
def k_sem_reset(kernel: Services, caller: Caller, semaphore: Semaphore) -> None:
    semaphore.count = 0
    while (waiter := semaphore.waiters.pop_best()) is not None:
        kernel.wake(waiter, -ERRNO["EAGAIN"])
    # As Zephyr's: pollers hear of a reset too (they find the count at zero).
    notify_pollers(kernel, semaphore.poll_events, SEM_AVAILABLE)


@syscall("k_sem_count_get")
def k_sem_count_get(kernel: Services, caller: Caller, semaphore: Semaphore) -> int:
    return semaphore.count
