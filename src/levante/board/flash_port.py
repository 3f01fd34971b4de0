"""The kernel's view of the board's flash: `FlashPort` (levante.kernel.flash_port) over
the NOR flash model and the boot stage's public API, with every change mirrored into
the CPU's memory map."""

from __future__ import annotations

from collections.abc import Callable

from levante.boot.bootloader import (
    BoardFlash,
    ImageSlotsOnFlash,
    boot_request_upgrade,
    boot_write_img_confirmed,
    pending_swap_type,
)
from levante.boot.flash import FlashError
from levante.boot.image import ImageInvalid, NotAnImage, parse_image
from levante.boot.layout import FlashLayout, partition_label
from levante.boot.trailer import Flag, Magic
from levante.kernel.flash_port import FlashPartitionInfo, FlashRefused


class BoardFlashPort:
    """The kernel's view of the board's flash (levante.kernel.flash_port.FlashPort).

    Threads may erase and program only the secondary slots: the boot stage and the
    running image are out of their reach. Every change is mirrored into the CPU's
    memory map, as a flash controller's memory-mapped reads would show it.
    """

    def __init__(self, board_flash: BoardFlash, layout: FlashLayout,
                 mirror: Callable[[int, bytes], None]) -> None:
        self._board = board_flash
        self._layout = layout
        self._mirror = mirror
        secondaries = {image.secondary for image in layout.images}
        self._partitions = tuple(
            FlashPartitionInfo(partition_label(part.name), part.offset, part.size,
                               part in secondaries)
            for part in layout.partitions())

    @property
    def base(self) -> int:
        return self._layout.flash_base

    @property
    def size(self) -> int:
        return self._layout.flash_size

    @property
    def sector_size(self) -> int:
        return self._layout.sector_size

    @property
    def write_alignment(self) -> int:
        return self._layout.write_alignment

    def partitions(self) -> tuple[FlashPartitionInfo, ...]:
        return self._partitions

    def read(self, offset: int, length: int) -> bytes:
        self._check_range(offset, length)
        return self._board.flash.read(offset, length)

    def erase(self, offset: int, length: int) -> None:
        self._check_writable(offset, length)
        if offset % self.sector_size or length % self.sector_size:
            raise FlashRefused(f"erase {offset:#x}+{length:#x} is not whole sectors")
        self._board.flash.erase(offset, length)
        self._refresh(offset, length)

    def program(self, offset: int, data: bytes) -> None:
        self._check_writable(offset, len(data))
        if offset % self.write_alignment or len(data) % self.write_alignment:
            raise FlashRefused(f"program {offset:#x}+{len(data):#x} is not aligned to "
                               f"{self.write_alignment} bytes")
        try:
            self._board.flash.program(offset, data)
        except FlashError as error:  # range and alignment are checked: only 0 → 1 is left
            raise FlashRefused(str(error), "EIO") from None
        self._refresh(offset, len(data))

    def confirm_image(self, image_index: int) -> bool:
        self._check_image(image_index)
        written = boot_write_img_confirmed(self._board, self._layout, image_index)
        self._refresh_slots(image_index)
        return written

    def image_confirmed(self, image_index: int) -> bool:
        self._check_image(image_index)
        state = ImageSlotsOnFlash(self._board, self._layout, image_index) \
            .primary_trailer.read()
        # Zephyr's boot_is_img_confirmed: an image programmed without a trailer (no magic)
        # can be neither reverted nor confirmed, so it counts as confirmed.
        return state.magic is Magic.UNSET or state.image_ok is Flag.SET

    def request_upgrade(self, image_index: int, permanent: bool) -> None:
        self._check_image(image_index)
        secondary = self._layout.images[image_index].secondary
        try:
            parse_image(self._board.flash.view()[secondary.offset:secondary.end],
                        self._layout.max_image_size(image_index))
        except (ImageInvalid, NotAnImage) as error:
            reason = error.reason if isinstance(error, ImageInvalid) else error.message
            raise FlashRefused(f"the secondary slot holds no image: {reason}") from None
        boot_request_upgrade(self._board, self._layout, permanent, image_index)
        self._refresh_slots(image_index)

    def swap_type(self, image_index: int) -> int:
        self._check_image(image_index)
        return int(pending_swap_type(self._board, self._layout, image_index))

    def _check_image(self, image_index: int) -> None:
        if not 0 <= image_index < len(self._layout.images):
            raise FlashRefused(f"no image {image_index}")

    def _check_range(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FlashRefused(f"{offset:#x}+{length:#x} is outside the flash")

    def _check_writable(self, offset: int, length: int) -> None:
        self._check_range(offset, length)
        if not any(part.writable and part.offset <= offset
                   and offset + length <= part.offset + part.size
                   for part in self._partitions):
            raise FlashRefused(f"{offset:#x}+{length:#x} is not in a partition threads may "
                               "write (only the secondary slots)", "EACCES")

    def _refresh(self, offset: int, length: int) -> None:
        self._mirror(self.base + offset, self._board.flash.read(offset, length))

    def _refresh_slots(self, image_index: int) -> None:
        slots = self._layout.images[image_index]
        for slot in (slots.primary, slots.secondary):
            self._refresh(slot.offset, slot.size)
