"""Threads from creation to exit: contexts, names, the monitor list, user mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import FIELD_OFFSETS, OPTION_SYMBOLS, STRUCT_SIZES, THREAD_OPTIONS
from levante.arch.interface import AccessKind, Context, ThreadStart
from levante.kernel.blocking import Blocking
from levante.kernel.fatal import Oops
from levante.kernel.objects.heap import Heap
from levante.kernel.objects.registry import STACK_KIND
from levante.kernel.objects.socket_poll import SocketPollWait
from levante.kernel.policy import ThreadStartEvent
from levante.kernel.thread import Thread, ThreadState

if TYPE_CHECKING:
    from levante.kernel.pool import MemoryPool

K_ESSENTIAL = THREAD_OPTIONS["K_ESSENTIAL"]
K_USER = THREAD_OPTIONS["K_USER"]
K_INHERIT_PERMS = THREAD_OPTIONS["K_INHERIT_PERMS"]
K_FOREVER_TICKS = -1

_MONITOR_HEAD = OPTION_SYMBOLS["THREAD_MONITOR"][0]


class ThreadLifecycle(Blocking):
    """Threads from creation to exit: contexts, names, the monitor list, user mode."""

    def threads_alive(self) -> list[Thread]:
        return [thread for thread in self.threads.values() if thread.is_alive()]

    def thread_at(self, address: int) -> Thread:
        thread = self.threads.get(address)
        if thread is None:
            raise Oops(f"{address:#x} is not a thread")
        return thread

    def check_thread_creation(self, address: int, stack: int, stack_size: int,
                              priority: int, options: int, creator: Thread | None) -> None:
        """Raise the Oops `create_thread` would raise, changing nothing (a system call's
        validation asks this, so that its perform stage cannot fail)."""
        self._unborn_thread(address, stack, stack_size, priority, options, "", creator)

    def _unborn_thread(self, address: int, stack: int, stack_size: int, priority: int,
                       options: int, name: str, creator: Thread | None) -> Thread:
        """The thread `create_thread` would make, checked, and not yet known anywhere.
        Raises Oops when it cannot exist."""
        problem = self.config.priority_problem(priority)
        if problem is not None:
            raise Oops(f"thread '{name or f'{address:#010x}'}': {problem}")
        existing = self.threads.get(address)
        if existing is not None and existing.is_alive():
            raise Oops(f"thread object {address:#x} is already in use")
        self.objects.check_not_another_live_object(address, Thread.KIND)
        if creator is not None:
            # The kernel will write the new struct k_thread: a struct the privileged map
            # may not write faults the creator.
            self.memory.check_privileged(creator.caller, address, STRUCT_SIZES["k_thread"],
                                         AccessKind.WRITE)
        thread = Thread(address, name or f"{address:#010x}", priority, options, None,
                        stack, stack_size)
        # Zephyr: a new thread inherits its creator's resource pool.  The threads the
        # kernel creates itself (main, K_THREAD_DEFINE's, the system work queue's) descend
        # from Zephyr's boot thread, which holds the system heap when there is one.
        thread.resource_pool = (creator.resource_pool if creator is not None
                                else self.system_pool)
        thread.stack_object = self._stack_object(stack, stack_size)
        if self.userspace is not None:
            becomes_user = bool(options & K_USER) or (creator is not None and creator.user)
            self.userspace.check_adoption(thread, creator, becomes_user)
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
        defines.  Raises Oops (nothing created) when the thread cannot exist: everything
        that can refuse is asked first."""
        thread = self._unborn_thread(address, stack, stack_size, priority, options, name,
                                     creator)
        userspace = self.userspace
        if userspace is not None:
            userspace.adopt(thread, creator)
            if options & K_USER or (creator is not None and creator.user):
                userspace.enter_user_mode(thread)
            self._track_thread(thread, creator, options)
            self._join_domain_memory(thread, creator)
        thread.context = self._new_thread_context(thread, entry, parameters)
        thread.entry = entry & ~1  # a Thumb function's address, as its symbol has it
        thread.creator_name = creator.name if creator is not None else ""
        self.threads[address] = thread
        self.security_domains.adopt(thread, creator)
        self._write_stack_info(thread)
        self.assign_resource_pool(thread, thread.resource_pool)
        if self.config.thread_monitor:
            self._monitor_add(thread)
        if name:
            self.write_thread_name(thread)
        self.trace("thread_create", thread=thread.name, priority=priority,
                   **self._domain_field(thread))
        self.mirror_thread_base(thread)
        if delay_ticks == 0:
            self.begin_thread(thread)
        elif delay_ticks != K_FOREVER_TICKS:
            thread.timeout = self.timeouts.arm(
                self.deadline_after_ticks(delay_ticks),
                lambda: self.start_thread(thread),
                f"start {name}",
            )
        return thread

    def _domain_field(self, thread: Thread) -> dict[str, str]:
        """The trace's `domain` of a thread, where the application declares domains."""
        if not self.security_domains.declared:
            return {}
        return {"domain": self.security_domains.of(thread).name}

    def _join_domain_memory(self, thread: Thread, creator: Thread | None) -> None:
        """An image thread begins in its security domain's memory, where the manifest
        gives the domain partitions (a created thread has its creator's memory)."""
        memory = self.security_domains.domain_for(thread, creator).memory
        userspace = self.userspace
        if creator is not None or memory is None or userspace is None:
            return
        if not userspace.fits(thread, memory.partitions):
            raise Oops(f"thread '{thread.name}': the MPU cannot give it its security "
                       "domain's partitions")
        userspace.move_to_domain(thread, memory)

    def start_thread(self, thread: Thread) -> None:
        """A delayed or K_FOREVER thread's start (its delay's end, k_thread_start)."""
        if thread.state is ThreadState.PRESTART:
            self.timeouts.cancel(thread.timeout)
            thread.timeout = None
            self.begin_thread(thread)

    def begin_thread(self, thread: Thread) -> None:
        """Make a new thread ready, unless the thread-start policy refuses it.  Zephyr's
        k_thread_create cannot fail, so a refused thread is created and ended before its
        first instruction: its creator holds a dead thread, and a join returns at once."""
        policy = self.thread_policy
        if policy is not None:
            refusal = policy.judge_start(ThreadStartEvent(
                thread.name, thread.entry, thread.priority, thread.user, thread.creator_name,
                self.security_domains.of(thread).name))
            if refusal is not None:
                self.trace("thread_refused", thread=thread.name, result=refusal,
                           **self._domain_field(thread))
                self.abort_thread(thread)
                return
        self.make_ready(thread)

    def _new_thread_context(self, thread: Thread, entry: int,
                            parameters: tuple[int, ...]) -> Context:
        """A context that starts `entry` through z_thread_entry at the top of the stack
        (less any random offset), in user mode for a user thread."""
        stack_top = self.stacks.prepare(thread)
        thread.privileged_map = None  # a new stack: worked out again when needed
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

    def _write_stack_info(self, thread: Thread) -> None:
        self.write_thread_field(thread, "k_thread.userspace_local_data", thread.local_data)
        if self.config.thread_stack_info:
            start, size = thread.stack_info
            self.write_thread_field(thread, "k_thread.stack_info_start", start)
            self.write_thread_field(thread, "k_thread.stack_info_size", size)
            self.write_thread_field(thread, "k_thread.stack_info_delta", thread.stack_delta)

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
        self.objects.claim_pending(thread)
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

    def assign_resource_pool(self, thread: Thread, pool: MemoryPool | None) -> None:
        """The pool the kernel allocates from on the thread's behalf; the struct k_thread
        shows the k_heap it belongs to (the system heap's is _system_heap)."""
        thread.resource_pool = pool
        heap = 0 if pool is None else next(
            (entry.address for entry in self.objects
             if isinstance(entry.state, Heap) and entry.state.pool is pool), 0)
        self.write_thread_field(thread, "k_thread.resource_pool", heap)

    def write_thread_field(self, thread: Thread, field_name: str, value: int) -> None:
        if thread.address:
            self.memory.kernel_write_u32(thread.address + FIELD_OFFSETS[field_name], value)

    def write_thread_name(self, thread: Thread) -> None:
        if thread.address == 0 or not self.config.thread_names:
            return
        limit = self.config.thread_name_length
        encoded = thread.name.encode()[: limit - 1]
        field_offset = FIELD_OFFSETS["k_thread.name"]
        self.memory.kernel_write(thread.address + field_offset,
                                 encoded.ljust(limit, b"\0")[:32])

    def abort_thread(self, thread: Thread) -> None:
        if not thread.is_alive():
            return
        if isinstance(thread.wait_data, SocketPollWait):
            # Its zsock_poll never returns: the sockets it polls forget it now, not at
            # their next change (a quiet one would keep every aborted poller's wait).
            thread.wait_data.unregister()
        self._stop_waiting(thread)
        self.timeouts.cancel(thread.timeout)
        thread.timeout = None
        for when_aborted in list(thread.on_abort.values()):
            when_aborted()
        thread.on_abort.clear()
        if thread.poll_wait is not None:  # its k_poll never returns: nothing goes back
            thread.poll_wait.abandon()
            thread.poll_wait = None
        thread.state = ThreadState.DEAD
        self.scheduler.thread_not_ready(thread)
        # Now, while its structure is surely still the thread's (it may be freed next).
        self.mirror_thread_base(thread)
        while (joiner := thread.joiners.pop_best()) is not None:
            self.wake(joiner, 0)
        if thread.context is not None:
            self.cpu.release_context(thread.context)
            thread.context = None
        if thread.elevated_from is not None:  # aborted inside an application call
            self.cpu.release_context(thread.elevated_from)
            thread.elevated_from = None
        if self.userspace is not None:
            self.userspace.release(thread)
        self.security_domains.release(thread)
        if self.config.thread_monitor:
            self._monitor_remove(thread)
        self.trace("thread_exit", thread=thread.name)

