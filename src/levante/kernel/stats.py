"""The kernel's registry of statistics groups (Zephyr's <zephyr/stats/stats.h>).

A group lives in the application's memory: a `struct stats_hdr` followed by its
counters, which STATS_INC and friends change in place, as in Zephyr. Registering it
(stats_register) hands the kernel what stays fixed, copied in once and checked: the
group's name, where its counters are, their size and count, and their names. The
counters themselves are read when someone asks (the SMP statistics group), from the
region the registering thread could write when it registered. The registry is
bounded: MAX_GROUPS groups of at most MAX_COUNTERS counters, names of at most
NAME_MAX octets (what Zephyr's default CONFIG_MCUMGR_GRP_STAT_MAX_NAME_LEN, 32, holds
with its NUL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_GROUPS = 32  # groups one boot may register
MAX_COUNTERS = 128  # counters in one group
NAME_MAX = 31  # octets of a group's or a counter's name
COUNTER_SIZES = (2, 4, 8)  # STATS_SIZE_16, _32, _64


@dataclass(frozen=True)
class StatsGroup:
    """One registered group: its counters are `count` unsigned integers of `size`
    octets from `counters`; `names[i]` names counter i."""

    name: str
    counters: int
    size: int
    count: int
    names: tuple[str, ...]

    def values(self, read: Callable[[int, int], bytes]) -> dict[str, int]:
        """The counters now, by name, read through `read(address, size)`."""
        data = read(self.counters, self.size * self.count)
        return {name: int.from_bytes(data[index * self.size:(index + 1) * self.size],
                                     "little")
                for index, name in enumerate(self.names)}


def generated_name(index: int) -> str:
    """Zephyr's name for a counter without one in the group's map: s0, s1, ..."""
    return f"s{index}"


class StatsRegistry:
    """The groups registered this boot, in registration order (stats_group_get_next's
    order in Zephyr, which lists them as `stat list` does)."""

    def __init__(self) -> None:
        self._groups: dict[str, StatsGroup] = {}

    def find(self, name: str) -> StatsGroup | None:
        return self._groups.get(name)

    @property
    def full(self) -> bool:
        return len(self._groups) >= MAX_GROUPS

    def add(self, group: StatsGroup) -> None:
        """Only after `find` and `full` said it may."""
        self._groups[group.name] = group

    def groups(self) -> list[StatsGroup]:
        return list(self._groups.values())
