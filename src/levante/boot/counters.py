"""Hardware security counters: one per image, one-way, kept on their own NOR device.

MCUboot design.md, "Hardware-based downgrade prevention": the stored counter must live
in a non-volatile, trusted place and never decrease. Here each raise programs the next
free record (value and its complement) and nothing ever erases the device, so the
stored value, the largest valid record, can only grow; a record cut short by a power
failure fails its complement check and does not count.
"""

from __future__ import annotations

import struct

from levante.boot.flash import ERASED_BYTE, FlashArea

_RECORD = struct.Struct("<II")


class CounterExhausted(Exception):  # noqa: N818
    """No free record is left to raise a counter: the image cannot be accepted."""


class SecurityCounters:
    """The counters of ``images`` images, each with an equal share of ``area``."""

    def __init__(self, area: FlashArea, images: int) -> None:
        self.area = area
        self.record_size = max(_RECORD.size, area.device.write_alignment)
        self.records_per_image = area.size // images // self.record_size
        self.images = images

    def _records(self, image_index: int) -> list[bytes]:
        start = image_index * self.records_per_image * self.record_size
        data = self.area.read(start, self.records_per_image * self.record_size)
        return [data[offset:offset + self.record_size]
                for offset in range(0, len(data), self.record_size)]

    def value(self, image_index: int) -> int:
        """The stored counter: 0 until the first raise."""
        best = 0
        for record in self._records(image_index):
            value, complement = _RECORD.unpack_from(record)
            if complement == value ^ 0xFFFF_FFFF:
                best = max(best, value)
        return best

    def can_raise_to(self, image_index: int, value: int) -> bool:
        return value <= self.value(image_index) or self._free_record(image_index) is not None

    def _free_record(self, image_index: int) -> int | None:
        for number, record in enumerate(self._records(image_index)):
            if record.count(ERASED_BYTE) == len(record):
                return (image_index * self.records_per_image + number) * self.record_size
        return None

    def raise_to(self, image_index: int, value: int) -> bool:
        """Raise the counter to ``value`` if that is higher; True if it was raised."""
        if value <= self.value(image_index):
            return False
        offset = self._free_record(image_index)
        if offset is None:
            raise CounterExhausted(f"security counter of image {image_index} has no free "
                                   "record left")
        record = _RECORD.pack(value, value ^ 0xFFFF_FFFF)
        self.area.program(offset, record + bytes([ERASED_BYTE]) * (self.record_size - 8))
        return True
