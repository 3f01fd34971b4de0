"""Unaligned (and multi-word) accesses that cross an MPU boundary fault like any other
violation, on UnicornCpu with both boards: nothing read or written, fault at the access."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import pytest
from thumb_machine import BOARDS, CODE_AT, FLASH_CODE, SVC_0, ThumbMachine

from levante.arch.interface import AccessKind, AccessRegion, MemoryView, StopKind


@dataclass(frozen=True)
class Access:
    name: str
    encoding: str
    kind: AccessKind
    size: int  # bytes the instruction reads or writes
    before: int  # how many bytes before the boundary it starts (it crosses by size - before)


ACCESSES = (
    Access("ldr", "0268", AccessKind.READ, 4, 2),  # ldr r2, [r0]
    Access("ldrh", "0288", AccessKind.READ, 2, 1),  # ldrh r2, [r0]
    Access("ldr.w", "d0f80020", AccessKind.READ, 4, 3),  # ldr.w r2, [r0]
    Access("ldrd", "d0e90023", AccessKind.READ, 8, 2),  # ldrd r2, r3, [r0]
    Access("ldm", "0cc8", AccessKind.READ, 8, 2),  # ldmia r0!, {r2, r3}
    Access("vldr.64", "90ed000b", AccessKind.READ, 8, 4),  # vldr d0, [r0] (word aligned)
    Access("str", "0160", AccessKind.WRITE, 4, 2),  # str r1, [r0]
    Access("strh", "0180", AccessKind.WRITE, 2, 1),  # strh r1, [r0]
    Access("strd", "c0e90023", AccessKind.WRITE, 8, 2),  # strd r2, r3, [r0]
    Access("stm", "0cc0", AccessKind.WRITE, 8, 2),  # stmia r0!, {r2, r3}
)
READS = [access for access in ACCESSES if access.kind is AccessKind.READ]
WRITES = [access for access in ACCESSES if access.kind is AccessKind.WRITE]
R1, R2, R3 = 0xA1B2C3D4, 0x55555555, 0x66666666
DESCRIPTIONS = {
    AccessKind.READ: "MPU fault: data read access violation",
    AccessKind.WRITE: "MPU fault: data write access violation",
}


def rw(start: int, size: int) -> AccessRegion:
    return AccessRegion(start, size, read=True, write=True)


def ro(start: int, size: int) -> AccessRegion:
    return AccessRegion(start, size, read=True)


# (name, regions relative to SRAM, the boundary relative to SRAM).  In every layout the
# bytes before the boundary may be read and written.
REFUSED_LAYOUTS = {
    "page without rights": ((rw(0x1000, 0x400),), 0x1400),
    "granule on a watched page": ((rw(0x1000, 0x200),), 0x1200),
    "page into a watched page": ((rw(0x1000, 0x400), rw(0x1600, 0x100)), 0x1400),
}
READ_ONLY_LAYOUTS = {
    "read-only page": ((rw(0x1000, 0x400), ro(0x1400, 0x400)), 0x1400),
    "read-only granule": ((rw(0x1000, 0x200), ro(0x1200, 0x200)), 0x1200),
    "page into a read-only granule": (
        (rw(0x1000, 0x400), ro(0x1400, 0x20), rw(0x1420, 0x3E0)), 0x1400),
}


def user_view(machine: ThumbMachine, regions: tuple[AccessRegion, ...]) -> MemoryView:
    moved = tuple(AccessRegion(machine.ram + r.start, r.size, r.read, r.write, r.execute)
                  for r in regions)
    return (FLASH_CODE, *moved)


def run_access(machine: ThumbMachine, access: Access, address: int, view: MemoryView | None,
               privileged: bool = False) -> tuple[object, object]:
    context = machine.start(access.encoding + SVC_0, view, (address, R1, R2, R3),
                            privileged=privileged)
    return context, machine.run(context)


def assert_refused(machine: ThumbMachine, access: Access, address: int,
                   view: MemoryView | None, privileged: bool = False) -> None:
    window = address - 8, 24
    before = machine.memory(*window)
    context, event = run_access(machine, access, address, view, privileged)
    assert event.kind is StopKind.FAULT, event
    assert event.fault is not None
    assert event.fault.description == DESCRIPTIONS[access.kind]
    assert event.fault.pc == CODE_AT
    assert event.fault.address == address  # the access's own address (see protection.py)
    assert event.fault.access is access.kind
    assert machine.memory(*window) == before, "a refused store wrote"
    assert machine.registers(context) == (address, R1, R2, R3), "a refused load loaded"


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("layout", sorted(REFUSED_LAYOUTS))
@pytest.mark.parametrize("access", ACCESSES, ids=lambda access: access.name)
def test_an_access_crossing_into_refused_memory_faults(board: str, layout: str,
                                                       access: Access) -> None:
    machine = ThumbMachine(board)
    regions, boundary = REFUSED_LAYOUTS[layout]
    address = machine.ram + boundary - access.before
    assert_refused(machine, access, address, user_view(machine, regions))


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("layout", sorted(READ_ONLY_LAYOUTS))
@pytest.mark.parametrize("access", WRITES, ids=lambda access: access.name)
def test_a_store_crossing_into_read_only_memory_faults(board: str, layout: str,
                                                       access: Access) -> None:
    machine = ThumbMachine(board)
    regions, boundary = READ_ONLY_LAYOUTS[layout]
    address = machine.ram + boundary - access.before
    assert_refused(machine, access, address, user_view(machine, regions))


def expected_registers(machine: ThumbMachine, access: Access, address: int) -> tuple[int, ...]:
    words = machine.pattern(address, 8)
    first, second = struct.unpack("<II", words)
    if access.name == "ldrh":
        return address, R1, first & 0xFFFF, R3
    if access.name in ("ldr", "ldr.w"):
        return address, R1, first, R3
    if access.name == "ldm":  # with writeback
        return address + 8, R1, first, second
    if access.name == "ldrd":
        return address, R1, first, second
    return address, R1, R2, R3  # vldr loads d0 only


def assert_allowed(machine: ThumbMachine, access: Access, address: int,
                   view: MemoryView | None) -> None:
    context, event = run_access(machine, access, address, view)
    assert event.kind is StopKind.SVC, event
    if access.kind is AccessKind.READ:
        assert machine.registers(context) == expected_registers(machine, access, address)
        return
    stored = struct.pack("<I", R1) if access.name == "str" else (
        struct.pack("<H", R1 & 0xFFFF) if access.name == "strh" else struct.pack("<II", R2, R3))
    assert machine.memory(address, len(stored)) == stored


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("layout", sorted(READ_ONLY_LAYOUTS))
@pytest.mark.parametrize("access", READS, ids=lambda access: access.name)
def test_a_load_crossing_into_read_only_memory_works(board: str, layout: str,
                                                     access: Access) -> None:
    machine = ThumbMachine(board)
    regions, boundary = READ_ONLY_LAYOUTS[layout]
    address = machine.ram + boundary - access.before
    assert_allowed(machine, access, address, user_view(machine, regions))


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("offset", [0x1001, 0x11FE, 0x13FE, 0x13FC],
                         ids=["inside", "granule boundary", "page boundary", "word at page end"])
@pytest.mark.parametrize("access", ACCESSES, ids=lambda access: access.name)
def test_unaligned_accesses_inside_a_region_work(board: str, offset: int,
                                                 access: Access) -> None:
    machine = ThumbMachine(board)
    # Two regions of equal rights meeting at a granule, and a watched page beside them.
    view = user_view(machine, (rw(0x1000, 0x200), rw(0x1200, 0x600), ro(0x1800, 0x40)))
    assert_allowed(machine, access, machine.ram + offset, view)


def supervisor_view(machine: ThumbMachine, guard: int) -> MemoryView:
    """As the kernel's: flash read/execute, SRAM read/write, a 32-byte stack guard."""
    return (
        AccessRegion(0, machine.flash_end, read=True, execute=True, name="flash"),
        AccessRegion(machine.ram, machine.ram_end - machine.ram, read=True, write=True,
                     name="sram"),
        AccessRegion(machine.ram + guard, 32, read=False, name="stack guard"),
    )


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("access", ACCESSES, ids=lambda access: access.name)
def test_a_supervisor_access_crossing_into_its_stack_guard_faults(board: str,
                                                                  access: Access) -> None:
    machine = ThumbMachine(board)
    view = supervisor_view(machine, 0x1400)
    address = machine.ram + 0x1400 - access.before
    assert_refused(machine, access, address, view, privileged=True)
    assert_allowed(machine, access, machine.ram + 0x1001, view)


@pytest.mark.parametrize("board", BOARDS)
def test_code_translated_before_any_watch_is_checked_once_a_page_is_watched(board: str) -> None:
    """Translated blocks that predate the first memory hook skip hooks on TLB hits."""
    machine = ThumbMachine(board)
    loads = "0268" "0b68" + SVC_0  # ldr r2, [r0]; ldr r3, [r1]; svc 0
    everything = (supervisor_view(machine, 0)[0], rw(machine.ram, machine.ram_end - machine.ram))
    arguments = (machine.ram + 0x1000, machine.ram + 0x1300, R2, R3)
    first = machine.start(loads, everything, arguments)
    assert machine.run(first).kind is StopKind.SVC
    second = machine.context((everything[0], rw(machine.ram, 0x1200)), arguments)
    event = machine.run(second)
    assert event.kind is StopKind.FAULT, event
    assert event.fault is not None and event.fault.address == machine.ram + 0x1300
    assert machine.registers(second)[3] == R3
