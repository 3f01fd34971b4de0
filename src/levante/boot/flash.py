"""NOR flash model: sector erase to 0xFF, programs that only clear bits, and power cuts.

A device is a byte array that can be persisted to a file, one file per device, so that
its contents survive from one run to the next. Every erase and every program is one
*operation*; a FaultInjector shared by the devices of a board can cut the power after
the Nth operation, which is how the update paths are proven to survive a power cut.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ERASED_BYTE = 0xFF


class FlashError(Exception):
    """An operation that real NOR flash would refuse: misaligned, out of range, 0→1."""


class PowerCut(Exception):  # noqa: N818 - it is an event, not a bug
    """The power went off: the operation that raised this never happened."""


@dataclass
class FaultInjector:
    """Cuts the power after ``cut_after`` operations (erase or program) have completed.

    ``cut_after=None`` never cuts; ``operations`` counts every completed operation, so a
    clean run tells a test how many cut points there are.
    """

    cut_after: int | None = None
    operations: int = 0
    log: list[str] = field(default_factory=list)

    def before_operation(self, description: str) -> None:
        if self.cut_after is not None and self.operations >= self.cut_after:
            raise PowerCut(f"power cut before operation {self.operations + 1} ({description})")

    def after_operation(self, description: str) -> None:
        self.operations += 1
        self.log.append(description)


class NorFlash:
    """One NOR flash device of uniform sectors.

    Rules (DESIGN invariant 8): erase works on whole sectors and sets them to 0xFF; a
    program writes whole multiples of ``write_alignment`` at aligned offsets and may only
    clear bits; programming a 0 bit back to 1 is a FlashError, as on real parts.
    """

    def __init__(self, size: int, sector_size: int, write_alignment: int,
                 path: Path | None = None, faults: FaultInjector | None = None) -> None:
        if sector_size <= 0 or size <= 0 or size % sector_size:
            raise FlashError(f"flash of {size} bytes cannot be split into {sector_size}-byte "
                             "sectors")
        if write_alignment <= 0 or write_alignment & (write_alignment - 1):
            raise FlashError(f"write alignment {write_alignment} is not a power of two")
        self.size = size
        self.sector_size = sector_size
        self.write_alignment = write_alignment
        self.path = path
        self.faults = faults if faults is not None else FaultInjector()
        self._cells = bytearray([ERASED_BYTE]) * size
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self._cells)
            return
        stored = path.read_bytes()
        if len(stored) != self.size:
            raise FlashError(f"{path} holds {len(stored)} bytes, the device has {self.size}")
        self._cells[:] = stored

    def _persist(self, offset: int, data: bytes | bytearray) -> None:
        if self.path is None:
            return
        # Write through at once: a run that ends abruptly must find the flash as it was.
        with self.path.open("r+b") as file:
            file.seek(offset)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())

    def _check_range(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FlashError(f"range 0x{offset:x}+0x{length:x} is outside the "
                             f"0x{self.size:x}-byte device")

    def read(self, offset: int, length: int) -> bytes:
        """The bytes at ``[offset, offset + length)``; reading is not an operation."""
        self._check_range(offset, length)
        return bytes(self._cells[offset:offset + length])

    def view(self) -> memoryview:
        """A read-only view of the whole device, for hashing without copies."""
        return memoryview(self._cells).toreadonly()

    def erase(self, offset: int, length: int) -> None:
        """Erase whole sectors covering exactly ``[offset, offset + length)``."""
        self._check_range(offset, length)
        if offset % self.sector_size or length % self.sector_size:
            raise FlashError(f"erase 0x{offset:x}+0x{length:x} is not sector-aligned "
                             f"(sectors of 0x{self.sector_size:x})")
        description = f"erase 0x{offset:x}+0x{length:x}"
        self.faults.before_operation(description)
        self._cells[offset:offset + length] = bytes([ERASED_BYTE]) * length
        self._persist(offset, self._cells[offset:offset + length])
        self.faults.after_operation(description)

    def program(self, offset: int, data: bytes) -> None:
        """Program ``data`` at ``offset``: aligned, and only 1→0 bit changes."""
        self._check_range(offset, len(data))
        if offset % self.write_alignment or len(data) % self.write_alignment:
            raise FlashError(f"program 0x{offset:x}+0x{len(data):x} is not aligned to "
                             f"{self.write_alignment} bytes")
        current = self._cells[offset:offset + len(data)]
        # A bit that is 0 in flash and 1 in data would need an erase: NOR cannot do it.
        if (int.from_bytes(data, "little") & ~int.from_bytes(current, "little")) != 0:
            raise FlashError(f"program at 0x{offset:x} would flip a 0 bit back to 1")
        description = f"program 0x{offset:x}+0x{len(data):x}"
        self.faults.before_operation(description)
        self._cells[offset:offset + len(data)] = data
        self._persist(offset, data)
        self.faults.after_operation(description)


@dataclass(frozen=True)
class FlashArea:
    """A named partition of a device: offsets inside it are relative to its start."""

    name: str
    device: NorFlash
    offset: int
    size: int

    def __post_init__(self) -> None:
        sector = self.device.sector_size
        if self.offset % sector or self.size % sector or self.size <= 0:
            raise FlashError(f"area '{self.name}' is not made of whole sectors")
        if self.offset + self.size > self.device.size:
            raise FlashError(f"area '{self.name}' runs past the end of the flash")

    @property
    def sector_size(self) -> int:
        return self.device.sector_size

    @property
    def sector_count(self) -> int:
        return self.size // self.device.sector_size

    def _check(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FlashError(f"range 0x{offset:x}+0x{length:x} is outside area '{self.name}'")

    def read(self, offset: int, length: int) -> bytes:
        self._check(offset, length)
        return self.device.read(self.offset + offset, length)

    def view(self) -> memoryview:
        return self.device.view()[self.offset:self.offset + self.size]

    def erase(self, offset: int, length: int) -> None:
        self._check(offset, length)
        self.device.erase(self.offset + offset, length)

    def erase_sector(self, index: int) -> None:
        self.erase(index * self.sector_size, self.sector_size)

    def program(self, offset: int, data: bytes) -> None:
        self._check(offset, len(data))
        self.device.program(self.offset + offset, data)

    def copy_sector_from(self, source: FlashArea, source_index: int, index: int) -> None:
        """Program sector ``index`` (already erased) with ``source``'s sector, skipping
        a copy of bytes that are all erased: they need no program operation."""
        size = self.sector_size
        data = source.read(source_index * size, size)
        if data.count(ERASED_BYTE) != size:
            self.program(index * size, data)

    def is_erased(self, offset: int, length: int) -> bool:
        return self.read(offset, length).count(ERASED_BYTE) == length
