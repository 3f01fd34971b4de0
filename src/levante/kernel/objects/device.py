"""Device driver objects: the board's entropy device (Zephyr's K_OBJ_DRIVER_ENTROPY)."""

from __future__ import annotations

from typing import ClassVar


class EntropyDevice:
    """The TRNG's `struct device`; its bytes come from the kernel's RandomService.

    A kernel object like any other: a user thread needs a grant to read it."""

    KIND: ClassVar[str] = "device_entropy"
