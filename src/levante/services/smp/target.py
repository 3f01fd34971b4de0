"""What the SMP server needs of the device it manages: the flash and boot stage, its
threads and statistics, the kernel's control point, and how its image slots are laid
out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from levante.kernel.flash_port import FlashPartitionInfo, FlashPort


@dataclass(frozen=True)
class TaskStats:
    """One thread as the OS group's task statistics show it."""

    name: str
    priority: int
    thread_id: int
    state: int  # Zephyr's thread state bits (_THREAD_PENDING, ...)
    stack_used: int  # in 4-octet words, as Zephyr reports them
    stack_size: int  # in 4-octet words
    switches: int  # times it was switched in
    runtime: int  # cycles it ran


@dataclass(frozen=True)
class ImageSlotsInfo:
    """Image 0's slots and the largest image they take (what the trailer leaves)."""

    primary: FlashPartitionInfo
    secondary: FlashPartitionInfo
    max_image_size: int
    downgrade_prevention: bool  # the boot stage refuses older images


class SmpTarget(Protocol):
    """The managed device, as the server's commands reach it."""

    @property
    def flash(self) -> FlashPort | None:
        """The flash and the boot stage's API; None on a build without MCUboot."""

    @property
    def slots(self) -> ImageSlotsInfo | None: ...

    def judge(self, peer: str, action: str, fields: Mapping[str, object]) -> int | None:
        """The kernel's control point: None to go ahead, else a negative errno."""
        ...

    def tasks(self) -> list[TaskStats]: ...

    def stat_groups(self) -> list[str]:
        """The names of the registered statistics groups, in registration order."""
        ...

    def stat_values(self, name: str) -> dict[str, int] | None:
        """The counters of group `name` now, by their names; None: no such group."""
        ...
