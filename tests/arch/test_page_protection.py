"""Unicorn page protections and the granule guard that enforce a memory view: page
rights, minimal changes, and faults exact to the MPU's 32-byte granule."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unicorn import (
    UC_ARCH_ARM,
    UC_ERR_FETCH_PROT,
    UC_ERR_READ_PROT,
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
from unicorn.arm_const import UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R4

from levante.arch.cortex_m.protection import (
    MPU_GRANULE,
    PAGE_SIZE,
    PageProtection,
    granule_rights,
    plan_view,
)
from levante.arch.interface import AccessKind, AccessRegion, MemoryView

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
LDR_R1_FROM_R0 = bytes.fromhex("0168")  # ldr r1, [r0]
MOVS_R4_42 = bytes.fromhex("2a24")  # movs r4, #42

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

    def __getattr__(self, name: str) -> Any:
        return getattr(self.uc, name)


def make_engine() -> Any:
    uc: Any = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
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

# SHARED covers 256 bytes of its page: the page gets their union (read) and the guard
# checks the rest of it.
EXPECTED_A: Protections = [
    (FLASH, FLASH + 0x3FFF, RX),
    (FLASH + 0x4000, FLASH + BLOCK_SIZE - 1, NONE),
    (RAM, RAM + 0xFFF, NONE),
    (RAM + 0x1000, RAM + 0x13FF, RW),
    (RAM + 0x1400, RAM + 0x1FFF, NONE),
    (RAM + 0x2000, RAM + 0x23FF, R),
    (RAM + 0x2400, RAM + BLOCK_SIZE - 1, NONE),
]


# ---- page protections ---------------------------------------------------------------------------


def test_a_fresh_engine_is_unprotected(uc: Any, protection: PageProtection) -> None:
    protection.apply(None)
    assert protections(uc) == UNPROTECTED
    assert protection.changes == 0


def test_a_view_sets_its_page_protections(uc: Any, protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    assert protections(uc) == EXPECTED_A
    assert protection.changes > 0


def test_only_pages_shared_by_different_rights_are_watched(protection: PageProtection) -> None:
    plan = plan_view(VIEW_A, tuple(BLOCKS))
    assert plan.mixed_data == {RAM + 0x2000}
    assert plan.mixed_code == frozenset()
    protection.apply(VIEW_A)
    assert protection.watched_pages == 1


def test_an_empty_view_protects_everything(uc: Any, protection: PageProtection) -> None:
    protection.apply(())
    assert protections(uc) == [
        (FLASH, FLASH + BLOCK_SIZE - 1, NONE),
        (RAM, RAM + BLOCK_SIZE - 1, NONE),
    ]


def test_none_restores_every_page(uc: Any, protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    protection.apply(None)
    assert protections(uc) == UNPROTECTED
    protection.apply(VIEW_B)
    protection.apply(None)
    assert protections(uc) == UNPROTECTED


def test_granule_rights_follow_the_last_region_and_skip_partial_granules() -> None:
    view = (
        AccessRegion(RAM + 0x100, 0x100, read=True, write=True),
        AccessRegion(RAM + 0x140, 0x20, read=True),  # overrides part of the first
        AccessRegion(RAM + 0x310, 0x20, read=True),  # half of two granules: neither
    )
    rights = granule_rights(view, ((RAM, RAM + PAGE_SIZE),))
    expected = [NONE] * (PAGE_SIZE // MPU_GRANULE)
    for index in range(0x100 // MPU_GRANULE, 0x200 // MPU_GRANULE):
        expected[index] = RW
    expected[0x140 // MPU_GRANULE] = R
    assert list(rights) == expected


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
        (RAM + 0x2000, RAM + 0x23FF, R),
        (RAM + 0x2400, RAM + 0x2FFF, NONE),
        (RAM + 0x3000, RAM + 0x33FF, RW),
        (RAM + 0x3400, RAM + BLOCK_SIZE - 1, NONE),
    ]


def test_changing_one_regions_rights_changes_only_its_page(uc: Any, spy: SpyUc,
                                                           protection: PageProtection) -> None:
    protection.apply(VIEW_A)
    spy.calls.clear()
    protection.apply((CODE, STACK_A, SHARED_RW))
    assert spy.calls == [(SHARED.start, PAGE_SIZE, RW)]
    expected = [(s, e, RW if s == SHARED.start else p) for s, e, p in EXPECTED_A]
    assert protections(uc) == expected


def test_a_region_growing_changes_only_the_new_pages(spy: SpyUc,
                                                     protection: PageProtection) -> None:
    protection.apply((CODE, STACK_A))
    spy.calls.clear()
    protection.apply((CODE, AccessRegion(STACK_A.start, 0x800, read=True, write=True)))
    assert spy.calls == [(STACK_A.end, 0x400, RW)]


# ---- the engine enforces them ----------------------------------------------------------------

CODE_AT = FLASH + 0x1000
BUFFER = AccessRegion(RAM + 0x1000, MPU_GRANULE, read=True, write=True, name="buffer")


def run_instruction(uc: Any, address: int, instruction: bytes, r0: int = 0, r1: int = 0) -> None:
    uc.mem_write(address, instruction)
    uc.reg_write(UC_ARM_REG_R0, r0)
    uc.reg_write(UC_ARM_REG_R1, r1)
    uc.emu_start(address | 1, address + len(instruction), count=1)


def store_byte(uc: Any, address: int, value: int = 0xAB) -> None:
    run_instruction(uc, CODE_AT, STRB_R1_AT_R0, address, value)


def test_a_store_one_byte_past_a_region_faults(uc: Any, protection: PageProtection) -> None:
    protection.apply((CODE, BUFFER))
    store_byte(uc, BUFFER.end - 1, 0xAB)  # the last byte inside
    assert bytes(uc.mem_read(BUFFER.end - 1, 1)) == b"\xab"
    assert protection.take_violation() is None
    with pytest.raises(UcError) as caught:
        store_byte(uc, BUFFER.end, 0xCD)  # one byte past, on the same page
    assert caught.value.errno == UC_ERR_WRITE_PROT
    assert bytes(uc.mem_read(BUFFER.end, 1)) == b"\0"
    assert protection.take_violation() == (BUFFER.end, AccessKind.WRITE)


def test_a_load_from_a_refused_granule_faults_and_loads_nothing(
        uc: Any, protection: PageProtection) -> None:
    uc.mem_write(BUFFER.end, b"\x11\x22\x33\x44")
    protection.apply((CODE, BUFFER))
    with pytest.raises(UcError) as caught:
        run_instruction(uc, CODE_AT, LDR_R1_FROM_R0, BUFFER.end, 0x5555)
    assert caught.value.errno == UC_ERR_READ_PROT
    assert uc.reg_read(UC_ARM_REG_R1) == 0x5555
    assert protection.take_violation() == (BUFFER.end, AccessKind.READ)


def test_after_a_violation_the_page_works_again(uc: Any, protection: PageProtection) -> None:
    protection.apply((CODE, BUFFER))
    before = protections(uc)
    with pytest.raises(UcError):
        store_byte(uc, BUFFER.end)
    protection.take_violation()
    assert protections(uc) == before
    store_byte(uc, BUFFER.start, 0x77)
    assert bytes(uc.mem_read(BUFFER.start, 1)) == b"\x77"


def test_a_privileged_context_may_access_watched_pages(uc: Any,
                                                       protection: PageProtection) -> None:
    protection.apply((CODE, BUFFER))
    protection.apply(None)
    store_byte(uc, BUFFER.end, 0x42)
    assert bytes(uc.mem_read(BUFFER.end, 1)) == b"\x42"
    assert protection.take_violation() is None


def test_a_store_to_a_read_only_region_faults(uc: Any, protection: PageProtection) -> None:
    protection.apply((CODE, SHARED))
    with pytest.raises(UcError) as caught:
        store_byte(uc, SHARED.start)
    assert caught.value.errno == UC_ERR_WRITE_PROT


def test_switching_views_moves_the_fault(uc: Any, protection: PageProtection) -> None:
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
    protection.apply((AccessRegion(FLASH, 0x4000, read=True), BUFFER))
    with pytest.raises(UcError) as caught:
        store_byte(uc, BUFFER.start)
    assert caught.value.errno == UC_ERR_FETCH_PROT


def test_execution_is_checked_per_granule(uc: Any, protection: PageProtection) -> None:
    code = AccessRegion(RAM + 0x4000, MPU_GRANULE, read=True, execute=True, name="ram code")
    protection.apply((CODE, code))
    run_instruction(uc, code.start, MOVS_R4_42)
    assert uc.reg_read(UC_ARM_REG_R4) == 42
    uc.reg_write(UC_ARM_REG_R4, 0)
    run_instruction(uc, code.end, MOVS_R4_42)  # the next granule: same page, no execute
    assert protection.take_violation() == (code.end, AccessKind.EXECUTE)
    assert uc.reg_read(UC_ARM_REG_R4) == 0  # stopped before the instruction


# An IT block whose first instruction loads from a watched page, then a branch to a new
# block: Unicorn leaves the IT bits set when it calls a memory hook, and unless the guard
# clears them the next block runs as if still inside the IT block: the nop takes the
# load's "then" slot and `movs r4, #42` an "else" slot, false here, so it is skipped.
IT_BLOCK_THEN_BRANCH = bytes.fromhex(
    "0022"  # movs r2, #0
    "002a"  # cmp r2, #0
    "0ebf"  # itee eq
    "0168"  # ldreq r1, [r0]   (the watched page)
    "0123"  # movne r3, #1
    "0223"  # movne r3, #2
    "00e0"  # b.n +4
    "00bf"  # nop
    "00bf"  # nop (the branch target)
    "2a24"  # movs r4, #42
)


@pytest.mark.parametrize("privileged", [False, True])
def test_a_load_in_an_it_block_on_a_watched_page_leaves_later_code_intact(
        uc: Any, protection: PageProtection, privileged: bool) -> None:
    view: MemoryView = (CODE, BUFFER)
    protection.apply(view)
    if privileged:
        protection.apply(None)
    uc.mem_write(CODE_AT, IT_BLOCK_THEN_BRANCH)
    uc.reg_write(UC_ARM_REG_R0, BUFFER.start)
    uc.reg_write(UC_ARM_REG_R4, 0)
    uc.emu_start(CODE_AT | 1, CODE_AT + len(IT_BLOCK_THEN_BRANCH))
    assert uc.reg_read(UC_ARM_REG_R4) == 42
    assert protection.take_violation() is None


# ---- against a per-granule model -------------------------------------------------------------

AREA_PAGES = 4  # random regions stay in the first 4 pages of each block


def granule_model(view: MemoryView, address: int) -> int:
    for region in reversed(view):
        if region.start <= address < region.end:
            return ((R if region.read else 0) | (UC_PROT_WRITE if region.write else 0)
                    | (UC_PROT_EXEC if region.execute else 0))
    return NONE


def page_model(view: MemoryView | None) -> Protections:
    """Each page's protection: the union of its granules' rights, merged like
    `protections`."""
    pages: list[tuple[int, int, int]] = []
    for start, end in BLOCKS:
        for page in range(start, end, PAGE_SIZE):
            perms = ALL
            if view is not None:
                perms = 0
                for granule in range(page, page + PAGE_SIZE, MPU_GRANULE):
                    perms |= granule_model(view, granule)
            if page > start and pages[-1][2] == perms:
                pages[-1] = (pages[-1][0], page + PAGE_SIZE - 1, perms)
            else:
                pages.append((page, page + PAGE_SIZE - 1, perms))
    return pages


region_strategy = st.builds(
    lambda base, granule, granules, read, write, execute: AccessRegion(
        base + granule * MPU_GRANULE, granules * MPU_GRANULE, read=read, write=write,
        execute=execute,
    ),
    st.sampled_from([FLASH, RAM]),
    st.integers(0, AREA_PAGES * PAGE_SIZE // MPU_GRANULE - 1),
    st.integers(1, 40),
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


@settings(max_examples=25, deadline=None)
@given(st.lists(region_strategy, max_size=5).map(tuple), st.data())
def test_stores_fault_exactly_where_the_view_refuses_them(view: MemoryView,
                                                          data: st.DataObject) -> None:
    uc = make_engine()
    protection = PageProtection(uc, BLOCKS)
    full_view = (*view, CODE)  # last, so that the store instruction stays executable
    protection.apply(full_view)
    for _ in range(8):
        address = RAM + data.draw(st.integers(0, AREA_PAGES * PAGE_SIZE - 1))
        allowed = granule_model(full_view, address) & UC_PROT_WRITE
        try:
            store_byte(uc, address, 0x5A)
            faulted = False
        except UcError:
            faulted = True
        assert faulted == (not allowed), hex(address)
        violation = protection.take_violation()
        if violation is not None:  # the guard's, on a page shared by different rights
            assert violation == (address, AccessKind.WRITE)
            assert faulted


def test_edges_are_watched_where_rights_drop_at_the_end_of_an_unwatched_page(
        protection: PageProtection) -> None:
    """An access may cross a page end from its last bytes: Unicorn checks only the first
    page, so the guard watches those bytes where the next page grants less."""
    plan = plan_view(VIEW_A, tuple(BLOCKS))
    # Code (read) ends at FLASH + 0x4000, stack a (read/write) at its page end; the
    # shared page is watched whole, and nothing follows the block ends.
    assert plan.data_edges == {FLASH + 0x4000, STACK_A.end}
    protection.apply(VIEW_A)
    assert protection.watched_edges == 2
    protection.apply(VIEW_B)  # stack b's end joins; edges, like pages, stay watched
    assert protection.watched_edges == 3
