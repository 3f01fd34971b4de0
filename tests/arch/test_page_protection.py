"""Unicorn page protections that enforce a memory view: exact ranges, minimal changes, faults."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unicorn import (
    UC_ARCH_ARM,
    UC_ERR_FETCH_PROT,
    UC_ERR_WRITE_PROT,
    UC_MODE_MCLASS,
    UC_MODE_THUMB,
    UC_PROT_ALL,
    UC_PROT_EXEC,
    UC_PROT_NONE,
    UC_PROT_READ,
    UC_PROT_WRITE,
    Uc,
    UcError,
)
from unicorn.arm_const import UC_ARM_REG_R0, UC_ARM_REG_R1

from levante.arch.cortex_m.protection import MPU_GRANULE, PageProtection
from levante.arch.interface import AccessRegion, MemoryView

FLASH = 0x0000_0000
RAM = 0x2000_0000
BLOCK_SIZE = 0x1_0000
BLOCKS = [(FLASH, FLASH + BLOCK_SIZE), (RAM, RAM + BLOCK_SIZE)]

R = UC_PROT_READ
RW = UC_PROT_READ | UC_PROT_WRITE
RX = UC_PROT_READ | UC_PROT_EXEC
NONE = UC_PROT_NONE
ALL = UC_PROT_ALL

STRB_R1_AT_R0 = bytes.fromhex("0170")  # strb r1, [r0]

CODE = AccessRegion(FLASH, 0x4000, read=True, execute=True, name="code")
STACK_A = AccessRegion(RAM + 0x1000, 0x400, read=True, write=True, name="stack a")
STACK_B = AccessRegion(RAM + 0x3000, 0x400, read=True, write=True, name="stack b")
SHARED = AccessRegion(RAM + 0x2000, 0x100, read=True, name="shared")
SHARED_RW = AccessRegion(RAM + 0x2000, 0x100, read=True, write=True, name="shared")

VIEW_A: MemoryView = (CODE, STACK_A, SHARED)
VIEW_B: MemoryView = (CODE, STACK_B, SHARED)

Protections = list[tuple[int, int, int]]


class SpyUc:
    """Forwards to a Unicorn engine and records every mem_protect call."""

    def __init__(self, uc: Any) -> None:
        self.uc = uc
        self.calls: list[tuple[int, int, int]] = []

    def mem_protect(self, address: int, size: int, perms: int) -> None:
        self.calls.append((address, size, perms))
        self.uc.mem_protect(address, size, perms)


def make_engine() -> Any:
    uc: Any = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.ctl_set_page_size(MPU_GRANULE)
    for start, end in BLOCKS:
        uc.mem_map(start, end - start, UC_PROT_ALL)
    return uc


@pytest.fixture
def uc() -> Any:
    return make_engine()


@pytest.fixture
def spy(uc: Any) -> SpyUc:
    return SpyUc(uc)


@pytest.fixture
def protection(spy: SpyUc) -> PageProtection:
    return PageProtection(spy, BLOCKS)


def protections(uc: Any) -> Protections:
    """(start, end inclusive, perms) of the engine, neighbours with equal perms merged
    (Unicorn keeps the pieces a mem_protect split even when their perms match again)."""
    merged: Protections = []
    for start, end, perms in sorted(uc.mem_regions()):
        if merged and merged[-1][1] + 1 == start and merged[-1][2] == perms:
            merged[-1] = (merged[-1][0], end, perms)
        else:
            merged.append((start, end, perms))
    return merged


UNPROTECTED: Protections = [
    (FLASH, FLASH + BLOCK_SIZE - 1, ALL),
    (RAM, RAM + BLOCK_SIZE - 1, ALL),
]

EXPECTED_A: Protections = [
    (FLASH, FLASH + 0x3FFF, RX),
    (FLASH + 0x4000, FLASH + BLOCK_SIZE - 1, NONE),
    (RAM, RAM + 0xFFF, NONE),
    (RAM + 0x1000, RAM + 0x13FF, RW),
    (RAM + 0x1400, RAM + 0x1FFF, NONE),
    (RAM + 0x2000, RAM + 0x20FF, R),
    (RAM + 0x2100, RAM + BLOCK_SIZE - 1, NONE),
]


# ---- exact protections -------------------------------------------------------------------------


def test_a_fresh_engine_is_unprotected(uc: Any, protection: PageProtection) -> None:
    protection.apply(None)
    assert protections(uc) == UNPROTECTED
    assert protection.changes == 0


def test_a_view_sets_exactly_its_protections(uc: Any, protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    assert protections(uc) == EXPECTED_A
    assert protection.changes > 0


def test_an_empty_view_protects_everything(uc: Any, protection: PageProtection) -> None:
    protection.apply(())
    assert protections(uc) == [
        (FLASH, FLASH + BLOCK_SIZE - 1, NONE),
        (RAM, RAM + BLOCK_SIZE - 1, NONE),
    ]


def test_later_regions_win_and_regions_are_clipped_to_mapped_memory(
        uc: Any, protection: PageProtection) -> None:
    view = (
        AccessRegion(RAM + 0x100, 0x100, read=True, write=True),
        AccessRegion(RAM + 0x140, 0x20, read=True),  # overrides part of the first
        AccessRegion(RAM + BLOCK_SIZE - 0x20, 0x40, read=True),  # runs past the RAM block
    )
    protection.apply(view)
    assert protections(uc) == [
        (FLASH, FLASH + BLOCK_SIZE - 1, NONE),
        (RAM, RAM + 0xFF, NONE),
        (RAM + 0x100, RAM + 0x13F, RW),
        (RAM + 0x140, RAM + 0x15F, R),
        (RAM + 0x160, RAM + 0x1FF, RW),
        (RAM + 0x200, RAM + BLOCK_SIZE - 0x21, NONE),
        (RAM + BLOCK_SIZE - 0x20, RAM + BLOCK_SIZE - 1, R),
    ]


def test_none_restores_every_page(uc: Any, protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    protection.apply(None)
    assert protections(uc) == UNPROTECTED
    protection.apply(VIEW_B)
    protection.apply(None)
    assert protections(uc) == UNPROTECTED


# ---- minimal changes --------------------------------------------------------------------------


def test_applying_the_same_view_twice_changes_nothing(spy: SpyUc,
                                                      protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    changes, calls = protection.changes, len(spy.calls)
    assert changes == calls > 0
    protection.apply(VIEW_A)
    protection.apply(tuple(VIEW_A))  # an equal view, not the same object
    protection.apply((CODE, STACK_A, SHARED))
    assert protection.changes == changes
    assert len(spy.calls) == calls


def test_none_twice_changes_nothing(spy: SpyUc, protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    protection.apply(None)
    calls = len(spy.calls)
    protection.apply(None)
    assert len(spy.calls) == calls == protection.changes


def test_switching_stacks_changes_only_the_two_stacks(uc: Any, spy: SpyUc,
                                                      protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    spy.calls.clear()
    before = protection.changes
    protection.apply(VIEW_B)
    assert sorted(spy.calls) == [
        (STACK_A.start, STACK_A.size, NONE),
        (STACK_B.start, STACK_B.size, RW),
    ]
    assert protection.changes == before + 2
    assert protections(uc) == [
        (FLASH, FLASH + 0x3FFF, RX),
        (FLASH + 0x4000, FLASH + BLOCK_SIZE - 1, NONE),
        (RAM, RAM + 0x1FFF, NONE),
        (RAM + 0x2000, RAM + 0x20FF, R),
        (RAM + 0x2100, RAM + 0x2FFF, NONE),
        (RAM + 0x3000, RAM + 0x33FF, RW),
        (RAM + 0x3400, RAM + BLOCK_SIZE - 1, NONE),
    ]


def test_changing_one_regions_rights_changes_only_that_range(uc: Any, spy: SpyUc,
                                                             protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    spy.calls.clear()
    protection.apply((CODE, STACK_A, SHARED_RW))
    assert spy.calls == [(SHARED.start, SHARED.size, RW)]
    expected = [(s, e, RW if s == SHARED.start else p) for s, e, p in EXPECTED_A]
    assert protections(uc) == expected


def test_a_region_growing_changes_only_the_new_pages(spy: SpyUc,
                                                     protection: PageProtection) -> None:
    protection.apply((CODE, STACK_A))
    spy.calls.clear()
    protection.apply((CODE, AccessRegion(STACK_A.start, 0x800, read=True, write=True)))
    assert spy.calls == [(STACK_A.end, 0x400, RW)]


# ---- the engine enforces them ----------------------------------------------------------------

STORE_AT = FLASH + 0x1000
BUFFER = AccessRegion(RAM + 0x1000, MPU_GRANULE, read=True, write=True, name="buffer")


def store_byte(uc: Any, address: int, value: int = 0xAB) -> None:
    uc.reg_write(UC_ARM_REG_R0, address)
    uc.reg_write(UC_ARM_REG_R1, value)
    uc.emu_start(STORE_AT | 1, STORE_AT + len(STRB_R1_AT_R0), count=1)


def test_a_store_one_byte_past_a_region_faults(uc: Any, protection: PageProtection) -> None:
    uc.mem_write(STORE_AT, STRB_R1_AT_R0)
    protection.apply((CODE, BUFFER))
    store_byte(uc, BUFFER.end - 1, 0xAB)  # the last byte inside
    assert bytes(uc.mem_read(BUFFER.end - 1, 1)) == b"\xab"
    with pytest.raises(UcError) as caught:
        store_byte(uc, BUFFER.end, 0xCD)  # one byte past
    assert caught.value.errno == UC_ERR_WRITE_PROT
    assert bytes(uc.mem_read(BUFFER.end, 1)) == b"\0"


def test_a_store_to_a_read_only_region_faults(uc: Any, protection: PageProtection) -> None:
    uc.mem_write(STORE_AT, STRB_R1_AT_R0)
    protection.apply((CODE, SHARED))
    with pytest.raises(UcError) as caught:
        store_byte(uc, SHARED.start)
    assert caught.value.errno == UC_ERR_WRITE_PROT


def test_switching_views_moves_the_fault(uc: Any, protection: PageProtection) -> None:
    uc.mem_write(STORE_AT, STRB_R1_AT_R0)
    protection.apply(VIEW_A)
    store_byte(uc, STACK_A.start)
    with pytest.raises(UcError):
        store_byte(uc, STACK_B.start)
    protection.apply(VIEW_B)
    store_byte(uc, STACK_B.start)
    with pytest.raises(UcError):
        store_byte(uc, STACK_A.start)
    protection.apply(None)
    store_byte(uc, STACK_A.start)
    store_byte(uc, RAM + 0x8000)


def test_fetching_from_a_non_executable_region_faults(uc: Any,
                                                      protection: PageProtection) -> None:
    uc.mem_write(STORE_AT, STRB_R1_AT_R0)
    protection.apply((AccessRegion(FLASH, 0x4000, read=True), BUFFER))
    with pytest.raises(UcError) as caught:
        store_byte(uc, BUFFER.start)
    assert caught.value.errno == UC_ERR_FETCH_PROT


# ---- against a per-page model ----------------------------------------------------------------

AREA_PAGES = 32  # random regions stay in the first 32 pages of each block


def page_model(view: MemoryView | None) -> Protections:
    """Each page's protection from the last region holding it, merged like `protections`."""
    pages: list[tuple[int, int, int]] = []
    for start, end in BLOCKS:
        for page in range(start, end, MPU_GRANULE):
            perms = ALL if view is None else NONE
            if view is not None:
                for region in reversed(view):
                    if region.start <= page < region.end:
                        perms = ((R if region.read else 0) | (UC_PROT_WRITE if region.write else 0)
                                 | (UC_PROT_EXEC if region.execute else 0))
                        break
            if page > start and pages[-1][2] == perms:
                pages[-1] = (pages[-1][0], page + MPU_GRANULE - 1, perms)
            else:
                pages.append((page, page + MPU_GRANULE - 1, perms))
    return pages


region_strategy = st.builds(
    lambda base, page, pages, read, write, execute: AccessRegion(
        base + page * MPU_GRANULE, pages * MPU_GRANULE, read=read, write=write, execute=execute
    ),
    st.sampled_from([FLASH, RAM]),
    st.integers(0, AREA_PAGES - 1),
    st.integers(1, 8),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
view_strategy = st.one_of(st.none(), st.lists(region_strategy, max_size=5).map(tuple))


@settings(max_examples=40, deadline=None)
@given(st.lists(view_strategy, min_size=1, max_size=4))
def test_any_sequence_of_views_leaves_exactly_the_last_ones_protections(
        views: list[MemoryView | None]) -> None:
    uc = make_engine()
    protection = PageProtection(uc, BLOCKS)
    for view in views:
        protection.apply(view)
        assert protections(uc) == page_model(view)
