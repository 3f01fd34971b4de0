"""Memory domains and partitions, and the MPU view each user thread runs under.

A user thread may touch the application's code and read-only data (read/execute), its
own stack (read/write), and the partitions of its memory domain with the rights their
attributes give user mode (Zephyr's "Memory Domains").  The architecture's MPU model
turns that list into regions, or refuses what the hardware cannot express.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from levante.abi import ERRNO, PARTITION_ACCESS_BITS
from levante.arch.interface import AccessRegion, MemoryView
from levante.arch.memview import ADDRESS_SPACE_END
from levante.arch.mpu import MpuError, MpuModel

if TYPE_CHECKING:
    from levante.kernel.thread import Thread

_U_READ = PARTITION_ACCESS_BITS["U_READ"]
_U_WRITE = PARTITION_ACCESS_BITS["U_WRITE"]
_U_EXECUTE = PARTITION_ACCESS_BITS["U_EXECUTE"]
_WRITABLE = PARTITION_ACCESS_BITS["U_WRITE"] | PARTITION_ACCESS_BITS["P_WRITE"]
_EXECUTABLE = PARTITION_ACCESS_BITS["U_EXECUTE"] | PARTITION_ACCESS_BITS["P_EXECUTE"]

# MPU regions every user thread uses besides its partitions: code/rodata, its stack.
FIXED_REGIONS = 2


@dataclass(frozen=True)
class Partition:
    """A struct k_mem_partition as the kernel copied it in."""

    start: int
    size: int
    attr: int
    name: str = ""

    @property
    def end(self) -> int:
        return self.start + self.size

    def overlaps(self, other: Partition) -> bool:
        return self.start < other.end and other.start < self.end

    def region(self) -> AccessRegion:
        return AccessRegion(
            self.start, self.size,
            read=bool(self.attr & _U_READ), write=bool(self.attr & _U_WRITE),
            execute=bool(self.attr & _U_EXECUTE),
            name=self.name or f"partition {self.start:#x}",
        )


@dataclass(eq=False)
class MemoryDomain:
    """A set of partitions shared by the threads that belong to it."""

    address: int
    partitions: list[Partition] = field(default_factory=list)
    threads: set[Thread] = field(default_factory=set)


@dataclass(frozen=True)
class DomainRules:
    """What add_partition enforces: the MPU, the slot count, W^X."""

    mpu: MpuModel
    max_partitions: int
    execute_xor_write: bool

    def partition_error(self, domain: MemoryDomain, partition: Partition) -> int:
        """0 or -EINVAL for a partition that may not join `domain` (Zephyr's
        check_add_partition, plus what this MPU can express)."""
        attr = partition.attr
        if self.execute_xor_write and attr & _WRITABLE and attr & _EXECUTABLE:
            return -ERRNO["EINVAL"]
        if partition.size == 0 or partition.end > ADDRESS_SPACE_END:
            return -ERRNO["EINVAL"]
        if any(partition.overlaps(existing) for existing in domain.partitions):
            return -ERRNO["EINVAL"]
        try:
            self.mpu.check_region(partition.region())
        except MpuError:
            return -ERRNO["EINVAL"]
        return 0


def thread_view(mpu: MpuModel, code: tuple[int, int], thread: Thread,
                null_guard: int = 0, partitions: list[Partition] | None = None) -> MemoryView:
    """The regions of a user thread with its domain's partitions, or with `partitions`
    when given (what a change would make of it); raises MpuError when the MPU cannot
    express them."""
    stack_start, stack_size = thread.stack_object
    regions = [
        *code_regions(mpu, code, null_guard),
        AccessRegion(stack_start, stack_size, read=True, write=True,
                     name=f"stack of '{thread.name}'"),
    ]
    if partitions is None and thread.domain is not None:
        partitions = thread.domain.partitions
    regions += [partition.region() for partition in partitions or ()]
    return mpu.layout(regions)


def code_regions(mpu: MpuModel, code: tuple[int, int], null_guard: int) -> list[AccessRegion]:
    """Flash, read and execute only, with the null-pointer guard at its start: a region
    of its own over the flash region where regions may overlap (PMSAv7, the higher
    number wins), the flash region starting after the guard where they may not."""
    base, size = code
    if not null_guard:
        return [AccessRegion(base, size, read=True, execute=True, name="code and rodata")]
    guard = AccessRegion(base, null_guard, read=False, name="null pointer guard")
    if mpu.ALLOWS_OVERLAP:
        return [AccessRegion(base, size, read=True, execute=True, name="code and rodata"),
                guard]
    return [AccessRegion(base + null_guard, size - null_guard, read=True, execute=True,
                         name="code and rodata")]


def fixed_region_count(mpu: MpuModel, null_guard: int) -> int:
    """MPU regions a user thread uses besides its partitions."""
    return len(code_regions(mpu, (0, 1 << 20), null_guard)) + 1


@lru_cache(maxsize=64)
def supervisor_view(code: tuple[int, int], ram: tuple[int, int], execute_xor_write: bool,
                    null_guard: int, stack_guard: tuple[int, int] | None) -> MemoryView:
    """What a supervisor thread may touch (the privileged background map, Zephyr's
    static MPU regions): flash read/execute and never writable, SRAM read/write and,
    with EXECUTE_XOR_WRITE, not executable; minus the null-pointer guard and the
    thread's stack guard, which nothing may touch.  Cached: threads without a guard share
    one view, which keeps switches between them free."""
    regions = [
        AccessRegion(code[0], code[1], read=True, execute=True, name="flash"),
        AccessRegion(ram[0], ram[1], read=True, write=True, execute=not execute_xor_write,
                     name="sram"),
    ]
    if null_guard:
        regions.append(AccessRegion(code[0], null_guard, read=False, name="null pointer guard"))
    if stack_guard is not None:
        regions.append(AccessRegion(stack_guard[0], stack_guard[1], read=False,
                                    name="stack guard"))
    return tuple(regions)
