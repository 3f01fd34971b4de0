"""k_mutex_* system calls: recursive locking with priority inheritance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.objects.mutex import Mutex
from levante.kernel.objects.sys_mutex import SysMutex
from levante.kernel.syscalls.by_memory import object_in_caller_memory
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

SYS_MUTEX_SIZE = 4  # struct sys_mutex with user mode: one word naming the kernel mutex


@syscall("k_mutex_init")
def k_mutex_init(kernel: Services, caller: Caller, mutex: int) -> int:
    kernel.objects.initialise(caller, mutex, Mutex())
    return 0


@syscall("k_mutex_lock")
def k_mutex_lock(kernel: Services, caller: Caller, lock: Mutex, timeout: int) -> int | Blocked:
    return lock_mutex(kernel, caller, lock, timeout)


def lock_mutex(kernel: Services, caller: Caller, lock: Mutex, timeout: int) -> int | Blocked:
    """k_mutex_lock's rule, also sys_mutex's (its kernel mutex)."""
    thread = caller.thread
    if lock.lock_count == 0 or lock.is_owned_by(thread):
        if lock.lock_count == 0:
            lock.owner = thread
            lock.owner_original_priority = thread.priority
        lock.lock_count += 1
        return 0
    if timeout == 0:
        return -ERRNO["EBUSY"]
    owner = lock.owner
    assert owner is not None
    if thread.is_more_important_than(owner):
        kernel.set_priority(owner, thread.priority)

    def undo_inheritance() -> None:
        # The waiter gave up: the owner drops to what the remaining waiters justify.
        if lock.owner is not None:
            kernel.set_priority(lock.owner, lock.inherited_priority())

    return kernel.pend(caller, lock.waiters, timeout, -ERRNO["EAGAIN"],
                       on_timeout=undo_inheritance)


@syscall("k_mutex_unlock")
def k_mutex_unlock(kernel: Services, caller: Caller, lock: Mutex) -> int:
    return unlock(kernel, caller, lock)


def unlock(kernel: Services, caller: Caller, lock: Mutex) -> int:
    """k_mutex_unlock's rule, also what k_condvar_wait does to its mutex."""
    if lock.owner is None:
        return -ERRNO["EINVAL"]
    if not lock.is_owned_by(caller.thread):
        return -ERRNO["EPERM"]
    if lock.lock_count > 1:
        lock.lock_count -= 1
        return 0
    kernel.set_priority(lock.owner, lock.owner_original_priority)
    new_owner = lock.waiters.pop_best()
    if new_owner is None:
        lock.owner = None
        lock.lock_count = 0
        return 0
    lock.owner = new_owner
    lock.lock_count = 1
    lock.owner_original_priority = new_owner.priority
    kernel.wake(new_owner, 0)
    # Waiters still queued keep the new owner boosted if they are more important.
    kernel.set_priority(new_owner, lock.inherited_priority())
    return 0


# sys_mutex with user mode (<zephyr/sys/mutex.h>): the kernel mutex behind the word.  As
# in Zephyr, access is judged by memory, not by a grant: a caller that may write the
# sys_mutex may use it (-EACCES otherwise; -EINVAL for a word that is no sys_mutex).

def _valid_sys_mutex_lock(kernel: Inspect, caller: Caller, mutex: int,
                          timeout: int) -> int | Plan:
    lock = object_in_caller_memory(kernel, caller, mutex, SYS_MUTEX_SIZE, SysMutex)
    return lock if isinstance(lock, int) else (lock, timeout)


@syscall("z_sys_mutex_kernel_lock", validate=_valid_sys_mutex_lock)
def z_sys_mutex_kernel_lock(kernel: Services, caller: Caller, lock: SysMutex,
                            timeout: int) -> int | Blocked:
    return lock_mutex(kernel, caller, lock, timeout)


def _valid_sys_mutex_unlock(kernel: Inspect, caller: Caller, mutex: int) -> int | Plan:
    lock = object_in_caller_memory(kernel, caller, mutex, SYS_MUTEX_SIZE, SysMutex)
    return lock if isinstance(lock, int) else (lock,)


@syscall("z_sys_mutex_kernel_unlock", validate=_valid_sys_mutex_unlock)
def z_sys_mutex_kernel_unlock(kernel: Services, caller: Caller, lock: SysMutex) -> int:
    return unlock(kernel, caller, lock)
