"""Device driver objects: the board's entropy device (Zephyr's K_OBJ_DRIVER_ENTROPY) and
its flash controller (K_OBJ_DRIVER_FLASH)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from levante.kernel.flash_port import FlashPort


class EntropyDevice:
    """The TRNG's `struct device`; its bytes come from the kernel's RandomService.

    A kernel object like any other: a user thread needs a grant to read it."""

    KIND: ClassVar[str] = "device_entropy"


@dataclass(eq=False)
class FlashDevice:
    """The flash controller's `struct device`, served through the port the system
    attached (None: the system runs without one, and every call says -ENODEV).

    A user thread needs a grant on it for the flash calls and for the boot-control
    calls, which write the same flash."""

    KIND: ClassVar[str] = "device_flash"

    port: FlashPort | None
