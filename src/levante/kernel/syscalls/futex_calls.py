"""k_futex_wait and k_futex_wake.

Zephyr checks a futex by memory, not by permission: a user caller must be able to write
the futex's word (-EACCES otherwise), and the word must be a futex the image defines
(-EINVAL otherwise).  Waiting compares the word with the expected value first (-EAGAIN
when it differs); a wait that times out is -ETIMEDOUT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.objects.futex import Futex
from levante.kernel.syscalls.by_memory import object_in_caller_memory
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

FUTEX_SIZE = 4  # struct k_futex: one atomic_t
EAGAIN, ETIMEDOUT = -ERRNO["EAGAIN"], -ERRNO["ETIMEDOUT"]


def _futex(kernel: Inspect, caller: Caller, address: int) -> Futex | int:
    """The futex at `address`, or the errno Zephyr's checks give."""
    return object_in_caller_memory(kernel, caller, address, FUTEX_SIZE, Futex)


def _valid_wait(kernel: Inspect, caller: Caller, futex: int, expected: int,
                timeout: int) -> int | Plan:
    state = _futex(kernel, caller, futex)
    if isinstance(state, int):
        return state
    value = int.from_bytes(kernel.memory.read(caller, futex, FUTEX_SIZE), "little",
                           signed=True)
    if value != expected:
        return EAGAIN
    return state, timeout


@syscall("k_futex_wait", validate=_valid_wait)
def k_futex_wait(kernel: Services, caller: Caller, futex: Futex,
                 timeout: int) -> int | Blocked:
    if timeout == 0:
        return ETIMEDOUT
    return kernel.pend(caller, futex.waiters, timeout, ETIMEDOUT)


def _valid_wake(kernel: Inspect, caller: Caller, futex: int, wake_all: int) -> int | Plan:
    state = _futex(kernel, caller, futex)
    if isinstance(state, int):
        return state
    return state, bool(wake_all)


@syscall("k_futex_wake", validate=_valid_wake)
def k_futex_wake(kernel: Services, caller: Caller, futex: Futex, wake_all: bool) -> int:
    """Wakes the best waiter, or every waiter; returns how many were woken."""
    woken = 0
    while (waiter := futex.waiters.pop_best()) is not None:
        kernel.wake(waiter, 0)
        woken += 1
        if not wake_all:
            break
    return woken
