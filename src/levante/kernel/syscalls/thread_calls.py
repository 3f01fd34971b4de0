"""k_thread_* system calls: creation, lifetime, priorities, names."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.arch.interface import AccessKind
from levante.kernel.fatal import K_ERR_KERNEL_PANIC, Oops
from levante.kernel.objects.heap import Heap
from levante.kernel.objects.registry import STACK_KIND, InitState
from levante.kernel.pool import MemoryPool
from levante.kernel.syscalls.registry import syscall
from levante.kernel.thread import Thread, ThreadState
from levante.kernel.timeout import Timeout

K_USER = THREAD_OPTIONS["K_USER"]
K_ESSENTIAL = THREAD_OPTIONS["K_ESSENTIAL"]

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan


def check_priority(kernel: Inspect, priority: int) -> None:
    problem = kernel.config.priority_problem(priority)
    if problem is not None:
        raise Oops(problem)


def target_thread(kernel: Inspect, caller: Caller, address: int,
                  null_is_caller: bool = False) -> Thread:
    """The thread named by a k_tid_t.  A user caller needs a live thread object it has
    permission on (or oopses); NULL means the caller where Zephyr's call says so
    (`null_is_caller`), and for supervisor callers."""
    if address == 0:
        if caller.is_user and not null_is_caller:
            raise Oops("NULL is not a thread object")
        return caller.thread
    if caller.is_user:
        kernel.objects.checked(caller, address, Thread.KIND, InitState.INITIALISED)
    return kernel.thread_at(address)


def target_thread_if_alive(kernel: Inspect, caller: Caller, address: int) -> Thread | None:
    """Zephyr's thread_obj_validate: an exited (uninitialised) thread is quietly None,
    any other validation failure of a user caller oopses."""
    if caller.is_user and address != 0:
        error = kernel.objects.validate(caller.thread, address, Thread.KIND,
                                        InitState.INITIALISED)
        if error == -ERRNO["EINVAL"]:
            return None
        if error:
            kernel.objects.deny(address, Thread.KIND, error)
        target = kernel.thread_at(address)
    else:
        target = target_thread(kernel, caller, address)
    return target if target.is_alive() else None


def valid_target(kernel: Inspect, caller: Caller, thread: int, *rest: int) -> Plan:
    """The calls that only name a thread: the thread, then their other arguments."""
    return target_thread(kernel, caller, thread), *rest


def _check_user_creation(kernel: Inspect, caller: Caller, new_thread: int, stack: int,
                         stack_size: int, prio: int, options: int) -> None:
    """z_vrfy_k_thread_create: unused thread and stack objects the caller may use, a
    stack big enough, a user thread, not essential, no more important than the caller."""
    kernel.objects.checked(caller, new_thread, Thread.KIND, InitState.UNINITIALISED)
    stack_object = kernel.objects.checked(caller, stack, STACK_KIND, InitState.UNINITIALISED)
    if stack_size > stack_object.size:
        raise Oops(f"stack size {stack_size} is too big, max is {stack_object.size}")
    if not options & K_USER:
        raise Oops("user threads may only create user threads")
    if options & K_ESSENTIAL:
        raise Oops("user threads may not create essential threads")
    if prio < caller.thread.priority:
        raise Oops(f"priority {prio} is higher than the caller's {caller.thread.priority}")


def _valid_create(kernel: Inspect, caller: Caller, new_thread: int, stack: int,
                  stack_size: int, entry: int, p1: int, p2: int, p3: int, prio: int,
                  options: int, delay: int) -> Plan:
    """Everything that can refuse a creation, so that a refused one leaves nothing."""
    if caller.is_user:
        _check_user_creation(kernel, caller, new_thread, stack, stack_size, prio, options)
    check_priority(kernel, prio)
    if new_thread == 0 or stack == 0 or stack_size == 0 or entry == 0:
        raise Oops("k_thread_create: NULL thread, stack or entry, or empty stack")
    if not caller.is_user:
        # A user caller's new stack is not its memory: the stack object checked above
        # vouches for it (z_vrfy_k_thread_create checks no memory access either).
        kernel.memory.check(caller, stack, stack_size, AccessKind.WRITE)
    kernel.check_thread_creation(new_thread, stack, stack_size, prio, options, caller.thread)
    return new_thread, stack, stack_size, entry, (p1, p2, p3), prio, options, delay


@syscall("k_thread_create", validate=_valid_create)
def k_thread_create(kernel: Services, caller: Caller, new_thread: int, stack: int,
                    stack_size: int, entry: int, parameters: tuple[int, int, int], prio: int,
                    options: int, delay: int) -> int:
    kernel.create_thread(new_thread, stack, stack_size, entry, parameters, prio, options,
                         delay, name="", creator=caller.thread)
    return new_thread


def _valid_user_mode_enter(kernel: Inspect, caller: Caller, entry: int, p1: int, p2: int,
                           p3: int) -> Plan:
    if caller.in_isr:
        raise Oops("k_thread_user_mode_enter called from an ISR")
    if kernel.userspace is not None:
        stack = kernel.objects.entry(caller.thread.stack_object[0])
        if stack is None or stack.kind != STACK_KIND:
            # Zephyr asserts the stack is user capable: a kernel stack is not.
            raise Oops(f"thread '{caller.thread.name}' drops to user mode on a kernel-only "
                       "stack", K_ERR_KERNEL_PANIC)
        kernel.userspace.user_view(caller.thread)
    return entry, (p1, p2, p3)


@syscall("k_thread_user_mode_enter", validate=_valid_user_mode_enter)
def k_thread_user_mode_enter(kernel: Services, caller: Caller, entry: int,
                             parameters: tuple[int, int, int]) -> None:
    kernel.enter_user_mode(caller.thread, entry, parameters)


def _valid_abort(kernel: Inspect, caller: Caller, thread: int) -> Plan:
    target = target_thread_if_alive(kernel, caller, thread)
    if target is not None and target.essential:
        raise Oops(f"attempt to abort essential thread '{target.name}'", K_ERR_KERNEL_PANIC)
    return (target,)


@syscall("k_thread_abort", validate=_valid_abort)
def k_thread_abort(kernel: Services, caller: Caller, target: Thread | None) -> None:
    if target is not None:
        kernel.abort_thread(target)


def _valid_join(kernel: Inspect, caller: Caller, thread: int, timeout: int) -> Plan:
    return target_thread_if_alive(kernel, caller, thread), timeout


@syscall("k_thread_join", validate=_valid_join)
def k_thread_join(kernel: Services, caller: Caller, target: Thread | None,
                  timeout: int) -> int | Blocked:
    if target is None:
        return 0
    if target is caller.thread or caller.thread.waiting_on is target.joiners:
        return -ERRNO["EDEADLK"]
    if target.waiting_on is caller.thread.joiners:
        return -ERRNO["EDEADLK"]
    if timeout == 0:
        return -ERRNO["EBUSY"]
    return kernel.pend(caller, target.joiners, timeout, -ERRNO["EAGAIN"])


@syscall("k_thread_start", validate=valid_target)
def k_thread_start(kernel: Services, caller: Caller, target: Thread) -> None:
    kernel.start_thread(target)


@syscall("k_thread_suspend", validate=valid_target)
def k_thread_suspend(kernel: Services, caller: Caller, target: Thread) -> None:
    if target.state is ThreadState.SLEEPING:
        # As in Zephyr, suspending a sleeper cancels its wake-up: resume runs it at once.
        kernel.wake(target, 0)
    target.suspended = True
    kernel.update_ready_queue(target)


@syscall("k_thread_resume", validate=valid_target)
def k_thread_resume(kernel: Services, caller: Caller, target: Thread) -> None:
    target.suspended = False
    kernel.update_ready_queue(target)


@syscall("k_thread_priority_get", validate=valid_target)
def k_thread_priority_get(kernel: Services, caller: Caller, target: Thread) -> int:
    return target.priority


def _valid_priority_set(kernel: Inspect, caller: Caller, thread: int, prio: int) -> Plan:
    check_priority(kernel, prio)
    target = target_thread(kernel, caller, thread)
    if caller.is_user and prio < target.priority:
        raise Oops(f"thread priority may only be lowered from user mode ({prio})")
    return target, prio


@syscall("k_thread_priority_set", validate=_valid_priority_set)
def k_thread_priority_set(kernel: Services, caller: Caller, target: Thread, prio: int) -> None:
    target.base_priority = prio
    kernel.set_priority(target, prio)


def _valid_name_set(kernel: Inspect, caller: Caller, thread: int, text: int) -> int | Plan:
    if not kernel.config.thread_names:
        return -ERRNO["ENOSYS"]
    target = target_thread(kernel, caller, thread, null_is_caller=True)
    limit = kernel.config.thread_name_length
    name = kernel.memory.read_string(caller, text, limit)[: limit - 1]
    return target, name.decode(errors="replace")


@syscall("k_thread_name_set", validate=_valid_name_set)
def k_thread_name_set(kernel: Services, caller: Caller, target: Thread, name: str) -> int:
    target.name = name
    kernel.write_thread_name(target)
    return 0


def _valid_name_copy(kernel: Inspect, caller: Caller, thread: int, buf: int,
                     size: int) -> int | Plan:
    if not kernel.config.thread_names:
        return -ERRNO["ENOSYS"]
    name = target_thread(kernel, caller, thread).name.encode() + b"\0"
    kernel.memory.check(caller, buf, size, AccessKind.WRITE)
    if len(name) > size:
        return -ERRNO["ENOSPC"]
    return buf, name


@syscall("k_thread_name_copy", validate=_valid_name_copy)
def k_thread_name_copy(kernel: Services, caller: Caller, buf: int, name: bytes) -> int:
    kernel.memory.write(caller, buf, name)
    return 0


@syscall("k_current_get")
def k_current_get(kernel: Services, caller: Caller) -> int:
    return caller.thread.address


def _valid_stack_space(kernel: Inspect, caller: Caller, thread: int,
                       unused_pointer: int) -> Plan:
    target = target_thread(kernel, caller, thread)
    kernel.memory.check(caller, unused_pointer, 4, AccessKind.WRITE)
    return target, unused_pointer


@syscall("k_thread_stack_space_get", validate=_valid_stack_space)
def k_thread_stack_space_get(kernel: Services, caller: Caller, target: Thread,
                             unused_pointer: int) -> int:
    unused = kernel.stacks.unused_bytes(target)
    kernel.memory.write(caller, unused_pointer, unused.to_bytes(4, "little"))
    return 0


def thread_state_name(kernel: Inspect, thread: Thread) -> str:
    """Zephyr's k_thread_state_str words for a thread's state."""
    if thread is kernel.current:
        return "running"
    if thread.suspended and thread.is_alive():
        return "suspended"
    names = {
        ThreadState.PRESTART: "prestart",
        ThreadState.READY: "queued",
        ThreadState.PENDING: "pending",
        ThreadState.SLEEPING: "sleeping",
        ThreadState.DEAD: "dead",
    }
    return names[thread.state]


def _valid_state_str(kernel: Inspect, caller: Caller, thread: int, buf: int,
                     size: int) -> Plan:
    target = target_thread(kernel, caller, thread)
    if size == 0:
        return buf, b""
    text = thread_state_name(kernel, target).encode()[: size - 1] + b"\0"
    kernel.memory.check(caller, buf, len(text), AccessKind.WRITE)
    return buf, text


@syscall("z_levante_thread_state_str", validate=_valid_state_str)
def z_levante_thread_state_str(kernel: Services, caller: Caller, buf: int, text: bytes) -> int:
    if text:
        kernel.memory.write(caller, buf, text)
    return buf


def _valid_heap_assign(kernel: Inspect, caller: Caller, thread: int, heap: int) -> Plan:
    target = target_thread(kernel, caller, thread)
    return target, kernel.objects.unchecked(heap, Heap).pool if heap else None


@syscall("k_thread_heap_assign", validate=_valid_heap_assign)
def k_thread_heap_assign(kernel: Services, caller: Caller, target: Thread,
                         pool: MemoryPool | None) -> None:
    """The heap the kernel allocates from on the thread's behalf (supervisor-only)."""
    kernel.assign_resource_pool(target, pool)


