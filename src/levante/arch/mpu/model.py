"""What every MPU model checks, and the interface the kernel and tooling use to ask it.

Design: the kernel describes an unprivileged context's memory as a `MemoryView` (a tuple of
`AccessRegion`s in MPU order).  An `MpuModel` decides whether real hardware of that family
could be programmed with exactly that view, so an application that runs here would also run
on silicon.  The rules shared by all models live here; each architecture adds its own
alignment rules (`_check_shape`) and its overlap policy (`ALLOWS_OVERLAP`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from itertools import pairwise
from typing import ClassVar, NoReturn

from levante.arch.interface import AccessRegion, MemoryView

ADDRESS_SPACE_END = 2**32  # Cortex-M addresses are 32 bits; a region may not wrap past this
GRANULE = 32  # bytes: every Cortex-M MPU region starts and ends on this grid


def describe_region(region: AccessRegion) -> str:
    """A region as error messages name it: "region 'part0' at 0x20001010 (100 bytes)"."""
    label = f"region {region.name!r}" if region.name else "unnamed region"
    return f"{label} at {region.start:#x} ({region.size} bytes)"


class MpuError(Exception):
    """A memory view the MPU hardware cannot express; `message` says which region and why."""

    def __init__(self, message: str, regions: Sequence[AccessRegion] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.regions = tuple(regions)


class MpuModel(ABC):
    """One MPU family with a fixed number of regions."""

    name: ClassVar[str]
    # The finest address step any region boundary takes: the smallest region, PMSAv8's
    # grid, and the unit the emulated MPU enforces views in.
    GRANULE: ClassVar[int] = GRANULE
    MINIMUM_SIZE: ClassVar[int] = GRANULE
    # PMSAv7 resolves overlaps by region number; PMSAv8 faults on any address two regions hit.
    ALLOWS_OVERLAP: ClassVar[bool]
    # Whether the core has stack-limit registers (ARMv8-M MSPLIM/PSPLIM), so that stack
    # overflow protection needs no MPU guard region.
    HAS_STACK_LIMIT: ClassVar[bool]
    # How a region's size must be chosen, as errors state it.
    SIZE_RULE: ClassVar[str]

    def __init__(self, region_count: int) -> None:
        if region_count < 1:
            raise ValueError(f"an MPU needs at least one region, not {region_count}")
        self.region_count = region_count

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region_count={self.region_count})"

    def check_region(self, region: AccessRegion) -> None:
        """Raise MpuError unless one hardware region can describe `region` exactly."""
        if region.size <= 0:
            self._refuse(region, "a region needs a size greater than zero")
        if region.start < 0 or region.end > ADDRESS_SPACE_END:
            self._refuse(region, "a region must lie inside the 32-bit address space")
        self._check_shape(region)

    def layout(self, regions: Sequence[AccessRegion]) -> MemoryView:
        """Check that the regions, programmed in this order, fit the hardware; return them."""
        for region in regions:
            self.check_region(region)
        if len(regions) > self.region_count:
            raise MpuError(
                f"{len(regions)} regions needed but the {self.name} MPU has only "
                f"{self.region_count}",
                regions,
            )
        if not self.ALLOWS_OVERLAP:
            self._refuse_overlaps(regions)
        return tuple(regions)

    def placement(self, contents: int) -> tuple[int, int]:
        """(size, alignment) of the smallest region that holds `contents` bytes wherever
        the linker or an allocator may place it."""
        _, size = self.covering_region(0, max(contents, self.MINIMUM_SIZE))
        return size, self._alignment_for(size)

    def partition_capacity(self, fixed_regions: int) -> int:
        """Regions left for memory-domain partitions once `fixed_regions` are taken."""
        return max(0, self.region_count - fixed_regions)

    def is_expressible(self, start: int, size: int) -> bool:
        """Whether one region of this MPU can cover exactly [start, start + size)."""
        try:
            self.check_region(AccessRegion(start, size))
        except MpuError:
            return False
        return True

    def covering_region(self, start: int, size: int) -> tuple[int, int]:
        """The smallest (start, size) this MPU can express that covers [start, start + size)."""
        if size <= 0 or start < 0 or start + size > ADDRESS_SPACE_END:
            raise ValueError(
                f"cannot cover {size} bytes at {start:#x}: not a non-empty 32-bit range"
            )
        return self._cover(start, size)

    @abstractmethod
    def _check_shape(self, region: AccessRegion) -> None:
        """The architecture's own size and alignment rules for a sane, non-empty region."""

    @abstractmethod
    def _alignment_for(self, size: int) -> int:
        """The start alignment a region of `size` bytes needs."""

    @abstractmethod
    def _cover(self, start: int, size: int) -> tuple[int, int]:
        """covering_region for a range already known to be non-empty and in 32 bits."""

    def _refuse(self, region: AccessRegion, rule: str) -> NoReturn:
        raise MpuError(f"{describe_region(region)}: {rule}", (region,))

    def _refuse_overlaps(self, regions: Sequence[AccessRegion]) -> None:
        # Sorted by start, a region that overlaps any later one also overlaps its next
        # neighbour (which starts no later), so comparing neighbours finds every clash.
        by_start = sorted(regions, key=lambda region: region.start)
        for lower, upper in pairwise(by_start):
            if upper.start < lower.end:
                raise MpuError(
                    f"{describe_region(lower)} overlaps {describe_region(upper)}: "
                    f"{self.name} regions must not overlap",
                    (lower, upper),
                )
