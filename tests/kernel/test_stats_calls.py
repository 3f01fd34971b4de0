"""stats_register (z_levante_stats_register) under the mock CPU: what it copies in, its
refusals with Zephyr's codes, the registry's bound, validation that changes nothing, and
that user threads cannot call it."""

from __future__ import annotations

import struct

from mock_cpu import K_FOREVER, Args, MockSystem, Script, call
from stage_checks import validation_checked

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.kernel.stats import MAX_GROUPS

HEADER = 24  # struct stats_hdr with CONFIG_STATS_NAMES
EINVAL, EALREADY, ENOMEM = (-ERRNO[name] for name in ("EINVAL", "EALREADY", "ENOMEM"))


def _text(system: MockSystem, text: bytes) -> int:
    address = system.ram(len(text) + 1)
    system.cpu.write_memory(address, text + b"\0")
    return address


def _group(system: MockSystem, size: int, counters: list[int]) -> int:
    """A group in RAM: its header (s_size, s_cnt) and its counters."""
    address = system.ram(HEADER + size * len(counters))
    header = struct.pack("<IBxHxxxxIiI", 0, size, len(counters), 0, 0, 0)
    body = b"".join(value.to_bytes(size, "little") for value in counters)
    system.cpu.write_memory(address, header + body)
    return address


def _map(system: MockSystem, entries: list[tuple[int, bytes]]) -> int:
    packed = b"".join(struct.pack("<HI", offset, _text(system, name))
                      for offset, name in entries)
    address = system.ram(max(len(packed), 4))
    system.cpu.write_memory(address, packed)
    return address


def test_registration_copies_names_and_reads_counters_later() -> None:
    system = MockSystem()
    group = _group(system, 4, [1, 2, 3])
    names = _map(system, [(HEADER, b"first"), (HEADER + 8, b"third"), (HEADER, b"again")])
    wide = _group(system, 8, [2**40])
    bad_offset = _map(system, [(HEADER + 12, b"beyond")])
    misaligned = _map(system, [(HEADER + 2, b"half")])
    below = _map(system, [(4, b"header")])
    results: list[object] = []

    def main(_: Args) -> Script:
        for step in (
            call("z_levante_stats_register", _text(system, b"app"), group, HEADER, names, 3),
            call("z_levante_stats_register", _text(system, b"app"), group, HEADER, 0, 0),
            call("z_levante_stats_register", _text(system, b"wide"), wide, HEADER, 0, 0),
            call("z_levante_stats_register", _text(system, b""), group, HEADER, 0, 0),
            call("z_levante_stats_register", _text(system, b"n" * 32), group, HEADER, 0, 0),
            call("z_levante_stats_register", _text(system, b"odd"), group, 20, 0, 0),
            call("z_levante_stats_register", _text(system, b"map"), group, HEADER,
                 bad_offset, 1),
            call("z_levante_stats_register", _text(system, b"map"), group, HEADER,
                 misaligned, 1),
            call("z_levante_stats_register", _text(system, b"map"), group, HEADER, below, 1),
            call("z_levante_stats_register", _text(system, b"map"), group, HEADER, names, 4),
        ):
            results.append((yield step))

    system.main(main)
    with validation_checked(system) as validated:
        system.run()
    assert results == [0, EALREADY, 0, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL,
                       EINVAL]
    assert "z_levante_stats_register" in validated
    registry = system.kernel.stats
    assert [group.name for group in registry.groups()] == ["app", "wide"]
    app = registry.find("app")
    assert app is not None and app.names == ("first", "s1", "third")
    read = system.kernel.memory.kernel_read
    assert app.values(read) == {"first": 1, "s1": 2, "third": 3}
    system.cpu.write_memory(group + HEADER + 4, (99).to_bytes(4, "little"))  # STATS_INC
    assert app.values(read)["s1"] == 99
    wide_group = registry.find("wide")
    assert wide_group is not None and wide_group.values(read) == {"s0": 2**40}


def test_counter_sizes_and_counts_stats_h_cannot_make_are_refused() -> None:
    system = MockSystem()
    results: list[object] = []
    shapes = [(3, 2), (4, 0), (4, 129), (16, 1)]
    groups = [(_group(system, 4, [0]), size, count) for size, count in shapes]
    for address, size, count in groups:
        system.cpu.write_memory(address + 4, struct.pack("<BxH", size, count))

    def main(_: Args) -> Script:
        for address, _, _ in groups:
            results.append((yield call("z_levante_stats_register", _text(system, b"g"),
                                       address, HEADER, 0, 0)))

    system.main(main)
    system.run()
    assert results == [EINVAL] * len(shapes)
    assert system.kernel.stats.groups() == []


def test_the_registry_is_bounded() -> None:
    system = MockSystem()
    group = _group(system, 4, [0])
    names = [_text(system, f"g{index}".encode()) for index in range(MAX_GROUPS + 1)]
    results: list[object] = []

    def main(_: Args) -> Script:
        for name in names:
            results.append((yield call("z_levante_stats_register", name, group, HEADER, 0, 0)))

    system.main(main)
    system.run()
    assert results == [0] * MAX_GROUPS + [ENOMEM]
    assert len(system.kernel.stats.groups()) == MAX_GROUPS


def test_a_user_thread_cannot_register() -> None:
    system = MockSystem(userspace=True)
    cells: dict[str, int] = {}
    reached: list[object] = []

    def user(_: Args) -> Script:
        reached.append((yield call("z_levante_stats_register", cells["name"],
                                   cells["group"], HEADER, 0, 0)))

    system.thread("user", user, 5, options=THREAD_OPTIONS["K_USER"])
    stack = system.thread_named("user").stack_start
    cells.update(name=stack + 64, group=stack + 128)
    system.cpu.write_memory(stack + 64, b"user\0")

    def main(_: Args) -> Script:
        yield call("k_sleep", K_FOREVER)

    system.main(main)
    system.run()
    assert reached == []  # the call oopsed the thread
    assert system.kernel.stats.groups() == []
