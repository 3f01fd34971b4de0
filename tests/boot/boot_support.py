"""Shared helpers for the boot tests: a small flash layout, signed images, fresh boards."""

from __future__ import annotations

import os
from dataclasses import dataclass

from levante.boot import (
    BoardFlash,
    BootResult,
    BootStage,
    FaultInjector,
    FlashLayout,
    ImageSlots,
    ImageVersion,
    Partition,
    SigningKey,
    SignOptions,
    development_signing_key,
    sign_image,
)
from levante.boot.image import Dependency
from levante.boot.trailer import Trailer

SECTOR = 512
WRITE_ALIGNMENT = 4


def small_layout(images: int = 1) -> FlashLayout:
    """Sectors of 512 bytes and 16-sector slots: a few KiB per image, few flash ops."""
    slots = []
    offset = 4 * SECTOR
    for index in range(images):
        primary = Partition(f"image{index}_primary", offset, 12 * SECTOR)
        secondary = Partition(f"image{index}_secondary", primary.end, 11 * SECTOR)
        slots.append(ImageSlots(primary, secondary))
        offset = secondary.end
    return FlashLayout(0, offset + 4 * SECTOR, SECTOR, WRITE_ALIGNMENT,
                       Partition("mcuboot", 0, 4 * SECTOR), tuple(slots), max_sectors=16,
                       counter_size=2 * SECTOR)


def make_image(version: str, key: SigningKey | None = None, size: int = 3000,
               security_counter: int | None = None,
               dependencies: tuple[Dependency, ...] = ()) -> bytes:
    return sign_image(os.urandom(size), key or development_signing_key(),
                      SignOptions(version=ImageVersion.parse(version), pad_header=True,
                                  header_size=0x80, security_counter=security_counter,
                                  dependencies=dependencies))


@dataclass
class Device:
    """A board's flash with a layout, and the keys its boot stage trusts."""

    layout: FlashLayout
    board: BoardFlash

    @classmethod
    def fresh(cls, layout: FlashLayout | None = None,
              faults: FaultInjector | None = None) -> Device:
        layout = layout or small_layout()
        return cls(layout, BoardFlash.open(layout, None, faults))

    def write(self, image: bytes, slot: str, index: int = 0) -> None:
        partition = getattr(self.layout.images[index], slot)
        padded = image + b"\xff" * (-len(image) % WRITE_ALIGNMENT)
        self.board.flash.erase(partition.offset, partition.size)
        self.board.flash.program(partition.offset, padded)

    def slot_bytes(self, slot: str, length: int, index: int = 0) -> bytes:
        partition = getattr(self.layout.images[index], slot)
        return self.board.flash.read(partition.offset, length)

    def trailer(self, slot: str, index: int = 0) -> Trailer:
        from levante.boot.bootloader import ImageSlotsOnFlash
        slots = ImageSlotsOnFlash(self.board, self.layout, index)
        return slots.primary_trailer if slot == "primary" else slots.secondary_trailer

    def boot(self, log: list[str] | None = None) -> BootResult:
        keys = [development_signing_key().trusted]
        printer = log.append if log is not None else None
        return BootStage(self.board, self.layout, keys, printer=printer).boot()

    def booted(self, index: int = 0) -> bytes:
        """The whole booted image (header, body, TLVs) as it sits in the primary slot."""
        result = self.boot()
        assert result.ok, result.log
        return self.slot_bytes("primary", result.images[index].verified.size, index)
