"""Threads as the kernel sees them: priority, state, what they wait for."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Union

from levante.abi import THREAD_OPTIONS
from levante.arch.interface import Context, MemoryView
from levante.arch.memview import FlatView
from levante.kernel.waitq import WaitQueue

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.fatal import PendingFault
    from levante.kernel.objects.event import EventWait
    from levante.kernel.objects.eventfd import EventFdRead, EventFdWrite
    from levante.kernel.objects.ipc_endpoint import PendingCall, PendingReceive
    from levante.kernel.objects.mbox import MailboxReceive, MailboxSend
    from levante.kernel.objects.name_request import NameRequest
    from levante.kernel.objects.pipe import PipeReader, PipeWriter
    from levante.kernel.objects.poll_events import PollWait
    from levante.kernel.objects.socket_poll import SocketPollWait
    from levante.kernel.objects.socket_requests import SocketRequest
    from levante.kernel.pool import MemoryPool
    from levante.kernel.usermem import UserBuffer


# What a blocked thread's waker needs, never a raw address: a receiver's buffer (a value
# checked again when written), a sender's message (copied in when it blocked), the events
# an event waiter wants, the unit k_sleep/k_usleep report the time left in, a heap
# allocation's (size, alignment), a pipe transfer under way, a mailbox message or
# receiver's request, where a name's addresses go, an eventfd reader's buffer or
# writer's value.
WaitData = Union["UserBuffer", bytes, "EventWait", int, tuple[int, int], "PipeWriter",
                 "PipeReader", "MailboxSend", "MailboxReceive", "SocketRequest",
                 "SocketPollWait", "NameRequest",
                 "EventFdRead", "EventFdWrite", "PendingCall", "PendingReceive", None]


_K_ESSENTIAL = THREAD_OPTIONS["K_ESSENTIAL"]


class ThreadState(Enum):
    PRESTART = "prestart"  # created with a delay or K_FOREVER, not started yet
    READY = "ready"
    PENDING = "pending"  # waiting on a kernel object (possibly with a timeout)
    SLEEPING = "sleeping"
    DEAD = "dead"


@dataclass
class RuntimeUsage:
    """The cycles a thread ran (CONFIG_THREAD_RUNTIME_STATS), as Zephyr's usage
    analysis keeps them: in all, in the current window (since it was last switched in),
    in its longest window, and how many windows.  While `tracking` is off
    (k_thread_runtime_stats_disable) nothing is counted."""

    total: int = 0
    current: int = 0
    longest: int = 0
    windows: int = 0
    tracking: bool = True

    def count(self, cycles: int) -> None:
        if not self.tracking:
            return
        self.total += cycles
        self.current += cycles
        self.longest = max(self.longest, self.current)

    def start_window(self) -> None:
        """The thread is switched in (or its tracking is enabled again)."""
        if self.tracking:
            self.windows += 1
            self.current = 0

    @property
    def average(self) -> int:
        return self.total // self.windows if self.windows else 0


@dataclass(eq=False)
class Thread:
    """One thread.  `address` is its `struct k_thread` in target memory (0 for idle)."""

    KIND: ClassVar[str] = "k_thread"

    address: int
    name: str
    priority: int
    options: int
    context: Context | None
    stack_start: int = 0
    stack_size: int = 0
    state: ThreadState = ThreadState.PRESTART
    suspended: bool = False
    base_priority: int = 0
    # Position among ready threads of equal priority; renewed when it goes to the back.
    queue_order: int = 0
    # What a pending thread waits on, and the data its waker needs.
    waiting_on: Any = None
    wait_data: WaitData = None
    # Called when the wait times out; returns the value the blocked call returns.
    on_wait_timeout: Callable[[], int] | None = None
    timeout: Any = None
    wake_deadline: int = 0  # for k_sleep's remaining time
    busy_cycles: int = 0  # k_busy_wait still to burn
    # A fault found while serving another thread, taken when this one next runs.
    pending_fault: PendingFault | None = None
    # A k_poll that blocked: finished (registrations cleared, states written back) when
    # the thread next runs, as Zephyr's poller does once it is scheduled.
    poll_wait: PollWait | None = None
    held_mutexes: list[Any] = field(default_factory=list)
    # What must happen when it ends, by the object that asked (the IPC calls a server
    # has in service fail, kernel/syscalls/ipc_calls.py).
    on_abort: dict[object, Callable[[], None]] = field(default_factory=dict)
    joiners: WaitQueue = field(default_factory=WaitQueue)
    caller: Caller = field(init=False, repr=False)
    # User mode (CONFIG_USERSPACE): a user thread runs unprivileged inside `view`.
    user: bool = False
    domain: Any = None  # the MemoryDomain it belongs to
    security_domain: Any = None  # the SecurityDomain it is judged in (domains.py)
    view: MemoryView | None = None  # None: privileged, everything is accessible
    # The privileged MPU map in force while the kernel serves it (its stack guard).
    privileged_map: FlatView | None = None
    stack_object: tuple[int, int] = (0, 0)  # (start, size) of the stack the MPU exposes
    # What its start is judged by (kernel/policy.py's ThreadStart).
    entry: int = 0
    creator_name: str = ""
    slot: int | None = None  # permission/privileged-stack slot (MAX_THREAD_BYTES)
    # Where the kernel allocates on this thread's behalf (k_thread_heap_assign).
    resource_pool: MemoryPool | None = None
    # Stack protection (kernel/stacks.py): the part of the stack the thread may use
    # (Zephyr's stack_info, above any MPU guard), the random offset of its initial stack
    # pointer, and its own canary with CONFIG_STACK_CANARIES_TLS.
    stack_info: tuple[int, int] = (0, 0)
    stack_delta: int = 0
    # Its userspace local data, at the top of its stack (0: none, without user mode).
    local_data: int = 0
    # Its thread pointer with CONFIG_THREAD_LOCAL_STORAGE (thread_tls.py), or 0.
    tls_pointer: int = 0
    canary: int = 0
    # CONFIG_SCHED_DEADLINE: the cycle its deadline falls on (k_thread_deadline_set).
    deadline: int = 0
    # CONFIG_TIMESLICE_PER_THREAD (k_thread_time_slice_set): its own slice in ticks
    # (0: the global rule), and the function called in interrupt context when it ends.
    slice_ticks: int = 0
    slice_expired: int = 0
    slice_data: int = 0
    # CONFIG_SCHED_CPU_MASK: the CPUs it may run on; without CPU 0 it never runs.
    cpu_mask: int = 1
    custom_data: int = 0  # k_thread_custom_data_set/get (CONFIG_THREAD_CUSTOM_DATA)
    errno_value: int = 0  # its errno while another thread runs (thread_errno.py)
    usage: RuntimeUsage = field(default_factory=RuntimeUsage)
    mirrored_base: bytes = b""  # what struct k_thread's `base` shows now (threads.py)
    # k_sched_lock depth, and irq_lock: while either holds, the thread is not preempted
    # (it runs as a cooperative thread, as Zephyr's k_sched_lock makes it); with
    # interrupts locked no timeout or device interrupt is served until it unlocks.
    sched_locks: int = 0
    irq_locked: bool = False
    # While it runs an application-defined system call's handler (app_syscalls.py): its
    # user context, which resumes when the handler returns; `context` is the handler's.
    elevated_from: Context | None = None

    def __post_init__(self) -> None:
        from levante.kernel.caller import Caller

        self.base_priority = self.priority
        self.caller = Caller(self)  # made once: system calls are the hot path

    @property
    def essential(self) -> bool:
        """K_ESSENTIAL: a fault or abort of this thread halts the system."""
        return bool(self.options & _K_ESSENTIAL)

    @essential.setter
    def essential(self, value: bool) -> None:
        # Kept in `options`, as Zephyr keeps it in base.user_options, which C reads.
        self.options = self.options | _K_ESSENTIAL if value else self.options & ~_K_ESSENTIAL

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        """The queues threads wait on this thread in (k_thread_join)."""
        return (self.joiners,)

    def is_cooperative(self) -> bool:
        return self.priority < 0 or self.sched_locks > 0 or self.irq_locked

    def masks_interrupts(self) -> bool:
        """Whether, running, it keeps interrupts (timeouts, devices) from being served."""
        return self.irq_locked and self.is_runnable()

    def is_runnable(self) -> bool:
        return self.state is ThreadState.READY and not self.suspended and bool(self.cpu_mask & 1)

    def is_more_important_than(self, other: Thread) -> bool:
        return self.priority < other.priority

    def has_earlier_deadline_than(self, other: Thread) -> bool:
        return self.deadline < other.deadline

    def is_alive(self) -> bool:
        return self.state is not ThreadState.DEAD

    def __repr__(self) -> str:
        return f"Thread({self.name!r}, prio={self.priority}, {self.state.value})"


# Zephyr's thread state bits (kernel_structs.h), as struct k_thread's base.thread_state
# shows them.
THREAD_PENDING, THREAD_PRESTART, THREAD_DEAD = 1 << 1, 1 << 2, 1 << 3
THREAD_SUSPENDED, THREAD_QUEUED = 1 << 4, 1 << 7
_STATE_BITS = {
    ThreadState.PRESTART: THREAD_PRESTART,
    ThreadState.READY: THREAD_QUEUED,
    ThreadState.PENDING: THREAD_PENDING,
    ThreadState.SLEEPING: 0,  # waiting on its timeout alone: no bit, as in Zephyr
    ThreadState.DEAD: THREAD_DEAD,
}
# base.user_options (u8), a pad byte, thread_state (u16), prio (s8), sched_locked (u8).
_BASE = struct.Struct("<BxHbB")


def thread_base_bytes(thread: Thread) -> bytes:
    """What struct k_thread's `base` shows of `thread`."""
    state = _STATE_BITS[thread.state]
    if thread.suspended and thread.state is not ThreadState.DEAD:
        state = (state & ~THREAD_QUEUED) | THREAD_SUSPENDED
    return _BASE.pack(thread.options & 0xFF, state, max(-128, min(127, thread.priority)),
                      min(thread.sched_locks, 255))
