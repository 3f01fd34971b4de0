"""The board's flash controller (Zephyr's flash driver): the flash calls and MCUboot's
public API reach the board's NOR flash and boot stage through its port."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from levante.kernel.flash_port import FlashPort
    from levante.kernel.kernel import Kernel


@dataclass
class FlashController:
    """A flash controller serving `port`."""

    port: FlashPort
    kind: str = "flash"
    kconfig: str = "FLASH"

    def attach(self, kernel: Kernel) -> None:
        kernel.flash = self.port
