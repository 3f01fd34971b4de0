"""stats_register (Zephyr's <zephyr/stats/stats.h>): publish a statistics group.

A kernel function in Zephyr, so supervisor code only here. Everything that stays fixed
is copied in and checked now: the name, the header's counter size and count, and the
counters' names from the group's name map; the counters' region must be memory the
caller may write, since the kernel reads it later (kernel/stats.py). Zephyr's results:
-EALREADY for a name already registered; here also -ENOMEM when the registry is full
and -EINVAL for a header, map or name that is not what stats.h makes.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.stats import (
    COUNTER_SIZES,
    MAX_COUNTERS,
    NAME_MAX,
    StatsGroup,
    generated_name,
)
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, EALREADY, ENOMEM = (-ERRNO[name] for name in ("EINVAL", "EALREADY", "ENOMEM"))
# struct stats_hdr: s_name, s_size (u8), s_cnt (u16 at 6), s_pad1; then s_map and
# s_map_cnt with CONFIG_STATS_NAMES; then s_next.
_HEADER_SIZES = (16, 24)
_SIZE_AND_COUNT = struct.Struct("<4xBxH")
# struct stats_name_map is packed: the counter's offset in the group, its name.
_NAME_MAP_ENTRY = struct.Struct("<HI")


def _name(kernel: Inspect, caller: Caller, address: int) -> str | None:
    raw = kernel.memory.read_string(caller, address, NAME_MAX + 1)
    if not raw or len(raw) > NAME_MAX:
        return None
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return None


def _counter_names(kernel: Inspect, caller: Caller, header_size: int, size: int,
                   count: int, map_address: int, map_count: int) -> tuple[str, ...] | None:
    """Counter i's name from the map (the first entry at its offset), else s<i>; None
    when an entry names no counter of the group or its name is refused."""
    names: dict[int, str] = {}
    size_of_map = kernel.memory.check_array(caller, map_address, map_count,
                                            _NAME_MAP_ENTRY.size, AccessKind.READ)
    entries = kernel.memory.read(caller, map_address, size_of_map)
    for offset, name_address in _NAME_MAP_ENTRY.iter_unpack(entries):
        index, misaligned = divmod(offset - header_size, size)
        name = _name(kernel, caller, name_address)
        if offset < header_size or misaligned or index >= count or name is None:
            return None
        names.setdefault(index, name)
    return tuple(names.get(index, generated_name(index)) for index in range(count))


def _valid_register(kernel: Inspect, caller: Caller, name_address: int, header: int,
                    header_size: int, map_address: int, map_count: int) -> int | Plan:
    name = _name(kernel, caller, name_address)
    if name is None or header_size not in _HEADER_SIZES:
        return EINVAL
    size, count = _SIZE_AND_COUNT.unpack(kernel.memory.read(caller, header, 8))
    if size not in COUNTER_SIZES or not 0 < count <= MAX_COUNTERS or map_count > count:
        return EINVAL
    counters = header + header_size
    kernel.memory.check(caller, counters, size * count, AccessKind.WRITE)
    names = _counter_names(kernel, caller, header_size, size, count, map_address,
                           map_count)
    if names is None:
        return EINVAL
    if kernel.stats.find(name) is not None:
        return EALREADY
    if kernel.stats.full:
        return ENOMEM
    return (StatsGroup(name, counters, size, count, names),)


@syscall("z_levante_stats_register", validate=_valid_register)
def z_levante_stats_register(kernel: Services, caller: Caller, group: StatsGroup) -> int:
    kernel.stats.add(group)
    return 0
