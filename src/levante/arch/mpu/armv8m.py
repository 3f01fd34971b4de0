"""The ARMv8-M MPU (PMSAv8): regions on a 32-byte grid, which must not overlap.

Design note: PMSAv8 encodes a region as base and limit addresses with the low five bits
fixed, so any 32-byte-granular range is expressible.  An address hit by two enabled regions
raises a MemManage fault instead of picking a winner, so overlapping views are refused.
"""

from __future__ import annotations

from levante.arch.interface import AccessRegion
from levante.arch.mpu.model import MpuModel


class ArmV8mMpu(MpuModel):
    """PMSAv8 as found on Cortex-M23/M33/M55."""

    name = "ARMv8-M"
    ALLOWS_OVERLAP = False
    HAS_STACK_LIMIT = True
    SIZE_RULE = f"a multiple of {MpuModel.GRANULE}"

    def _check_shape(self, region: AccessRegion) -> None:
        granule = self.GRANULE
        if region.start % granule:
            self._refuse(
                region, f"{self.name} regions need a start address that is a multiple of {granule}"
            )
        if region.size % granule:
            self._refuse(
                region,
                f"{self.name} regions need a size that is a multiple of {granule} bytes",
            )

    def _alignment_for(self, size: int) -> int:
        return self.GRANULE

    def _cover(self, start: int, size: int) -> tuple[int, int]:
        granule = self.GRANULE
        base = start - start % granule
        limit = -(-(start + size) // granule) * granule  # end rounded up to the granule
        return base, limit - base
