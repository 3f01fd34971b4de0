"""The image trailer at the end of each slot: swap status, swap size, swap info,
copy_done, image_ok and magic, laid out exactly as MCUboot lays them out.

MCUboot design.md, "Image trailer": from the end of the slot backwards come the magic
(16 bytes, in a block aligned to BOOT_MAX_ALIGN), then image_ok, copy_done, swap info
and swap size (one BOOT_MAX_ALIGN box each), then the swap status records
(max_sectors * 3 records of one write unit each).
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from levante.boot.flash import ERASED_BYTE, FlashArea

MAGIC_SIZE = 16
DEFAULT_MAX_SECTORS = 128
DEFAULT_MAX_ALIGN = 8
STATES_PER_SECTOR = 3
FLAG_SET = 0x01
WRITE_ALIGNMENTS = (1, 2, 4, 8, 16, 32)

# MCUboot design.md, "Image trailer": the magic for BOOT_MAX_ALIGN == 8, and the 14-byte
# pattern that follows a 16-bit alignment value for any other BOOT_MAX_ALIGN.
_MAGIC_ALIGN_8 = bytes.fromhex("77c295f360d2ef7f3552500f2cb67980")
_MAGIC_PATTERN = bytes.fromhex("2de15d29410b8d77679c110f1f8a")


class SwapType(enum.IntEnum):
    """MCUboot design.md, "Boot swap types"; the values stored in swap info bits 0-3."""

    NONE = 1
    TEST = 2
    PERM = 3
    REVERT = 4
    FAIL = 5
    PANIC = 0xFF


class Magic(enum.Enum):
    GOOD = "good"
    UNSET = "unset"
    BAD = "bad"


class Flag(enum.Enum):
    SET = "set"
    UNSET = "unset"
    BAD = "bad"


def align_up(value: int, alignment: int) -> int:
    return (value + alignment - 1) // alignment * alignment


def boot_magic(max_align: int) -> bytes:
    if max_align == DEFAULT_MAX_ALIGN:
        return _MAGIC_ALIGN_8
    return struct.pack("<H", max_align) + _MAGIC_PATTERN


@dataclass(frozen=True)
class TrailerGeometry:
    """Where each trailer field sits in a slot of ``slot_size`` bytes."""

    slot_size: int
    write_alignment: int = 1
    max_sectors: int = DEFAULT_MAX_SECTORS
    max_align: int | None = None

    def __post_init__(self) -> None:
        if self.write_alignment not in WRITE_ALIGNMENTS:
            raise ValueError(f"write alignment {self.write_alignment} is not one of "
                             f"{', '.join(map(str, WRITE_ALIGNMENTS))}")

    @property
    def box(self) -> int:
        """BOOT_MAX_ALIGN: imgtool's default is max(8, write alignment)."""
        return self.max_align or max(DEFAULT_MAX_ALIGN, self.write_alignment)

    @property
    def magic(self) -> bytes:
        return boot_magic(self.box)

    @property
    def magic_offset(self) -> int:
        return self.slot_size - MAGIC_SIZE

    @property
    def image_ok_offset(self) -> int:
        return self.slot_size - align_up(MAGIC_SIZE, self.box) - self.box

    @property
    def copy_done_offset(self) -> int:
        return self.image_ok_offset - self.box

    @property
    def swap_info_offset(self) -> int:
        return self.copy_done_offset - self.box

    @property
    def swap_size_offset(self) -> int:
        return self.swap_info_offset - self.box

    @property
    def status_offset(self) -> int:
        return self.swap_size_offset - self.max_sectors * STATES_PER_SECTOR * \
            self.write_alignment

    @property
    def size(self) -> int:
        """The trailer's size, as imgtool computes it for --pad and --slot-size."""
        return self.slot_size - self.status_offset

    def status_record_offset(self, sector_index: int, state: int) -> int:
        return self.status_offset + (sector_index * STATES_PER_SECTOR + state) * \
            self.write_alignment

    def padded_trailer(self, confirm: bool) -> bytes:
        """The trailer imgtool --pad writes: erased, the magic, and image_ok if confirmed."""
        trailer = bytearray([ERASED_BYTE]) * self.size
        trailer[-MAGIC_SIZE:] = self.magic
        if confirm:
            trailer[self.image_ok_offset - self.status_offset] = FLAG_SET
        return bytes(trailer)


