"""The ARMv7-M MPU (PMSAv7): power-of-two regions aligned to their own size.

Design note: PMSAv7 encodes a region as a base plus SIZE field (2**(SIZE+1) bytes), and the
base must be a multiple of that size.  Subregion disable bits could carve finer shapes, but
the kernel never programs them, so this model does not either.  Overlaps are legal: the
highest-numbered region wins, matching the order of a `MemoryView`.
"""

from __future__ import annotations

from levante.arch.interface import AccessRegion
from levante.arch.mpu.model import MpuModel


def _is_power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


class ArmV7mMpu(MpuModel):
    """PMSAv7 as found on Cortex-M3/M4/M7."""

    name = "ARMv7-M"
    ALLOWS_OVERLAP = True
    HAS_STACK_LIMIT = False
    SIZE_RULE = "a power of two"

    def _check_shape(self, region: AccessRegion) -> None:
        if region.size < self.MINIMUM_SIZE or not _is_power_of_two(region.size):
            self._refuse(
                region,
                f"{self.name} regions need a power-of-two size of at least "
                f"{self.MINIMUM_SIZE} bytes",
            )
        if region.start % region.size:
            self._refuse(
                region,
                f"{self.name} regions need a start address aligned to their size "
                f"({region.size:#x})",
            )

    def _alignment_for(self, size: int) -> int:
        return size

    def _cover(self, start: int, size: int) -> tuple[int, int]:
        end = start + size
        # Start from the smallest power of two that could hold the range, then double until
        # the aligned block containing `start` also reaches `end` (a range straddling a
        # large alignment boundary can need a block far bigger than itself).
        block = max(self.MINIMUM_SIZE, 1 << (size - 1).bit_length())
        while (start - start % block) + block < end:
            block *= 2
        return start - start % block, block
