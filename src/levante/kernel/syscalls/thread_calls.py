"""k_thread_* system calls: creation, lifetime, priorities, names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.kernel.fatal import K_ERR_KERNEL_PANIC, Oops
from levante.kernel.syscalls.registry import syscall
from levante.kernel.thread import Thread, ThreadState
from levante.sdk.abi import ERRNO

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.kernel import Kernel


def check_priority(kernel: Kernel, priority: int) -> None:
    """Zephyr's valid range: K_HIGHEST_THREAD_PRIO .. K_LOWEST_APPLICATION_THREAD_PRIO."""
    highest = -kernel.config.coop_priorities
    lowest = kernel.config.preempt_priorities - 1
    if not highest <= priority <= lowest:
        raise Oops(f"invalid thread priority {priority} (valid: {highest}..{lowest})")


def target_thread(kernel: Kernel, caller: Caller, address: int) -> Thread:
    """The thread named by a k_tid_t; NULL means the caller, as several Zephyr calls allow."""
    return caller.thread if address == 0 else kernel.thread_at(address)


@syscall("k_thread_create")
def k_thread_create(kernel: Kernel, caller: Caller, new_thread: int, stack: int,
                    stack_size: int, entry: int, p1: int, p2: int, p3: int, prio: int,
                    options: int, delay: int) -> int:
    check_priority(kernel, prio)
    if new_thread == 0 or stack == 0 or stack_size == 0 or entry == 0:
        raise Oops("k_thread_create: NULL thread, stack or entry, or empty stack")
    kernel.create_thread(new_thread, stack, stack_size, entry, (p1, p2, p3), prio, options,
                         delay, name="")
    return new_thread


@syscall("k_thread_abort")
def k_thread_abort(kernel: Kernel, caller: Caller, thread: int) -> None:
    target = target_thread(kernel, caller, thread)
    if target.essential and target.is_alive():
        raise Oops(f"attempt to abort essential thread '{target.name}'", K_ERR_KERNEL_PANIC)
    kernel.abort_thread(target)


@syscall("k_thread_join")
def k_thread_join(kernel: Kernel, caller: Caller, thread: int,
                  timeout: int) -> int | Blocked:
    target = kernel.thread_at(thread)
    if not target.is_alive():
        return 0
    if target is caller.thread or caller.thread.waiting_on is target.joiners:
        return -ERRNO["EDEADLK"]
    if target.waiting_on is caller.thread.joiners:
        return -ERRNO["EDEADLK"]
    if timeout == 0:
        return -ERRNO["EBUSY"]
    return kernel.pend(caller, target.joiners, timeout, -ERRNO["EAGAIN"])


@syscall("k_thread_start")
def k_thread_start(kernel: Kernel, caller: Caller, thread: int) -> None:
    kernel.start_thread(kernel.thread_at(thread))


@syscall("k_thread_suspend")
def k_thread_suspend(kernel: Kernel, caller: Caller, thread: int) -> None:
    target = target_thread(kernel, caller, thread)
    if target.state is ThreadState.SLEEPING:
        # As in Zephyr, suspending a sleeper cancels its wake-up: resume runs it at once.
        kernel.wake(target, 0)
    target.suspended = True
    kernel.update_ready_queue(target)


@syscall("k_thread_resume")
def k_thread_resume(kernel: Kernel, caller: Caller, thread: int) -> None:
    target = kernel.thread_at(thread)
    target.suspended = False
    kernel.update_ready_queue(target)


@syscall("k_thread_priority_get")
def k_thread_priority_get(kernel: Kernel, caller: Caller, thread: int) -> int:
    return target_thread(kernel, caller, thread).priority


@syscall("k_thread_priority_set")
def k_thread_priority_set(kernel: Kernel, caller: Caller, thread: int, prio: int) -> None:
    check_priority(kernel, prio)
    target = target_thread(kernel, caller, thread)
    target.base_priority = prio
    kernel.set_priority(target, prio)


@syscall("k_thread_name_set")
def k_thread_name_set(kernel: Kernel, caller: Caller, thread: int, text: int) -> int:
    if not kernel.config.thread_names:
        return -ERRNO["ENOSYS"]
    target = target_thread(kernel, caller, thread)
    limit = kernel.config.thread_name_length
    name = kernel.read_c_string(text, limit)[: limit - 1]
    target.name = name.decode(errors="replace")
    kernel.write_thread_name(target)
    return 0


@syscall("k_thread_name_copy")
def k_thread_name_copy(kernel: Kernel, caller: Caller, thread: int, buf: int,
                       size: int) -> int:
    if not kernel.config.thread_names:
        return -ERRNO["ENOSYS"]
    name = kernel.thread_at(thread).name.encode() + b"\0"
    if len(name) > size:
        return -ERRNO["ENOSPC"]
    kernel.cpu.write_memory(buf, name)
    return 0


@syscall("k_current_get")
def k_current_get(kernel: Kernel, caller: Caller) -> int:
    return caller.thread.address
