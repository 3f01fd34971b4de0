"""k_sched_lock/k_sched_unlock and irq_lock/irq_unlock: keeping the CPU (kernel
functions, supervisor-only as in Zephyr).

k_sched_lock makes the running thread cooperative until the matching unlock: no other
thread preempts it, however important, until it blocks or yields.  irq_lock does that
and also holds off every interrupt: timeouts (and so other threads' wake-ups, timer
expiries, time slices) and device interrupts wait until it unlocks, or until the thread
blocks, as interrupts are locked per thread in Zephyr.  The key irq_lock returns is the
state before (0: unlocked), and irq_unlock(key) restores it, so nested pairs work.  In
interrupt context interrupts are already held off: both calls leave things as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Services

KEY_UNLOCKED, KEY_LOCKED = 0, 1


@syscall("k_sched_lock")
def k_sched_lock(kernel: Services, caller: Caller) -> None:
    if not caller.in_isr:
        caller.thread.sched_locks += 1
        kernel.mirror_thread_base(caller.thread)  # base.sched_locked


@syscall("k_sched_unlock")
def k_sched_unlock(kernel: Services, caller: Caller) -> None:
    thread = caller.thread
    if caller.in_isr or thread.sched_locks == 0:
        return  # an unlock without a lock (Zephyr asserts): nothing to undo
    thread.sched_locks -= 1
    kernel.mirror_thread_base(thread)
    if thread.sched_locks == 0:
        kernel.request_stop()  # a more important thread that became ready runs now


@syscall("irq_lock")
def irq_lock(kernel: Services, caller: Caller) -> int:
    if caller.in_isr:
        return KEY_LOCKED
    thread = caller.thread
    key = KEY_LOCKED if thread.irq_locked else KEY_UNLOCKED
    thread.irq_locked = True
    return key


@syscall("irq_unlock")
def irq_unlock(kernel: Services, caller: Caller, key: int) -> None:
    thread = caller.thread
    if caller.in_isr or key != KEY_UNLOCKED or not thread.irq_locked:
        return
    thread.irq_locked = False
    kernel.request_stop()  # what came due while locked is served now


@syscall("k_is_preempt_thread")
def k_is_preempt_thread(kernel: Services, caller: Caller) -> int:
    """1 for a thread others may preempt: not in interrupt context, a preemptible
    priority, and neither k_sched_lock nor irq_lock held."""
    return 0 if caller.in_isr or caller.thread.is_cooperative() else 1
