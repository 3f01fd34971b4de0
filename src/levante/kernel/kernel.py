"""The kernel: boot, the scheduler loop, blocking and waking, callbacks, fatal errors.

The kernel is a function of events (seL4's executable-spec idea): it picks a thread,
asks the CPU to run it for a budget of cycles, and handles whatever stopped it: a system
call, a fault, or a deadline.  Time is the count of executed instructions plus modelled
kernel costs, so a run is the same every time.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from levante import __version__
from levante.arch.interface import (
    AccessKind,
    Context,
    Cpu,
    CpuFault,
    MemoryAccessError,
    MemoryView,
    StopEvent,
    StopKind,
    ThreadStart,
)
from levante.image.layout import ImageLayout
from levante.kernel import costs
from levante.kernel.caller import BLOCKED, Blocked, Caller
from levante.kernel.fatal import (
    K_ERR_CPU_EXCEPTION,
    FaultRecord,
    Oops,
    PendingFault,
    user_raisable_reason,
)
from levante.kernel.layout import KernelConfig
from levante.kernel.memdomain import supervisor_view
from levante.kernel.objects.registry import STACK_KIND, ObjectRegistry
from levante.kernel.pool import MemoryPool
from levante.kernel.random import RandomService
from levante.kernel.sched import ReadyQueue, TimeSlicing, choose_next
from levante.kernel.stacks import StackProtection
from levante.kernel.syscalls.dispatch import serve
from levante.kernel.thread import Thread, ThreadState
from levante.kernel.timeout import TimeoutQueue
from levante.kernel.usermem import CallerMemory, MemoryFault
from levante.kernel.userspace import UserSpace
from levante.kernel.waitq import WaitQueue
from levante.sdk.abi import (
    FATAL_REASONS,
    FIELD_OFFSETS,
    OPTION_SYMBOLS,
    STRUCT_SIZES,
    SVC_CALLBACK_RETURN,
    SVC_EXCEPT,
    SVC_SYSCALL,
    THREAD_OPTIONS,
)

if TYPE_CHECKING:
    from levante.crypto.entropy import EntropySource
    from levante.kernel.flash_port import FlashPort

K_ESSENTIAL = THREAD_OPTIONS["K_ESSENTIAL"]
K_USER = THREAD_OPTIONS["K_USER"]
K_INHERIT_PERMS = THREAD_OPTIONS["K_INHERIT_PERMS"]
K_FOREVER_TICKS = -1
K_ERR_STACK_CHK_FAIL = FATAL_REASONS["K_ERR_STACK_CHK_FAIL"]
_MONITOR_HEAD = OPTION_SYMBOLS["THREAD_MONITOR"][0]
EXCEPTION_FRAME_BYTES = 32

TraceSink = Callable[[dict[str, Any]], None]
ConsoleSink = Callable[[bytes], None]
# Console input (the shell's): the next bytes typed or piped in, b"" once it has ended.
ConsoleSource = Callable[[], bytes]


class RunEnd(Enum):
    IDLE = "idle"  # nothing runnable and nothing due: the system is idle for good
    HALTED = "halted"  # a fatal error halted the system
    TIME_LIMIT = "time-limit"


class Kernel:
    """One booted system."""

    def __init__(
        self,
        cpu: Cpu,
        config: KernelConfig,
        image: ImageLayout,
        console: ConsoleSink,
        trace: TraceSink | None = None,
        entropy: EntropySource | None = None,
        console_input: ConsoleSource | None = None,
        *,
        flash: FlashPort | None = None,
    ) -> None:
        self.cpu = cpu
        self.config = config
        self.image = image
        self.console = console
        self._trace = trace
        self.now = 0
        self.timeouts = TimeoutQueue()
        self.ready = ReadyQueue()
        self.objects = ObjectRegistry()
        self.memory = CallerMemory(cpu, self.privileged_view)
        self.userspace = UserSpace(self) if config.userspace else None
        self.threads: dict[int, Thread] = {}
        self.slicing = TimeSlicing()
        self.idle = Thread(0, "idle", config.preempt_priorities, 0, None)
        self.idle.state = ThreadState.READY
        self.current: Thread = self.idle
        self.slice_end: int | None = None
        self.halted_reason: int | None = None
        self.faults: list[FaultRecord] = []
        self.syscall_count = 0
        self.switch_count = 0
        self._yielding = False
        self._run_base = 0  # time when the current cpu.run began
        self._run_costs = 0  # modelled kernel costs charged during it
        self._run_limit = 0
        self._run_stop = 0
        self._in_callback = 0
        self._in_fatal_handler = False
        self._stop_requested = False
        self.random = RandomService(config, entropy, lambda: self.now)
        self.stacks = StackProtection(self)
        self.console_input = console_input
        self.input_buffer = bytearray()
        self.monitor: list[Thread] = []  # CONFIG_THREAD_MONITOR: newest first
        # The board's flash and boot stage (None: run without them): the flash
        # controller device serves its calls through it.
        self.flash = flash
        # The system heap (HEAP_MEM_POOL_SIZE), what k_thread_system_pool_assign gives.
        self.system_pool: MemoryPool | None = None

    # ---- time -------------------------------------------------------------------

    @property
    def cycles_per_tick(self) -> int:
        return self.config.cycles_per_tick

    def ticks(self) -> int:
        return self.now // self.cycles_per_tick

    def deadline_after_ticks(self, ticks: int) -> int:
        """The tick boundary `ticks` after the current (partial) tick: never early."""
        cpt = self.cycles_per_tick
        return -(-self.now // cpt) * cpt + max(0, ticks) * cpt

    def ms_to_ticks(self, ms: int) -> int:
        return -(-ms * self.config.ticks_per_second // 1000)

    def ticks_to_ms_ceil(self, ticks: int) -> int:
        return -(-ticks * 1000 // self.config.ticks_per_second)

    # ---- tracing and console ------------------------------------------------------

    @property
    def tracing(self) -> bool:
        return self._trace is not None

    def trace(self, event: str, **fields: Any) -> None:
        if self._trace is not None:
            self._trace({"cycle": self.now, "event": event, **fields})

    def print(self, text: str) -> None:
        self.console(text.encode())

    # ---- memory on behalf of the kernel ----------------------------------------------

    def read_u32(self, address: int) -> int:
        return self.memory.kernel_read_u32(address)

    def read_i32(self, address: int) -> int:
        value: int = struct.unpack("<i", self.memory.kernel_read(address, 4))[0]
        return value

    def read_c_string(self, address: int, limit: int) -> bytes:
        data = self.memory.kernel_read(address, limit)
        end = data.find(b"\0")
        return data if end < 0 else data[:end]

    def privileged_view(self, caller: Caller) -> MemoryView:
        """The MPU map the kernel's own accesses obey while it serves `caller`."""
        return self.supervisor_view(None if caller.in_isr else caller.thread)

    # ---- threads -------------------------------------------------------------------

    def thread_at(self, address: int) -> Thread:
        thread = self.threads.get(address)
        if thread is None:
            raise Oops(f"{address:#x} is not a thread")
        return thread

    def create_thread(
        self,
        address: int,
        stack: int,
        stack_size: int,
        entry: int,
        parameters: tuple[int, int, int],
        priority: int,
        options: int,
        delay_ticks: int,
        name: str,
        creator: Thread | None = None,
    ) -> Thread:
        """Create a thread (k_thread_create); `creator` is None for threads the image
        defines.  Raises Oops (nothing created) when the thread cannot exist."""
        existing = self.threads.get(address)
        if existing is not None and existing.is_alive():
            raise Oops(f"thread object {address:#x} is already in use")
        if creator is not None:
            # Everything that can refuse comes first, so that a refused creation leaves
            # nothing behind: the kernel will write the new struct k_thread, and a struct
            # the privileged map may not write faults the creator now.
            self.memory.check_privileged(creator.caller, address, STRUCT_SIZES["k_thread"],
                                         AccessKind.WRITE)
        named = bool(name)
        thread = Thread(address, name or f"{address:#010x}", priority, options, None,
                        stack, stack_size)
        thread.essential = bool(options & K_ESSENTIAL)
        # Zephyr: a new thread inherits its creator's resource pool.
        thread.resource_pool = creator.resource_pool if creator is not None else None
        thread.stack_object = self._stack_object(stack, stack_size)
        userspace = self.userspace
        if userspace is not None:
            userspace.adopt(thread, creator)
            if options & K_USER or (creator is not None and creator.user):
                try:
                    userspace.enter_user_mode(thread)  # the MPU may refuse its regions
                except Oops:
                    userspace.release(thread)
                    raise
            self._track_thread(thread, creator, options)
        thread.context = self._new_thread_context(thread, entry, parameters)
        self.threads[address] = thread
        self._write_stack_info(thread)
        if self.config.thread_monitor:
            self._monitor_add(thread)
        if named:
            self.write_thread_name(thread)
        self.trace("thread_create", thread=name, priority=priority)
        if delay_ticks == 0:
            self.make_ready(thread)
        elif delay_ticks != K_FOREVER_TICKS:
            thread.timeout = self.timeouts.arm(
                self.deadline_after_ticks(delay_ticks),
                lambda: self.start_thread(thread),
                f"start {name}",
            )
        return thread

    def _new_thread_context(self, thread: Thread, entry: int,
                            parameters: tuple[int, ...]) -> Context:
        """A context that starts `entry` through z_thread_entry at the top of the stack
        (less any random offset), in user mode for a user thread."""
        stack_top = self.stacks.prepare(thread)
        context = self.cpu.new_context(
            ThreadStart(
                entry=self.image.address_of("z_thread_entry"),
                stack_top=stack_top,
                arguments=(entry, *parameters),
                privileged=not thread.user,
                stack_limit=self.stacks.stack_limit(thread),
            )
        )
        view = thread.view if thread.view is not None else self.supervisor_view(thread)
        self.cpu.set_memory_view(context, view)
        return context

    def supervisor_view(self, thread: Thread | None) -> MemoryView:
        """What a supervisor thread (or, for None, a callback) may access."""
        config = self.config
        guard = self.stacks.guard_region(thread) if thread is not None else None
        return supervisor_view(config.code_region, config.ram_region,
                               config.execute_xor_write, config.null_guard_size, guard)

    def _write_stack_info(self, thread: Thread) -> None:
        if self.config.thread_stack_info:
            start, size = thread.stack_info
            self.write_thread_field(thread, "k_thread.stack_info_start", start)
            self.write_thread_field(thread, "k_thread.stack_info_size", size)
            self.write_thread_field(thread, "k_thread.stack_info_delta", thread.stack_delta)

    # ---- CONFIG_THREAD_MONITOR: the list k_thread_foreach walks ---------------------------

    def _monitor_add(self, thread: Thread) -> None:
        if thread.address == 0:
            return
        following = self.monitor[0].address if self.monitor else 0
        self.write_thread_field(thread, "k_thread.next_thread", following)
        self.monitor.insert(0, thread)
        self._write_monitor_head()

    def _monitor_remove(self, thread: Thread) -> None:
        if thread not in self.monitor:
            return
        index = self.monitor.index(thread)
        self.monitor.pop(index)
        following = self.monitor[index].address if index < len(self.monitor) else 0
        if index == 0:
            self._write_monitor_head()
        else:
            self.write_thread_field(self.monitor[index - 1], "k_thread.next_thread", following)

    def _write_monitor_head(self) -> None:
        head = self.image.symbols.get(_MONITOR_HEAD)
        if head is not None:
            first = self.monitor[0].address if self.monitor else 0
            self.memory.kernel_write_u32(head.address, first)

    def _stack_object(self, stack: int, stack_size: int) -> tuple[int, int]:
        """The stack as the MPU exposes it: the whole stack object when it is one."""
        entry = self.objects.entry(stack)
        if entry is not None and entry.kind == STACK_KIND and entry.size >= stack_size:
            return stack, entry.size
        return stack, stack_size

    def _track_thread(self, thread: Thread, creator: Thread | None, options: int) -> None:
        """The thread and its stack are in use; the thread may use itself, and with
        K_INHERIT_PERMS whatever its creator may."""
        entry = self.objects.entry(thread.address)
        if entry is None or entry.kind != Thread.KIND:
            entry = self.objects.declare(thread.address, Thread.KIND, 0, tracked=False)
        entry.state = thread
        entry.permissions.add(thread)
        stack = self.objects.entry(thread.stack_start)
        if stack is not None and stack.kind == STACK_KIND:
            stack.state = thread
        if creator is not None and options & K_INHERIT_PERMS:
            self.objects.inherit(creator, thread)

    def enter_user_mode(self, thread: Thread, entry: int, parameters: tuple[int, ...]) -> None:
        """k_thread_user_mode_enter: drop privileges for good and restart at `entry` on
        a fresh stack (without CONFIG_USERSPACE the thread just restarts there)."""
        if self.userspace is not None:
            self.userspace.enter_user_mode(thread)
        if thread.context is not None:
            self.cpu.release_context(thread.context)
        thread.context = self._new_thread_context(thread, entry, parameters)
        self._write_stack_info(thread)
        self.request_stop()

    def write_thread_field(self, thread: Thread, field_name: str, value: int) -> None:
        if thread.address:
            self.memory.kernel_write_u32(thread.address + FIELD_OFFSETS[field_name], value)

    def request_stop(self) -> None:
        """End the current thread's run after this system call (its context or view
        changed under it)."""
        self._stop_requested = True

    def write_thread_name(self, thread: Thread) -> None:
        if thread.address == 0 or not self.config.thread_names:
            return
        limit = self.config.thread_name_length
        encoded = thread.name.encode()[: limit - 1]
        field_offset = FIELD_OFFSETS["k_thread.name"]
        self.memory.kernel_write(thread.address + field_offset,
                                 encoded.ljust(limit, b"\0")[:32])

    def start_thread(self, thread: Thread) -> None:
        if thread.state is ThreadState.PRESTART:
            self.timeouts.cancel(thread.timeout)
            thread.timeout = None
            self.make_ready(thread)

    def make_ready(self, thread: Thread) -> None:
        thread.state = ThreadState.READY
        self.update_ready_queue(thread)

    def update_ready_queue(self, thread: Thread) -> None:
        if thread.is_runnable():
            self.ready.add(thread)
        else:
            self.ready.remove(thread)

    def set_priority(self, thread: Thread, priority: int) -> None:
        """Change the effective priority; a ready thread goes behind its new equals."""
        if thread.priority == priority:
            return
        thread.priority = priority
        if thread in self.ready:
            self.ready.remove(thread)
            self.ready.add(thread)

    def abort_thread(self, thread: Thread) -> None:
        if not thread.is_alive():
            return
        self._stop_waiting(thread)
        self.timeouts.cancel(thread.timeout)
        thread.timeout = None
        thread.state = ThreadState.DEAD
        self.ready.remove(thread)
        while (joiner := thread.joiners.pop_best()) is not None:
            self.wake(joiner, 0)
        if thread.context is not None:
            self.cpu.release_context(thread.context)
            thread.context = None
        if self.userspace is not None:
            self.userspace.release(thread)
        if self.config.thread_monitor:
            self._monitor_remove(thread)
        self.trace("thread_exit", thread=thread.name)

    # ---- blocking and waking -----------------------------------------------------------

    def pend(
        self,
        caller: Caller,
        queue: WaitQueue | None,
        timeout_ticks: int,
        timeout_result: int,
        wait_data: Any = None,
        on_timeout: Callable[[], None] | None = None,
    ) -> Blocked | int:
        """Block the caller on `queue` until woken, or until the timeout returns
        `timeout_result`.  An ISR cannot block: it gets `timeout_result` at once."""
        if caller.in_isr:
            return timeout_result
        thread = caller.thread
        thread.state = ThreadState.PENDING
        thread.waiting_on = queue
        thread.wait_data = wait_data
        if queue is not None:
            queue.add(thread)
        self.ready.remove(thread)
        if timeout_ticks != K_FOREVER_TICKS:

            def expire() -> None:
                self._stop_waiting(thread)
                if on_timeout is not None:
                    on_timeout()
                self.trace("timeout", thread=thread.name)
                self._resume_with(thread, timeout_result)

            thread.timeout = self.timeouts.arm(
                self.deadline_after_ticks(timeout_ticks), expire, f"wait {thread.name}"
            )
        return BLOCKED

    def sleep(self, thread: Thread, deadline: int | None) -> Blocked:
        thread.state = ThreadState.SLEEPING
        self.ready.remove(thread)
        if deadline is not None:
            thread.wake_deadline = deadline
            thread.timeout = self.timeouts.arm(
                deadline, lambda: self._resume_with(thread, 0), f"sleep {thread.name}"
            )
        return BLOCKED

    def wake(self, thread: Thread, result: int, high: int | None = None) -> None:
        """End a thread's wait (pending or sleeping) with `result` as its call's return."""
        self._stop_waiting(thread)
        self.timeouts.cancel(thread.timeout)
        thread.timeout = None
        self._resume_with(thread, result, high)

    def _resume_with(self, thread: Thread, result: int, high: int | None = None) -> None:
        if thread.context is not None:
            self.cpu.set_return_value(thread.context, result & 0xFFFFFFFF, high)
        thread.timeout = None
        self.make_ready(thread)

    def _stop_waiting(self, thread: Thread) -> None:
        queue = thread.waiting_on
        if isinstance(queue, WaitQueue):
            queue.remove(thread)
        thread.waiting_on = None
        thread.wait_data = None
        if self.objects.awaiting_free and self.userspace is not None:
            for orphan in self.objects.collect_awaiting():
                self.userspace.free_object(orphan)

    # ---- boot ------------------------------------------------------------------------

    def boot(self) -> None:
        from levante.kernel.boot import boot_system

        boot_system(self)

    def banner(self) -> None:
        if self.config.boot_banner:
            self.print(f"*** Booting Levante v{__version__} ***\n")

    # ---- the scheduler loop ----------------------------------------------------------

    def run(self, until: int | None = None) -> RunEnd:
        """Run until idle for good, halted, or simulated time reaches `until` cycles."""
        limit = until if until is not None else 1 << 62
        while self.halted_reason is None:
            if self.now >= limit:
                return RunEnd.TIME_LIMIT
            self._fire_due_timeouts()
            if self.halted_reason is not None:
                break
            self._reschedule()
            thread = self.current
            if thread is self.idle:
                deadline = self.timeouts.next_deadline()
                if deadline is None:
                    return RunEnd.IDLE
                if deadline >= limit:
                    self.now = max(self.now, limit)
                    return RunEnd.TIME_LIMIT
                self.now = max(self.now, deadline)
                continue
            if self.now >= limit:
                return RunEnd.TIME_LIMIT
            if thread.pending_fault is not None:
                self._raise_pending_fault(thread)
                continue
            stop_at = self._next_stop(limit)
            budget = max(1, stop_at - self.now)
            if thread.busy_cycles:
                spent = min(thread.busy_cycles, budget)
                thread.busy_cycles -= spent
                self.now += spent
                continue
            assert thread.context is not None
            self._run_base, self._run_costs, self._run_limit = self.now, 0, limit
            self._run_stop = stop_at
            self._stop_requested = False
            if thread.canary:
                self.stacks.before_run(thread)
            event = self.cpu.run(thread.context, budget, self._serve_inline)
            self.now = self._run_base + event.cycles + self._run_costs
            self._handle_thread_event(thread, event)
        return RunEnd.HALTED

    def _next_stop(self, limit: int) -> int:
        stop_at = limit
        deadline = self.timeouts.next_deadline()
        if deadline is not None:
            stop_at = min(stop_at, deadline)
        if self.slice_end is not None:
            stop_at = min(stop_at, self.slice_end)
        if not self.config.tickless:
            # The next tick interrupt: the first boundary strictly after now (a slice end
            # or limit that comes earlier still wins).
            next_tick = (self.now // self.cycles_per_tick + 1) * self.cycles_per_tick
            stop_at = min(stop_at, next_tick)
        return stop_at

    def _fire_due_timeouts(self) -> None:
        while self.halted_reason is None:
            due = self.timeouts.pop_due(self.now)
            if due is None:
                break
            due.action()
        if self.slice_end is not None and self.now >= self.slice_end:
            self._end_slice()

    def _end_slice(self) -> None:
        self.slice_end = None
        current = self.current
        if current.is_runnable() and self.slicing.applies_to(current):
            if self.ready.has_other_at_priority(current):
                self.trace("slice_end", thread=current.name)
            self.ready.move_to_back(current)

    def _reschedule(self) -> None:
        if self._yielding:
            self._yielding = False
            chosen = self.ready.best() or self.idle
        else:
            chosen = choose_next(self.current, self.ready, self.idle)
        if chosen is not self.current:
            self.trace("switch", **{"from": self.current.name, "to": chosen.name})
            self.current = chosen
            self.switch_count += 1
            self.now += costs.CONTEXT_SWITCH_CYCLES
            self._start_slice(chosen)
        elif self.slice_end is None:
            self._start_slice(chosen)

    def _start_slice(self, thread: Thread) -> None:
        if thread is not self.idle and self.slicing.applies_to(thread):
            self.slice_end = self.now + self.slicing.slice_ticks * self.cycles_per_tick
        else:
            self.slice_end = None

    def yield_current(self) -> None:
        self.ready.move_to_back(self.current)
        self._yielding = True

    # ---- events from the CPU ------------------------------------------------------------

    def _handle_thread_event(self, thread: Thread, event: StopEvent) -> None:
        caller = thread.caller
        if self.stacks.checks_on_stop and not self.stacks.sentinel_intact(thread):
            self.fatal_error(caller, K_ERR_STACK_CHK_FAIL,
                             "stack sentinel overwritten: stack overflow", event)
            return
        if thread.pending_fault is not None:
            self._raise_pending_fault(thread)
            return
        if event.kind is StopKind.BUDGET:
            return
        if event.kind is StopKind.WAIT_FOR_INTERRUPT:
            # WFI: the core sleeps until the next interrupt (a tick, a timeout, the slice
            # end or the end of the run); the thread keeps the CPU and goes on after it.
            self.now = max(self.now, self._run_stop)
            return
        if event.kind is StopKind.FAULT:
            fault = event.fault
            assert fault is not None and thread.context is not None
            if self.stacks.is_overflow(thread, fault, self.cpu.stack_pointer(thread.context)):
                self.fatal_error(caller, K_ERR_STACK_CHK_FAIL,
                                 f"stack overflow ({fault.description})", event)
            else:
                self.fatal_error(caller, K_ERR_CPU_EXCEPTION, fault.description, event)
        elif event.svc_number == SVC_SYSCALL:
            self._serve_syscall(caller, thread.context)
        elif event.svc_number == SVC_EXCEPT:
            assert thread.context is not None
            reason = self.cpu.syscall_registers(thread.context)[0]
            if caller.is_user:
                reason = user_raisable_reason(reason)
            description = ("stack smashing detected (canary)"
                           if reason == K_ERR_STACK_CHK_FAIL else "raised by the thread")
            self.fatal_error(caller, reason, description, event)
        else:
            self.fatal_error(
                caller, K_ERR_CPU_EXCEPTION, f"unexpected SVC #{event.svc_number}", event
            )

    def _serve_and_charge(self, caller: Caller, context: Context | None) -> None:
        """Serve one system call; Oops and MemoryAccessError leave nothing performed."""
        assert context is not None
        serve(self, caller, context)
        self.syscall_count += 1
        # Charged after serving: the call happened at the cycle the thread trapped
        # (and a call that halted the system never returns).
        if self.halted_reason is None:
            self.now += costs.SYSCALL_CYCLES

    def _serve_syscall(self, caller: Caller, context: Context | None) -> None:
        fault = self._serve_once(caller, context)
        if fault is not None:
            self.fatal_error(caller, fault.reason, fault.description, None, fault.cpu_fault)

    def _serve_once(self, caller: Caller, context: Context | None) -> PendingFault | None:
        """Serve one system call; a refusal (decode or validate) performs nothing and
        comes back as the fault the caller takes."""
        try:
            self._serve_and_charge(caller, context)
        except Oops as refused:
            return self.refusal_fault(context, refused)
        except MemoryAccessError as error:
            return PendingFault(K_ERR_CPU_EXCEPTION, f"kernel access failed: {error}")
        return None

    def refusal_fault(self, context: Context | None, refused: Oops) -> PendingFault:
        """The fault a thread takes for a refused call: an oops, or where the kernel's
        own access was refused by the MPU, the CPU exception hardware would raise."""
        if not isinstance(refused, MemoryFault):
            return PendingFault(refused.reason, refused.message)
        pc = self.cpu.exception_frame(context)[6] if context is not None else 0
        return PendingFault(refused.reason, refused.message, CpuFault(
            f"MPU fault: kernel {refused.access.value} access violation", pc,
            refused.address, refused.access))

    def resource_pool_of(self, caller: Caller) -> MemoryPool | None:
        """Where the kernel allocates for `caller`: its thread's resource pool, or the
        system pool for an ISR (Zephyr's z_thread_malloc)."""
        if caller.in_isr:
            return self.system_pool
        pool: MemoryPool | None = caller.thread.resource_pool
        return pool

    def fault_on_resume(self, thread: Thread, fault: PendingFault) -> None:
        """End `thread`'s wait with a fault it takes in its own context when it next
        runs (found while serving another thread, which must not fault for it)."""
        self._stop_waiting(thread)
        self.timeouts.cancel(thread.timeout)
        thread.timeout = None
        thread.pending_fault = fault
        self.make_ready(thread)

    def _raise_pending_fault(self, thread: Thread) -> None:
        fault = thread.pending_fault
        assert fault is not None
        thread.pending_fault = None
        self.fatal_error(thread.caller, fault.reason, fault.description, None, fault.cpu_fault)

    def _serve_inline(self, svc_number: int, cycles: int) -> int | None:
        """A system call served while the thread is still in the CPU backend; returns how
        much longer the thread may run, or None to take the ordinary path (faults run the
        fatal handler, which needs the CPU)."""
        if svc_number != SVC_SYSCALL or self.stacks.checks_on_stop:
            return None
        thread = self.current
        self.now = self._run_base + cycles + self._run_costs
        before = self.now
        ready_changes, armed, slice_end = self.ready.changes, self.timeouts.armed, self.slice_end
        fault = self._serve_once(thread.caller, thread.context)
        self._run_costs += self.now - before
        if fault is not None:
            # Served once, refused: the thread stops and takes the fault on the ordinary
            # path (the fatal handler needs the CPU), which serves nothing again.
            thread.pending_fault = fault
            return 0
        if (
            ready_changes == self.ready.changes
            and armed == self.timeouts.armed
            and slice_end == self.slice_end
            and self.halted_reason is None
            and not self._yielding
            and not thread.busy_cycles
            and not self._stop_requested
        ):
            # Nothing that decides who runs or when to stop has moved (the common case).
            return max(0, self._run_stop - self.now)
        if (
            self.halted_reason is not None
            or self._yielding
            or self._stop_requested
            or thread.busy_cycles
            or not thread.is_runnable()
            or choose_next(thread, self.ready, self.idle) is not thread
        ):
            return 0
        return max(0, self._next_stop(self._run_limit) - self.now)

    # ---- callbacks in interrupt context --------------------------------------------------

    def run_callback(self, function: int, arguments: tuple[int, ...], what: str) -> None:
        """Run a C function in interrupt context on the interrupt stack until it returns."""
        if self.halted_reason is not None:
            return
        stack = self.image.symbols["z_interrupt_stack"]
        self._run_callback(function, arguments, stack.address + stack.size, what)

    def _run_callback(self, function: int, arguments: tuple[int, ...], stack_top: int,
                      what: str) -> None:
        context = self.cpu.new_context(
            ThreadStart(
                entry=function,
                stack_top=stack_top & ~7,
                arguments=arguments,
                return_address=self.image.address_of("z_callback_return"),
            )
        )
        self.cpu.set_memory_view(context, self.supervisor_view(None))
        interrupted = self.current
        caller = Caller(interrupted, in_isr=True)
        self._in_callback += 1
        self.now += costs.INTERRUPT_ENTRY_CYCLES
        self.trace("isr", function=what)
        try:
            while self.halted_reason is None:
                event = self.cpu.run(context, 1 << 40)
                self.now += event.cycles
                if event.kind is StopKind.BUDGET:
                    continue
                if event.kind is StopKind.SVC and event.svc_number == SVC_CALLBACK_RETURN:
                    return
                if event.kind is StopKind.SVC and event.svc_number == SVC_SYSCALL:
                    self._serve_syscall(caller, context)
                    continue
                reason = (
                    self.cpu.syscall_registers(context)[0]
                    if event.kind is StopKind.SVC and event.svc_number == SVC_EXCEPT
                    else K_ERR_CPU_EXCEPTION
                )
                description = event.fault.description if event.fault else "raised in ISR"
                self.fatal_error(caller, reason, description, event)
                return
        finally:
            self._in_callback -= 1
            self.cpu.release_context(context)

    # ---- fatal errors -------------------------------------------------------------------

    def fatal_error(
        self, caller: Caller, reason: int, description: str, event: StopEvent | None,
        cpu_fault: CpuFault | None = None,
    ) -> None:
        """Report a fatal error, give the application's handler its say, then either halt
        or abort only the faulting thread (Zephyr's z_fatal_error)."""
        thread = caller.thread
        in_isr = caller.in_isr or self._in_callback > 0
        fault = event.fault if event is not None else cpu_fault
        context = thread.context
        frame = self.cpu.exception_frame(context) if context is not None and not in_isr else ()
        pc = fault.pc if fault is not None else (frame[6] if frame else 0)
        record = FaultRecord(thread.name, reason, description, pc, in_isr, fault)
        self.faults.append(record)
        self.now += costs.FAULT_CYCLES
        fields = record.to_trace()
        self.trace(str(fields.pop("event")), **fields)
        for line in record.report_lines():
            self.print(f"E: {line}\n")
        if self._in_fatal_handler:
            self.halt(reason)
            return
        self._call_fatal_handler(reason, frame)
        if self.halted_reason is not None:
            return
        if in_isr or thread.essential:
            where = "ISR" if in_isr else "essential thread"
            self.print(f"E: Attempted to recover from a fatal error in an {where}\n")
            self.halt(reason)
            return
        self.abort_thread(thread)

    def _call_fatal_handler(self, reason: int, frame: tuple[int, ...]) -> None:
        stack = self.image.symbols["z_interrupt_stack"]
        frame_address = (stack.address + stack.size - EXCEPTION_FRAME_BYTES) & ~7
        values = frame if frame else (0,) * 8
        self.memory.kernel_write(frame_address, struct.pack("<8I", *values))
        self._in_fatal_handler = True
        try:
            self._run_callback(
                self.image.address_of("k_sys_fatal_error_handler"),
                (reason, frame_address),
                frame_address,
                "k_sys_fatal_error_handler",
            )
        finally:
            self._in_fatal_handler = False

    def halt(self, reason: int) -> None:
        if self.halted_reason is None:
            self.print("E: Halting system\n")
            self.trace("halt", reason=reason)
            self.halted_reason = reason