@syscall("k_thread_system_pool_assign", validate=valid_target)
def k_thread_system_pool_assign(kernel: Services, caller: Caller, target: Thread) -> None:
    """The system heap (CONFIG_HEAP_MEM_POOL_SIZE) as the thread's resource pool."""
    kernel.assign_resource_pool(target, kernel.system_pool)


def _live_timeout(thread: Thread) -> Timeout | None:
    """The timeout counting down for the thread (a delayed start, a sleep, a wait)."""
    timeout = thread.timeout
    return timeout if isinstance(timeout, Timeout) and not timeout.cancelled else None


@syscall("k_thread_timeout_expires_ticks", validate=valid_target)
def k_thread_timeout_expires_ticks(kernel: Services, caller: Caller, target: Thread) -> int:
    """The tick the thread's timeout ends at, 0 when none counts down."""
    timeout = _live_timeout(target)
    return 0 if timeout is None else timeout.deadline // kernel.cycles_per_tick


@syscall("k_thread_timeout_remaining_ticks", validate=valid_target)
def k_thread_timeout_remaining_ticks(kernel: Services, caller: Caller, target: Thread) -> int:
    """Ticks until the thread's timeout ends (rounded up), 0 when none counts down."""
    timeout = _live_timeout(target)
    if timeout is None:
        return 0
    return max(0, -(-(timeout.deadline - kernel.now) // kernel.cycles_per_tick))


def _valid_cpu_mask_mod(kernel: Inspect, caller: Caller, thread: int, enable_mask: int,
                        disable_mask: int) -> int | Plan:
    target = target_thread(kernel, caller, thread)
    if target.is_runnable():
        return -ERRNO["EINVAL"]  # as in Zephyr: only a thread that cannot run changes
    return target, enable_mask, disable_mask


@syscall("z_levante_cpu_mask_mod", validate=_valid_cpu_mask_mod)
def z_levante_cpu_mask_mod(kernel: Services, caller: Caller, target: Thread,
                           enable_mask: int, disable_mask: int) -> int:
    """k_thread_cpu_mask_*: the CPUs (one here) a thread may run on."""
    target.cpu_mask = (target.cpu_mask | enable_mask) & ~disable_mask & 0xFFFFFFFF
    kernel.update_ready_queue(target)
    return 0


def _valid_deadline_set(kernel: Inspect, caller: Caller, thread: int, deadline: int) -> Plan:
    target = target_thread(kernel, caller, thread)
    if caller.is_user and deadline <= 0:
        raise Oops(f"invalid thread deadline {deadline}")  # z_vrfy_k_thread_deadline_set
    return target, max(deadline, 0)


@syscall("k_thread_deadline_set", validate=_valid_deadline_set)
def k_thread_deadline_set(kernel: Services, caller: Caller, target: Thread,
                          deadline: int) -> None:
    """CONFIG_SCHED_DEADLINE: the thread's deadline, `deadline` cycles from now; a ready
    thread is queued again behind the threads of its priority and deadline."""
    target.deadline = kernel.now + deadline
    kernel.scheduler.priority_changed(target)


def _valid_time_slice_set(kernel: Inspect, caller: Caller, thread: int, slice_ticks: int,
                          expired: int, data: int) -> Plan:
    return target_thread(kernel, caller, thread), max(slice_ticks, 0), expired, data


@syscall("k_thread_time_slice_set", validate=_valid_time_slice_set)
def k_thread_time_slice_set(kernel: Services, caller: Caller, target: Thread,
                            slice_ticks: int, expired: int, data: int) -> None:
    """CONFIG_TIMESLICE_PER_THREAD: the thread's own slice (0: the global rule) and the
    function called, in interrupt context, each time it ends."""
    target.slice_ticks = slice_ticks
    target.slice_expired, target.slice_data = expired, data
    if target is kernel.current:
        kernel.slice_end = None  # its slice starts again (from the loop), as in Zephyr
        kernel.request_stop()


@syscall("k_float_disable", validate=valid_target)
def k_float_disable(kernel: Services, caller: Caller, target: Thread) -> int:
    """Floating point registers are not kept per thread on demand (no
    CONFIG_FPU_SHARING): -ENOTSUP, as Zephyr answers without it."""
    return -ERRNO["ENOTSUP"]


@syscall("k_float_enable", validate=valid_target)
def k_float_enable(kernel: Services, caller: Caller, target: Thread, options: int) -> int:
    """As k_float_disable: -ENOTSUP without CONFIG_FPU_SHARING."""
    return -ERRNO["ENOTSUP"]


def _valid_essential_set(kernel: Inspect, caller: Caller, thread: int,
                         essential: int) -> Plan:
    return target_thread(kernel, caller, thread), bool(essential & 0xFF)


@syscall("z_levante_set_essential", validate=_valid_essential_set)
def z_levante_set_essential(kernel: Services, caller: Caller, target: Thread,
                                   essential: bool) -> None:
    """kthread.h's z_thread_essential_set/clear: K_ESSENTIAL in the thread's options."""
    target.essential = essential
    kernel.mirror_thread_base(target)


@syscall("k_thread_custom_data_set")
def k_thread_custom_data_set(kernel: Services, caller: Caller, value: int) -> int:
    caller.thread.custom_data = value
    return 0


@syscall("k_thread_custom_data_get")
def k_thread_custom_data_get(kernel: Services, caller: Caller) -> int:
    return caller.thread.custom_data


# struct k_thread_runtime_stats: execution, total (not idle), current (the last run),
# peak (the longest run), average (per run) and idle cycles, 64 bits each.
_RUNTIME_STATS = struct.Struct("<6Q")


def _valid_runtime_stats(kernel: Inspect, caller: Caller, thread: int,
                         stats: int) -> int | Plan:
    if thread == 0 or stats == 0:
        return -ERRNO["EINVAL"]
    kernel.memory.check(caller, stats, _RUNTIME_STATS.size, AccessKind.WRITE)
    return target_thread(kernel, caller, thread), stats


@syscall("k_thread_runtime_stats_get", validate=_valid_runtime_stats)
def k_thread_runtime_stats_get(kernel: Services, caller: Caller, thread: Thread,
                               stats: int) -> int:
    """The thread's cycles: in all, in its current window, its longest window, and the
    average per window; no idle cycles (a thread is never the idle time)."""
    kernel.settle_usage()
    usage = thread.usage
    kernel.memory.write(caller, stats, _RUNTIME_STATS.pack(
        usage.total, usage.total, usage.current, usage.longest, usage.average, 0))
    return 0


def _valid_all_stats(kernel: Inspect, caller: Caller, stats: int) -> int | Plan:
    if stats == 0:
        return -ERRNO["EINVAL"]
    kernel.memory.check(caller, stats, _RUNTIME_STATS.size, AccessKind.WRITE)
    return (stats,)


@syscall("k_thread_runtime_stats_all_get", validate=_valid_all_stats)
def k_thread_runtime_stats_all_get(kernel: Services, caller: Caller, stats: int) -> int:
    """The CPU's: `total` is its non-idle cycles, `execution` those and the idle ones;
    current, peak and average describe the stretches between idle periods."""
    kernel.settle_usage()
    now, idle, usage = kernel.now, kernel.idle_cycles, kernel.cpu_usage
    busy = usage.busy_cycles(now, idle)
    average = busy // usage.windows if usage.windows else 0
    kernel.memory.write(caller, stats, _RUNTIME_STATS.pack(
        busy + idle, busy, usage.current(now), usage.peak(now), average, idle))
    return 0


def _valid_stats_switch(kernel: Inspect, caller: Caller, thread: int) -> int | Plan:
    if thread == 0:
        return -ERRNO["EINVAL"]
    return (target_thread(kernel, caller, thread),)


@syscall("k_thread_runtime_stats_enable", validate=_valid_stats_switch)
def k_thread_runtime_stats_enable(kernel: Services, caller: Caller, thread: Thread) -> int:
    """Count the thread's cycles again, in a new window."""
    kernel.settle_usage()
    if not thread.usage.tracking:
        thread.usage.tracking = True
        thread.usage.start_window()
    return 0


@syscall("k_thread_runtime_stats_disable", validate=_valid_stats_switch)
def k_thread_runtime_stats_disable(kernel: Services, caller: Caller, thread: Thread) -> int:
    """Stop counting the thread's cycles (what it ran so far stays counted)."""
    kernel.settle_usage()
    thread.usage.tracking = False
    return 0


@syscall("k_sys_runtime_stats_enable")
def k_sys_runtime_stats_enable(kernel: Services, caller: Caller) -> None:
    kernel.cpu_usage.enable(kernel.now, kernel.idle_cycles)


@syscall("k_sys_runtime_stats_disable")
def k_sys_runtime_stats_disable(kernel: Services, caller: Caller) -> None:
    kernel.cpu_usage.disable(kernel.now, kernel.idle_cycles)


