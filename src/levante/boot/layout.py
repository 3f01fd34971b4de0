"""Flash partitions of a board: the boot stage, and a primary and secondary slot for
each image, plus the geometry facts (sector size, write alignment) the trailer needs.

Boards do not describe partitions yet; `default_layout` derives one from the board's
flash size, the way a Zephyr devicetree would give MCUboot its fixed partitions.
"""

from __future__ import annotations

from dataclasses import dataclass

from levante.boot.trailer import DEFAULT_MAX_SECTORS, TrailerGeometry
from levante.config.board import Board
from levante.errors import LevanteError

DEFAULT_SECTOR_SIZE = 4096
DEFAULT_WRITE_ALIGNMENT = 4
DEFAULT_BOOTLOADER_SIZE = 0x10000
DEFAULT_COUNTER_SIZE = 4096  # the one-way security counters live on their own small device


class LayoutError(LevanteError):
    """A flash layout that cannot work: overlapping or misaligned partitions."""


@dataclass(frozen=True)
class Partition:
    name: str
    offset: int
    size: int

    @property
    def end(self) -> int:
        return self.offset + self.size


_PARTITION_LABELS = {"mcuboot": "boot_partition"}


def partition_label(name: str) -> str:
    """The devicetree label of a partition: boot_partition, slot0_partition,
    slot1_partition, ... (image N's primary slot is slot 2N, its secondary slot 2N + 1,
    as Zephyr's multi-image boards number them)."""
    if name in _PARTITION_LABELS:
        return _PARTITION_LABELS[name]
    image, _, slot = name.removeprefix("image").partition("_")
    return f"slot{2 * int(image) + (slot == 'secondary')}_partition"


@dataclass(frozen=True)
class ImageSlots:
    primary: Partition
    secondary: Partition


@dataclass(frozen=True)
class FlashLayout:
    """Offsets are from the start of the flash device; ``flash_base`` is its address."""

    flash_base: int
    flash_size: int
    sector_size: int
    write_alignment: int
    bootloader: Partition
    images: tuple[ImageSlots, ...]
    max_sectors: int = DEFAULT_MAX_SECTORS
    counter_size: int = DEFAULT_COUNTER_SIZE

    def partitions(self) -> tuple[Partition, ...]:
        """The boot stage's partition and every image slot, in flash order."""
        slots = [slot for image in self.images for slot in (image.primary, image.secondary)]
        return tuple(sorted([self.bootloader, *slots], key=lambda part: part.offset))

    def __post_init__(self) -> None:
        partitions = self.partitions()
        for partition in partitions:
            if partition.offset % self.sector_size or partition.size % self.sector_size \
                    or partition.size <= 0:
                raise LayoutError(f"partition '{partition.name}' is not whole sectors")
            if partition.end > self.flash_size:
                raise LayoutError(f"partition '{partition.name}' runs past the flash end")
        for lower, upper in zip(partitions, partitions[1:], strict=False):
            if lower.end > upper.offset:
                raise LayoutError(f"partitions '{lower.name}' and '{upper.name}' overlap")
        for image in self.images:
            if image.primary.size < image.secondary.size:
                raise LayoutError("swap-using-move needs a primary slot at least as large "
                                  "as the secondary slot")
            if image.primary.size // self.sector_size > self.max_sectors:
                raise LayoutError(f"slot of {image.primary.size // self.sector_size} "
                                  f"sectors exceeds max_sectors {self.max_sectors}")
        if self.counter_size % self.sector_size or self.counter_size <= 0:
            raise LayoutError("the security counter device must be whole sectors")

    def trailer(self, slot: Partition) -> TrailerGeometry:
        return TrailerGeometry(slot.size, self.write_alignment, self.max_sectors)

    def max_image_size(self, image_index: int = 0) -> int:
        """What an image (header, body, TLVs) may occupy to be swapped."""
        slots = self.images[image_index]
        primary_free = _first_trailer_sector(self.trailer(slots.primary), self.sector_size) - 1
        secondary_free = _first_trailer_sector(self.trailer(slots.secondary), self.sector_size)
        return min(primary_free, secondary_free) * self.sector_size

    def load_address(self, image_index: int, header_size: int) -> int:
        """Where the application code of an image starts once booted (execute in place)."""
        return self.flash_base + self.images[image_index].primary.offset + header_size


def _first_trailer_sector(geometry: TrailerGeometry, sector_size: int) -> int:
    return geometry.status_offset // sector_size


def default_layout(board: Board, images: int = 1) -> FlashLayout:
    """The boot stage first, then each image's primary slot (one sector larger, for
    swap-using-move) and secondary slot, splitting what is left of the flash."""
    sector = DEFAULT_SECTOR_SIZE
    flash_size = board.flash.size
    free_sectors = (flash_size - DEFAULT_BOOTLOADER_SIZE) // sector
    secondary_sectors = min((free_sectors // images - 1) // 2, DEFAULT_MAX_SECTORS - 1)
    if secondary_sectors < 2:
        raise LayoutError(f"{flash_size} bytes of flash are too few for {images} image(s)")
    offset = DEFAULT_BOOTLOADER_SIZE
    slots = []
    for index in range(images):
        primary = Partition(f"image{index}_primary", offset, (secondary_sectors + 1) * sector)
        secondary = Partition(f"image{index}_secondary", primary.end,
                              secondary_sectors * sector)
        slots.append(ImageSlots(primary, secondary))
        offset = secondary.end
    return FlashLayout(board.flash.base, flash_size, sector, DEFAULT_WRITE_ALIGNMENT,
                       Partition("mcuboot", 0, DEFAULT_BOOTLOADER_SIZE), tuple(slots))
