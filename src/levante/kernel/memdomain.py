"""Memory domains and partitions, and the MPU view each user thread runs under.

A user thread may touch the application's code and read-only data (read/execute), its
own stack (read/write), and the partitions of its memory domain with the rights their
attributes give user mode (Zephyr's "Memory Domains").  The architecture's MPU model
turns that list into regions, or refuses what the hardware cannot express.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from levante.arch.interface import AccessRegion, MemoryView
from levante.arch.memview import ADDRESS_SPACE_END
from levante.arch.mpu import MpuError, MpuModel
from levante.sdk.abi import ERRNO, PARTITION_ACCESS_BITS

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


def thread_view(mpu: MpuModel, code: tuple[int, int], thread: Thread) -> MemoryView:
    """The regions of a user thread (raises MpuError when the MPU cannot express them)."""
    stack_start, stack_size = thread.stack_object
    regions = [
        AccessRegion(code[0], code[1], read=True, execute=True, name="code and rodata"),
        AccessRegion(stack_start, stack_size, read=True, write=True,
                     name=f"stack of '{thread.name}'"),
    ]
    if thread.domain is not None:
        regions += [partition.region() for partition in thread.domain.partitions]
    return mpu.layout(regions)