@dataclass(frozen=True)
class TrailerState:
    """What a slot's trailer says, decoded."""

    magic: Magic
    image_ok: Flag
    copy_done: Flag
    swap_type: int  # bits 0-3 of swap info; 0xF when unset
    image_index: int
    swap_size: int | None


class Trailer:
    """Reads and programs the trailer of one slot on the flash."""

    def __init__(self, area: FlashArea, geometry: TrailerGeometry) -> None:
        self.area = area
        self.geometry = geometry

    def read(self) -> TrailerState:
        geometry = self.geometry
        magic_bytes = self.area.read(geometry.magic_offset, MAGIC_SIZE)
        if magic_bytes == geometry.magic:
            magic = Magic.GOOD
        elif magic_bytes.count(ERASED_BYTE) == MAGIC_SIZE:
            magic = Magic.UNSET
        else:
            magic = Magic.BAD
        swap_info = self.area.read(geometry.swap_info_offset, 1)[0]
        size_bytes = self.area.read(geometry.swap_size_offset, 4)
        swap_size = None if size_bytes == b"\xff" * 4 else struct.unpack("<I", size_bytes)[0]
        return TrailerState(magic, self._flag(geometry.image_ok_offset),
                            self._flag(geometry.copy_done_offset), swap_info & 0x0F,
                            swap_info >> 4, swap_size)

    def _flag(self, offset: int) -> Flag:
        value = self.area.read(offset, 1)[0]
        if value == FLAG_SET:
            return Flag.SET
        return Flag.UNSET if value == ERASED_BYTE else Flag.BAD

    def _program_field(self, offset: int, data: bytes) -> None:
        # Whole write units: the field's bytes over what the unit holds now (erased
        # padding stays erased, and nothing already programmed is asked to go back to 1).
        unit = self.geometry.write_alignment
        start = offset - offset % unit
        end = align_up(offset + len(data), unit)
        block = bytearray(self.area.read(start, end - start))
        block[offset - start:offset - start + len(data)] = data
        self.area.program(start, bytes(block))

    def write_magic(self) -> None:
        self._program_field(self.geometry.magic_offset, self.geometry.magic)

    def write_image_ok(self) -> None:
        self._program_field(self.geometry.image_ok_offset, bytes([FLAG_SET]))

    def write_copy_done(self) -> None:
        self._program_field(self.geometry.copy_done_offset, bytes([FLAG_SET]))

    def write_swap_info(self, swap_type: SwapType, image_index: int) -> None:
        self._program_field(self.geometry.swap_info_offset,
                            bytes([(image_index << 4) | int(swap_type)]))

    def write_swap_size(self, size: int) -> None:
        self._program_field(self.geometry.swap_size_offset, struct.pack("<I", size))

    def status_record(self, sector_index: int, state: int) -> bool:
        offset = self.geometry.status_record_offset(sector_index, state)
        return self.area.read(offset, 1)[0] != ERASED_BYTE

    def write_status_record(self, sector_index: int, state: int) -> None:
        # MCUboot design.md, "Swap status": record values 0x01, 0x02, 0x03 per state.
        self._program_field(self.geometry.status_record_offset(sector_index, state),
                            bytes([state + 1]))

    @property
    def first_sector(self) -> int:
        """The first sector holding any part of the trailer."""
        return self.geometry.status_offset // self.area.sector_size

    def erase(self) -> None:
        """Erase the sectors the trailer lives in (they hold nothing else)."""
        first = self.first_sector * self.area.sector_size
        self.area.erase(first, self.area.size - first)
