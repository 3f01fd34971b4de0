"""Memory partitions and domains: add_partition's checks and the MPU view of a user thread."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levante.abi import ERRNO, PARTITION_ACCESS_BITS, PARTITION_ATTRIBUTES
from levante.arch.interface import AccessRegion
from levante.arch.mpu import MpuError, MpuModel, mpu_for
from levante.kernel.memdomain import (
    FIXED_REGIONS,
    DomainRules,
    MemoryDomain,
    Partition,
    thread_view,
)
from levante.kernel.thread import Thread

EINVAL = -ERRNO["EINVAL"]

P_RW_U_RW = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RW_U_RW"]
P_RW_U_RO = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RW_U_RO"]
P_RW_U_NA = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RW_U_NA"]
P_RO_U_RO = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RO_U_RO"]
P_RWX_U_RWX = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RWX_U_RWX"]
P_RWX_U_RX = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RWX_U_RX"]
P_RX_U_RX = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RX_U_RX"]

CODE = (0x0000_0000, 0x0001_0000)
STACK = (0x2000_4000, 0x400)

V7 = mpu_for("armv7m", 8)
V8 = mpu_for("armv8m", 16)


def rules(mpu: MpuModel = V7, execute_xor_write: bool = True) -> DomainRules:
    return DomainRules(mpu, mpu.partition_capacity(FIXED_REGIONS), execute_xor_write)


def domain(*partitions: Partition) -> MemoryDomain:
    return MemoryDomain(0x2000_0800, list(partitions))


def user_thread(memory_domain: MemoryDomain | None = None) -> Thread:
    thread = Thread(0x2000_0400, "app", 5, 0, context=None)
    thread.user = True
    thread.stack_object = STACK
    thread.domain = memory_domain
    return thread


# ---- Partition ----------------------------------------------------------------------------


def test_partition_end_and_overlap() -> None:
    a = Partition(0x2000_1000, 0x100, P_RW_U_RW)
    assert a.end == 0x2000_1100
    assert a.overlaps(Partition(0x2000_10FF, 1, P_RW_U_RW))
    assert a.overlaps(Partition(0x2000_0000, 0x2000, P_RW_U_RW))  # containing it
    assert not a.overlaps(Partition(0x2000_1100, 0x100, P_RW_U_RW))  # adjacent after
    assert not a.overlaps(Partition(0x2000_0F00, 0x100, P_RW_U_RW))  # adjacent before


@pytest.mark.parametrize(
    ("attr", "read", "write", "execute"),
    [
        (P_RW_U_RW, True, True, False),
        (P_RW_U_RO, True, False, False),
        (P_RW_U_NA, False, False, False),
        (P_RO_U_RO, True, False, False),
        (P_RWX_U_RWX, True, True, True),
        (P_RWX_U_RX, True, False, True),
        (P_RX_U_RX, True, False, True),
    ],
)
def test_partition_region_takes_the_user_rights(attr: int, read: bool, write: bool,
                                                execute: bool) -> None:
    region = Partition(0x2000_1000, 0x100, attr, "part").region()
    assert (region.start, region.size, region.name) == (0x2000_1000, 0x100, "part")
    assert (region.read, region.write, region.execute) == (read, write, execute)


def test_unnamed_partition_region_is_named_by_address() -> None:
    assert Partition(0x2000_1000, 0x100, P_RW_U_RW).region().name == "partition 0x20001000"


@given(attr=st.integers(0, 0x3F))
def test_privileged_bits_never_give_user_rights(attr: int) -> None:
    region = Partition(0x2000_1000, 0x100, attr).region()
    assert region.read is bool(attr & PARTITION_ACCESS_BITS["U_READ"])
    assert region.write is bool(attr & PARTITION_ACCESS_BITS["U_WRITE"])
    assert region.execute is bool(attr & PARTITION_ACCESS_BITS["U_EXECUTE"])


# ---- DomainRules.partition_error -------------------------------------------------------------


@pytest.mark.parametrize("mpu", [V7, V8], ids=["armv7m", "armv8m"])
@pytest.mark.parametrize("attr", [P_RW_U_RW, P_RW_U_RO, P_RW_U_NA, P_RO_U_RO, P_RX_U_RX])
def test_well_formed_partitions_are_accepted(mpu: MpuModel, attr: int) -> None:
    assert rules(mpu).partition_error(domain(), Partition(0x2000_1000, 0x400, attr)) == 0


@pytest.mark.parametrize("attr", [P_RWX_U_RWX, P_RWX_U_RX])
def test_writable_and_executable_is_refused_only_under_w_xor_x(attr: int) -> None:
    partition = Partition(0x2000_1000, 0x400, attr)
    assert rules(execute_xor_write=True).partition_error(domain(), partition) == EINVAL
    assert rules(execute_xor_write=False).partition_error(domain(), partition) == 0


def test_privileged_write_with_user_execute_is_refused_under_w_xor_x() -> None:
    # Writable by the kernel, executable by the user: still both, so refused.
    attr = PARTITION_ACCESS_BITS["P_WRITE"] | PARTITION_ACCESS_BITS["U_EXECUTE"]
    partition = Partition(0x2000_1000, 0x400, attr)
    assert rules().partition_error(domain(), partition) == EINVAL
    assert rules(execute_xor_write=False).partition_error(domain(), partition) == 0


@pytest.mark.parametrize("mpu", [V7, V8], ids=["armv7m", "armv8m"])
def test_zero_size_is_refused(mpu: MpuModel) -> None:
    partition = Partition(0x2000_1000, 0, P_RW_U_RW)
    assert rules(mpu, execute_xor_write=False).partition_error(domain(), partition) == EINVAL


@pytest.mark.parametrize("mpu", [V7, V8], ids=["armv7m", "armv8m"])
def test_wrapping_past_the_address_space_is_refused(mpu: MpuModel) -> None:
    wraps = Partition(0xFFFF_F000, 0x2000, P_RW_U_RW)
    assert rules(mpu).partition_error(domain(), wraps) == EINVAL
    top = Partition(0xFFFF_F000, 0x1000, P_RW_U_RW)  # ends exactly at 2**32
    assert rules(mpu).partition_error(domain(), top) == 0


@pytest.mark.parametrize("mpu", [V7, V8], ids=["armv7m", "armv8m"])
def test_overlap_within_the_domain_is_refused(mpu: MpuModel) -> None:
    existing = Partition(0x2000_1000, 0x400, P_RW_U_RW)
    members = domain(existing)
    check = rules(mpu).partition_error
    assert check(members, Partition(0x2000_1000, 0x400, P_RO_U_RO)) == EINVAL  # identical
    assert check(members, Partition(0x2000_1200, 0x200, P_RW_U_RW)) == EINVAL  # inside
    assert check(members, Partition(0x2000_0000, 0x2000, P_RW_U_RW)) == EINVAL  # around
    assert check(members, Partition(0x2000_1400, 0x400, P_RW_U_RW)) == 0  # adjacent
    assert check(members, Partition(0x2000_0C00, 0x400, P_RW_U_RW)) == 0
    # Other domains' partitions do not matter.
    assert check(domain(), Partition(0x2000_1000, 0x400, P_RW_U_RW)) == 0


@pytest.mark.parametrize(
    ("start", "size"),
    [
        (0x2000_1000, 0x300),  # not a power of two
        (0x2000_1100, 0x200),  # not aligned to its size
        (0x2000_1000, 0x10),  # below the 32-byte minimum
        (0x2000_1020, 0x40),
    ],
)
def test_shapes_armv7m_cannot_express_are_refused(start: int, size: int) -> None:
    partition = Partition(start, size, P_RW_U_RW)
    assert rules(V7).partition_error(domain(), partition) == EINVAL


def test_armv8m_accepts_granular_shapes_armv7m_refuses() -> None:
    partition = Partition(0x2000_1020, 0x60, P_RW_U_RW)
    assert rules(V8).partition_error(domain(), partition) == 0
    assert rules(V7).partition_error(domain(), partition) == EINVAL
    off_grid = Partition(0x2000_1010, 0x60, P_RW_U_RW)
    assert rules(V8).partition_error(domain(), off_grid) == EINVAL
    odd_size = Partition(0x2000_1020, 0x50, P_RW_U_RW)
    assert rules(V8).partition_error(domain(), odd_size) == EINVAL


@given(
    start=st.integers(0, (1 << 32) - 1).map(lambda value: value & ~0x1F),
    size_log=st.integers(5, 16),
)
def test_armv7m_accepts_exactly_the_aligned_power_of_two_partitions(start: int,
                                                                    size_log: int) -> None:
    size = 1 << size_log
    partition = Partition(start, size, P_RW_U_RW)
    expressible = start % size == 0 and start + size <= 1 << 32
    assert (rules(V7).partition_error(domain(), partition) == 0) is expressible


# ---- thread_view ------------------------------------------------------------------------------


def test_a_thread_without_a_domain_gets_code_and_stack() -> None:
    view = thread_view(V7, CODE, user_thread())
    assert len(view) == 2
    code, stack = view
    assert (code.start, code.size) == CODE
    assert (code.read, code.write, code.execute) == (True, False, True)
    assert (stack.start, stack.size) == STACK
    assert (stack.read, stack.write, stack.execute) == (True, True, False)
    assert "app" in stack.name


@pytest.mark.parametrize("mpu", [V7, V8], ids=["armv7m", "armv8m"])
def test_partitions_follow_code_and_stack_with_user_rights(mpu: MpuModel) -> None:
    partitions = (
        Partition(0x2000_1000, 0x400, P_RW_U_RW, "shared"),
        Partition(0x2000_2000, 0x200, P_RW_U_RO, "config"),
        Partition(0x2000_3000, 0x100, P_RW_U_NA, "kernel only"),
    )
    view = thread_view(mpu, CODE, user_thread(domain(*partitions)))
    assert view[2:] == tuple(partition.region() for partition in partitions)
    rights = [(r.name, r.read, r.write, r.execute) for r in view[2:]]
    assert rights == [
        ("shared", True, True, False),
        ("config", True, False, False),
        ("kernel only", False, False, False),
    ]


def test_an_empty_domain_adds_no_regions() -> None:
    assert len(thread_view(V8, CODE, user_thread(domain()))) == 2


def test_too_many_regions_raise_mpu_error() -> None:
    small = mpu_for("armv7m", 4)
    fits = domain(*(Partition(0x2000_1000 + 0x100 * i, 0x100, P_RW_U_RW) for i in range(2)))
    assert len(thread_view(small, CODE, user_thread(fits))) == 4
    fits.partitions.append(Partition(0x2000_1200, 0x100, P_RW_U_RW))
    with pytest.raises(MpuError, match="5 regions needed"):
        thread_view(small, CODE, user_thread(fits))


def test_armv8m_refuses_a_partition_overlapping_the_stack() -> None:
    over_stack = domain(Partition(STACK[0], 0x100, P_RW_U_RO))
    with pytest.raises(MpuError, match="overlap"):
        thread_view(V8, CODE, user_thread(over_stack))
    # ARMv7-M resolves the overlap by region order: the partition wins.
    view = thread_view(V7, CODE, user_thread(over_stack))
    assert view[-1].start == STACK[0] and not view[-1].write


def test_an_unexpressible_stack_raises_mpu_error() -> None:
    thread = user_thread()
    thread.stack_object = (0x2000_4010, 0x300)
    with pytest.raises(MpuError):
        thread_view(V7, CODE, thread)


def test_code_region_must_be_expressible_too() -> None:
    with pytest.raises(MpuError):
        thread_view(V7, (0x0, 0x3000), user_thread())
    assert thread_view(V8, (0x0, 0x3000), user_thread())[0] == AccessRegion(
        0x0, 0x3000, read=True, execute=True, name="code and rodata")
