"""What the kernel needs from the board's flash and boot stage: a port the system layer
attaches, so the kernel's flash driver and boot-control calls stay pure.

The system layer implements it over the NOR flash model and the boot stage
(levante.boot); the kernel's tests implement it over a bytearray.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class FlashRefused(Exception):
    """An operation the flash or the boot stage refused, with the errno a Zephyr driver
    would return: EINVAL (misaligned, out of range, no image to request), EACCES (a
    partition threads may not write: the boot stage, a running image) or EIO (a 0 bit
    programmed back to 1, which NOR flash cannot do)."""

    def __init__(self, message: str, errno: str = "EINVAL") -> None:
        super().__init__(message)
        self.errno = errno


@dataclass(frozen=True)
class FlashPartitionInfo:
    """One fixed partition of the board's flash (Zephyr's devicetree `fixed-partitions`).

    ``label`` is the devicetree node label (boot_partition, slot0_partition,
    slot1_partition, ...); ``writable`` says whether threads may erase and program it."""

    label: str
    offset: int
    size: int
    writable: bool


class FlashPort(Protocol):
    """The board's flash controller and the boot stage's public API (bootutil_public)."""

    @property
    def base(self) -> int:
        """Address at which the flash is mapped (offsets below are from here)."""

    @property
    def size(self) -> int: ...

    @property
    def sector_size(self) -> int:
        """Erase unit (Zephyr's flash page)."""

    @property
    def write_alignment(self) -> int:
        """Program unit (flash_get_write_block_size)."""

    def partitions(self) -> tuple[FlashPartitionInfo, ...]: ...

    def read(self, offset: int, length: int) -> bytes: ...

    def erase(self, offset: int, length: int) -> None:
        """Erase whole sectors; FlashRefused for a bad range or a protected partition."""

    def program(self, offset: int, data: bytes) -> None:
        """Program aligned bytes, 1→0 only; FlashRefused otherwise."""

    def confirm_image(self, image_index: int) -> bool:
        """boot_write_img_confirmed: mark the running image OK. True if written."""

    def image_confirmed(self, image_index: int) -> bool:
        """boot_is_img_confirmed: the running image's image_ok flag is set."""

    def request_upgrade(self, image_index: int, permanent: bool) -> None:
        """boot_request_upgrade: mark the secondary slot's image pending; FlashRefused
        if the slot holds no image."""

    def swap_type(self, image_index: int) -> int:
        """mcuboot_swap_type: what the next boot will do (BOOT_SWAP_TYPE_* values)."""
