"""User mode bookkeeping: thread slots, privileged stacks, MPU views, domains, dynamic objects.

Only built when CONFIG_USERSPACE is on.  Threads have slots, as Zephyr numbers thread
objects for its permission bitmaps (8 * MAX_THREAD_BYTES of them): each thread object of
the image is given one at boot (Zephyr's build-time numbering), a thread object from
k_object_alloc when it is allocated (none left: the allocation fails), and any other
thread while it runs.  The slot also picks the thread's privileged stack in
`z_priv_stacks`; `_thread_idx_map`, when the image has it, shows the free ones.

A user thread's view is recomputed whenever its domain changes, and takes effect before
it next executes an instruction.
"""

from __future__ import annotations

import re
import struct
from typing import TYPE_CHECKING

from levante.abi import BSS_ZERO_SECTION, STRUCT_SIZES, THREAD_OPTIONS
from levante.arch.interface import MemoryView
from levante.arch.mpu import MpuError, mpu_for
from levante.kernel.fatal import Oops
from levante.kernel.memdomain import (
    DomainRules,
    MemoryDomain,
    Partition,
    fixed_region_count,
    thread_view,
)
from levante.kernel.object_records import ObjectRecords, record_size
from levante.kernel.objects.registry import STACK_KIND, Disarmable, KernelObject, OwnsMemory
from levante.kernel.pool import MemoryPool
from levante.kernel.resources import allocate_block, release_block, release_owned
from levante.kernel.thread import Thread

K_USER = THREAD_OPTIONS["K_USER"]
K_ESSENTIAL = THREAD_OPTIONS["K_ESSENTIAL"]

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel

_PARTITION_SYMBOL = re.compile(r"z_data_smem_(\w+)_part_start")


