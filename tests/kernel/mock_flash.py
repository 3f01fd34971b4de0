"""A FlashPort over a bytearray for the kernel's tests, and a mock system that attaches it.

The port keeps NOR rules (erase to 0xFF, program 1→0 only, alignment) and a small boot
state, and records every erase and program.  It does NOT refuse protected partitions:
the kernel's own check is what keeps the boot stage and the running image safe here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mock_cpu import OBJECT_AREA, OBJECT_SECTIONS, MockSystem

from levante.abi import KERNEL_OBJECT_TYPES, STATIC_SECTIONS
from levante.devices.flash import FlashController
from levante.kernel.flash_port import FlashPartitionInfo, FlashRefused
from levante.kernel.kernel import Kernel

FLASH_SIZE = 0x10000
SECTOR = 0x1000
WRITE_BLOCK = 4
BOOT = FlashPartitionInfo("boot_partition", 0x0000, 0x4000, False)
SLOT0 = FlashPartitionInfo("slot0_partition", 0x4000, 0x4000, False)
SLOT1 = FlashPartitionInfo("slot1_partition", 0x8000, 0x4000, True)
# 0xC000..0x10000 belongs to no partition.
# The flash controller's struct device: the first record of the image's device section.
FLASH_DEVICE = OBJECT_SECTIONS + OBJECT_AREA * list(STATIC_SECTIONS).index("device")
FLASH_CONTROLLER_REGISTERS = 0x4003_0000
SWAP_TYPE_NONE, SWAP_TYPE_TEST, SWAP_TYPE_PERM = 1, 2, 3


@dataclass
class BytearrayFlashPort:
    """FlashPort over a bytearray: an erased device with one image's boot state."""

    data: bytearray = field(default_factory=lambda: bytearray(b"\xff" * FLASH_SIZE))
    operations: list[tuple[str, int, int]] = field(default_factory=list)
    confirmed: bool = False
    pending: int = SWAP_TYPE_NONE
    base: int = 0x0800_0000
    size: int = FLASH_SIZE
    sector_size: int = SECTOR
    write_alignment: int = WRITE_BLOCK

    def partitions(self) -> tuple[FlashPartitionInfo, ...]:
        return (BOOT, SLOT0, SLOT1)

    def _check(self, offset: int, length: int, unit: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FlashRefused(f"{offset:#x}+{length:#x} is outside the flash")
        if offset % unit or length % unit:
            raise FlashRefused(f"{offset:#x}+{length:#x} is not aligned to {unit}")

    def read(self, offset: int, length: int) -> bytes:
        self._check(offset, length, 1)
        return bytes(self.data[offset:offset + length])

    def erase(self, offset: int, length: int) -> None:
        self._check(offset, length, self.sector_size)
        self.operations.append(("erase", offset, length))
        self.data[offset:offset + length] = b"\xff" * length

    def program(self, offset: int, data: bytes) -> None:
        self._check(offset, len(data), self.write_alignment)
        current = self.data[offset:offset + len(data)]
        if any(new & ~old & 0xFF for new, old in zip(data, current, strict=True)):
            raise FlashRefused("a 0 bit cannot be programmed back to 1", "EIO")
        self.operations.append(("program", offset, len(data)))
        self.data[offset:offset + len(data)] = data

    def confirm_image(self, image_index: int) -> bool:
        written = not self.confirmed
        self.confirmed = True
        return written

    def image_confirmed(self, image_index: int) -> bool:
        return self.confirmed

    def request_upgrade(self, image_index: int, permanent: bool) -> None:
        if self.data[SLOT1.offset:SLOT1.offset + 4] == b"\xff" * 4:
            raise FlashRefused("the secondary slot holds no image")
        self.pending = SWAP_TYPE_PERM if permanent else SWAP_TYPE_TEST

    def swap_type(self, image_index: int) -> int:
        return self.pending


class FlashSystem(MockSystem):
    """A mock system whose image has the flash controller device and whose kernel gets
    `port` (None: a system without flash)."""

    def __init__(self, port: BytearrayFlashPort | None, **config: Any) -> None:
        settings = {"flash": True, "flash_page_layout": True, "mcuboot_img_manager": True}
        super().__init__(**{**settings, **config})
        self.port = port
        device = self._static("device", {"kind": KERNEL_OBJECT_TYPES["K_OBJ_DRIVER_FLASH"],
                                         "address": FLASH_CONTROLLER_REGISTERS})
        assert device == FLASH_DEVICE

    def boot(self, trace: bool = True, observer: Any = None) -> Kernel:
        kernel = Kernel(self.cpu, self.config, self.layout(), self.console.extend,
                        self.trace.append if trace else None,
                        devices=[FlashController(self.port)])
        self.cpu.clock = lambda: kernel.now
        self._kernel = kernel
        kernel.boot()
        return kernel