class UserSpace:
    """The kernel's user-mode state."""

    def __init__(self, kernel: Kernel) -> None:
        config = kernel.config
        self.kernel = kernel
        self.mpu = mpu_for(config.mpu_model, config.mpu_regions)
        self.rules = DomainRules(
            self.mpu,
            min(config.max_domain_partitions, self.mpu.partition_capacity(
                fixed_region_count(self.mpu, config.null_guard_size))),
            config.execute_xor_write,
        )
        self.domains: dict[int, MemoryDomain] = {}
        self.default_domain = MemoryDomain(0)
        self._free_slots = list(range(config.max_threads))
        # Thread objects that own a slot whether a thread runs on them or not: the image's
        # (K_THREAD_DEFINE, main, globals) and those k_object_alloc gave.
        self._object_slots: dict[int, int] = {}
        granule = self.mpu.GRANULE
        self.privileged_stack_size = -(-config.privileged_stack_size // granule) * granule
        self.privileged_stacks = 0
        # Application shared memory: kernel objects placed there are not kernel objects.
        self.shared_memory: list[tuple[int, int]] = []
        # The struct k_object records k_object_find hands out (none without the runtime's).
        self.object_records = ObjectRecords(0, 0, 0)

    # ---- boot --------------------------------------------------------------------------

    def boot(self) -> None:
        kernel, symbols = self.kernel, self.kernel.image.symbols
        self._zero_partition_bss()
        for name, symbol in symbols.items():
            match = _PARTITION_SYMBOL.fullmatch(name)
            size_symbol = symbols.get(f"z_data_smem_{match.group(1)}_part_size") if match else None
            if size_symbol is not None:
                self.shared_memory.append((symbol.address, symbol.address + size_symbol.address))
        default = symbols.get("k_mem_domain_default")
        self.default_domain = MemoryDomain(default.address if default else 0)
        self.domains[self.default_domain.address] = self.default_domain
        libc = symbols.get("z_libc_partition")
        if libc is not None:
            partition = self.read_partition(libc.address, "z_libc_partition")
            if partition.size:
                self.default_domain.partitions.append(partition)
        image_threads = sorted(symbol.address for symbol in kernel.image.kernel_objects
                               if symbol.kind == "k_thread")
        for address in image_threads[:len(self._free_slots)]:
            self._object_slots[address] = self._free_slots.pop(0)
        map_symbol = symbols.get("_thread_idx_map")
        self._slot_map = map_symbol.address if map_symbol is not None else 0
        self._write_slot_map()
        stacks = symbols.get("z_priv_stacks")
        self.privileged_stacks = stacks.address if stacks else 0
        records = symbols.get("z_object_records")
        if records is not None:
            size = record_size(kernel.config.max_thread_bytes)
            self.object_records = ObjectRecords(records.address, records.size // size, size)

    def _zero_partition_bss(self) -> None:
        section = self.kernel.image.section(BSS_ZERO_SECTION)
        if section is None:
            return
        table = self.kernel.memory.kernel_read(section.address, section.size)
        for start, size in struct.iter_unpack("<II", table[: len(table) // 8 * 8]):
            if size:
                self.kernel.memory.kernel_write(start, bytes(size))

    def is_shared_memory(self, address: int) -> bool:
        return any(start <= address < end for start, end in self.shared_memory)

    def read_partition(self, address: int, name: str = "") -> Partition:
        """Copy a struct k_mem_partition in (supervisor-only callers pass these)."""
        data = self.kernel.memory.kernel_read(address, STRUCT_SIZES["k_mem_partition"])
        start, size, attr = struct.unpack("<III", data)
        return Partition(start, size, attr, name or f"partition {address:#x}")

    # ---- threads -------------------------------------------------------------------------

    def check_adoption(self, thread: Thread, creator: Thread | None, user: bool) -> None:
        """Raise the Oops `adopt` (and, for a thread that will be a user thread,
        `enter_user_mode`) would raise for this new thread, changing nothing."""
        if thread.address not in self._object_slots and not self._free_slots:
            raise Oops(
                f"no free thread slot for '{thread.name}' (CONFIG_MAX_THREAD_BYTES allows "
                f"{self.kernel.config.max_threads} thread objects, and the image's own and "
                "the allocated ones keep theirs)"
            )
        if user:
            self.user_view(thread, self._domain_for(creator).partitions)

    def user_view(self, thread: Thread, partitions: list[Partition] | None = None) -> MemoryView:
        """`thread`'s view as a user thread; Oops when the MPU cannot express it."""
        try:
            return self.view_of(thread, partitions)
        except MpuError as error:
            raise Oops(f"thread '{thread.name}': {error.message}") from None

    def _domain_for(self, creator: Thread | None) -> MemoryDomain:
        """A new thread's domain: its creator's (the default one at boot)."""
        domain = creator.domain if creator is not None and creator.domain else None
        return domain or self.default_domain

    def adopt(self, thread: Thread, creator: Thread | None) -> None:
        """A new thread (`check_adoption` passed): a slot, its creator's domain."""
        self.check_adoption(thread, creator, user=False)
        slot = self._object_slots.get(thread.address)
        if slot is None:
            slot = self._free_slots.pop(0)
            self._write_slot_map()
        thread.slot = slot
        self.join_domain(thread, self._domain_for(creator))

    def _return_slot(self, slot: int) -> None:
        self._free_slots.append(slot)
        self._free_slots.sort()
        self._write_slot_map()

    def _write_slot_map(self) -> None:
        """Zephyr's _thread_idx_map: one bit per slot, set while it is free."""
        if not self._slot_map:
            return
        bits = sum(1 << slot for slot in self._free_slots)
        size = self.kernel.config.max_thread_bytes
        self.kernel.memory.kernel_write(self._slot_map, bits.to_bytes(size, "little"))

    def enter_user_mode(self, thread: Thread) -> None:
        """Make `thread` a user thread: its privileged stack, its MPU view (the caller
        asked `user_view` first, or takes its Oops)."""
        view = self.user_view(thread)
        thread.user = True
        # Zephyr's user mode entry: K_USER set, K_ESSENTIAL cleared (base.user_options).
        thread.options = (thread.options | K_USER) & ~K_ESSENTIAL
        self.kernel.mirror_thread_base(thread)
        if thread.slot is not None and self.privileged_stacks:
            start = self.privileged_stacks + thread.slot * self.privileged_stack_size
            self.kernel.write_thread_field(thread, "k_thread.priv_stack_start", start)
        thread.view = view

    def view_of(self, thread: Thread, partitions: list[Partition] | None = None) -> MemoryView:
        """The MPU view of a user thread now, or with `partitions` in place of its
        domain's (raises MpuError if it cannot be expressed)."""
        config = self.kernel.config
        return thread_view(self.mpu, config.code_region, thread, config.null_guard_size,
                           partitions)

    def privileged_stack_for_stack(self, stack: KernelObject) -> int:
        """Where the privileged stack of a thread on the stack object `stack` starts:
        the one of the thread on it now, or else the one the next thread created gets
        (privileged stacks go by thread slot); 0 when there is none."""
        thread = stack.state
        slot = thread.slot if isinstance(thread, Thread) else (
            self._free_slots[0] if self._free_slots else None)
        if slot is None or not self.privileged_stacks:
            return 0
        return self.privileged_stacks + slot * self.privileged_stack_size

    def privileged_stack_of(self, thread: Thread) -> tuple[int, int]:
        """(start, size) of the privileged stack of a user thread's slot."""
        if thread.slot is None or not self.privileged_stacks:
            raise Oops(f"thread '{thread.name}' has no privileged stack")
        start = self.privileged_stacks + thread.slot * self.privileged_stack_size
        return start, self.privileged_stack_size

    def refresh_view(self, thread: Thread) -> None:
        """Recompute a user thread's view after its domain changed; the running thread
        stops so that the new view applies before its next instruction."""
        if not thread.user or not thread.is_alive():
            return
        thread.view = self.view_of(thread)
        # Elevated in an application-defined call, the user context is the one set aside.
        user_context = thread.elevated_from or thread.context
        if user_context is not None:
            self.kernel.cpu.set_memory_view(user_context, thread.view)
        if thread is self.kernel.current:
            self.kernel.request_stop()

    def fits(self, thread: Thread, partitions: list[Partition]) -> bool:
        """Whether the MPU can express `thread`'s view with these partitions (a thread
        that is not a live user thread has no view to express)."""
        if not thread.user or not thread.is_alive():
            return True
        try:
            self.view_of(thread, partitions)
        except MpuError:
            return False
        return True

    def partitions_fit(self, domain: MemoryDomain, partitions: list[Partition]) -> bool:
        """Whether every member of `domain` could have these partitions (pure)."""
        return all(self.fits(thread, partitions) for thread in domain.threads)

    def change_partitions(self, domain: MemoryDomain, partitions: list[Partition]) -> None:
        """Give `domain` these partitions (`partitions_fit` said the MPU can express
        them); every member's view changes at once."""
        domain.partitions = partitions
        for thread in list(domain.threads):
            self.refresh_view(thread)

    def move_to_domain(self, thread: Thread, domain: MemoryDomain) -> None:
        """k_mem_domain_add_thread (`fits` said the MPU can express the new view)."""
        self.join_domain(thread, domain)
        self.refresh_view(thread)

    def join_domain(self, thread: Thread, domain: MemoryDomain) -> None:
        if thread.domain is not None:
            thread.domain.threads.discard(thread)
        thread.domain = domain
        domain.threads.add(thread)
        self.kernel.write_thread_field(thread, "k_thread.mem_domain", domain.address)

    def release(self, thread: Thread) -> None:
        """A thread exited: its permissions, slot, domain membership and stack go."""
        kernel = self.kernel
        for orphan in kernel.objects.forget_thread(thread):
            self.free_object(orphan)
        if thread.slot is not None:
            if self._object_slots.get(thread.address) != thread.slot:
                self._return_slot(thread.slot)
            thread.slot = None
        if thread.domain is not None:
            thread.domain.threads.discard(thread)
        for address in (thread.address, thread.stack_object[0]):
            entry = kernel.objects.entry(address)
            if entry is not None and entry.state is thread:
                entry.state = None  # k_object_uninit: the object may be used again
                if kernel.objects.is_orphan(entry):
                    self.free_object(entry)

    # ---- dynamic objects -------------------------------------------------------------------

    def allocate_object(self, kind: str, size: int,
                        pool: MemoryPool | None) -> KernelObject | None:
        """A zeroed dynamic object from `pool` (the caller's resource pool), or None.  A
        thread object takes a free slot (Zephyr's thread index): none left, no object."""
        if pool is None or (kind == Thread.KIND and not self._free_slots):
            return None
        alignment = 8
        if kind == STACK_KIND:
            # A stack must be an MPU region of its own.
            size, alignment = self.mpu.placement(size)
        address = allocate_block(self.kernel.memory, pool, size, alignment)
        if address is None:
            return None
        if kind == Thread.KIND:
            self._object_slots[address] = self._free_slots.pop(0)
            self._write_slot_map()
        return self.kernel.objects.declare(address, kind, size, dynamic=True, pool=pool)

    def free_object(self, entry: KernelObject) -> None:
        """Free a dynamic object and what it owns: its address is never valid again for
        the threads that held it, and its memory goes back to its pool zeroed."""
        if not entry.dynamic or entry.pool is None:
            return
        memory = self.kernel.memory
        if isinstance(entry.state, Disarmable):
            entry.state.disarm(self.kernel.timeouts)
        if isinstance(entry.state, OwnsMemory):
            release_owned(memory, entry.state)
        self.kernel.objects.remove(entry.address)
        self.kernel.objects.awaiting_free.discard(entry)
        entry.state = None  # gone: a handle to it is dead (handles.py)
        slot = self._object_slots.pop(entry.address, None)
        if slot is not None:
            self._return_slot(slot)
        release_block(memory, entry.pool, entry.address)
