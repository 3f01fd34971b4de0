"""MPU models: which regions ARMv7-M and ARMv8-M hardware accept, and how ranges are covered."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levante.arch.interface import AccessRegion
from levante.arch.mpu import ArmV7mMpu, ArmV8mMpu, MpuError, MpuModel, mpu_for
from levante.config.board import board_names, load_board

FOUR_GIB = 2**32

v7 = ArmV7mMpu(region_count=8)
v8 = ArmV8mMpu(region_count=16)


def region(start: int, size: int, name: str = "") -> AccessRegion:
    return AccessRegion(start, size, name=name)


def refusal(mpu: MpuModel, *regions: AccessRegion) -> str:
    """The message of the MpuError that laying out `regions` raises."""
    with pytest.raises(MpuError) as caught:
        mpu.layout(regions)
    return caught.value.message


# --- choosing a model -------------------------------------------------------------------


def test_mpu_for_builds_the_named_model_with_its_region_count() -> None:
    armv7m = mpu_for("armv7m", 8)
    armv8m = mpu_for("armv8m", 16)
    assert isinstance(armv7m, ArmV7mMpu) and armv7m.region_count == 8
    assert isinstance(armv8m, ArmV8mMpu) and armv8m.region_count == 16
    assert (armv7m.name, armv8m.name) == ("ARMv7-M", "ARMv8-M")


def test_mpu_for_refuses_an_unknown_model_and_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="armv6m.*armv7m, armv8m"):
        mpu_for("armv6m", 8)


def test_an_mpu_needs_at_least_one_region() -> None:
    with pytest.raises(ValueError):
        ArmV7mMpu(0)


@pytest.mark.parametrize("board_name", board_names())
def test_every_board_names_a_known_mpu(board_name: str) -> None:
    board = load_board(board_name)
    mpu = mpu_for(board.mpu_model, board.mpu_regions)
    assert mpu.region_count == board.mpu_regions


# --- rules shared by both models --------------------------------------------------------


@pytest.mark.parametrize("mpu", [v7, v8], ids=["v7", "v8"])
def test_a_zero_size_region_is_refused(mpu: MpuModel) -> None:
    assert "size greater than zero" in refusal(mpu, region(0x2000_0000, 0, "empty"))


@pytest.mark.parametrize("mpu", [v7, v8], ids=["v7", "v8"])
def test_a_region_wrapping_past_4_gib_is_refused(mpu: MpuModel) -> None:
    message = refusal(mpu, region(FOUR_GIB - 32, 64, "wrap"))
    assert "'wrap' at 0xffffffe0 (64 bytes)" in message
    assert "32-bit address space" in message


@pytest.mark.parametrize("mpu", [v7, v8], ids=["v7", "v8"])
def test_a_region_ending_exactly_at_4_gib_is_accepted(mpu: MpuModel) -> None:
    top = region(FOUR_GIB - 0x1000, 0x1000)
    assert mpu.layout([top]) == (top,)


@pytest.mark.parametrize("mpu", [v7, v8], ids=["v7", "v8"])
def test_too_many_regions_are_refused_with_both_counts(mpu: MpuModel) -> None:
    needed = mpu.region_count + 1
    regions = [region(0x2000_0000 + index * 0x100, 0x100) for index in range(needed)]
    message = refusal(mpu, *regions)
    assert f"{needed} regions needed" in message
    assert f"{mpu.name} MPU has only {mpu.region_count}" in message


@pytest.mark.parametrize("mpu", [v7, v8], ids=["v7", "v8"])
def test_exactly_region_count_regions_fit(mpu: MpuModel) -> None:
    regions = [region(0x2000_0000 + index * 0x100, 0x100) for index in range(mpu.region_count)]
    assert mpu.layout(regions) == tuple(regions)


def test_layout_keeps_the_given_order() -> None:
    high, low = region(0x2000_1000, 0x100, "high"), region(0x2000_0000, 0x100, "low")
    assert v8.layout([high, low]) == (high, low)
    assert v7.layout([high, low]) == (high, low)


def test_an_empty_layout_is_accepted() -> None:
    assert v7.layout([]) == () and v8.layout([]) == ()


def test_partition_capacity_is_what_the_fixed_regions_leave() -> None:
    assert v7.partition_capacity(3) == 5
    assert v8.partition_capacity(16) == 0
    assert v7.partition_capacity(10) == 0


# --- ARMv7-M ----------------------------------------------------------------------------


def test_v7_message_names_the_region_its_address_size_and_rule() -> None:
    message = refusal(v7, region(0x2000_1010, 100, "part0"))
    assert message == (
        "region 'part0' at 0x20001010 (100 bytes): "
        "ARMv7-M regions need a power-of-two size of at least 32 bytes"
    )


@pytest.mark.parametrize("size", [16, 48, 96, 0x300, 0x1001])
def test_v7_refuses_sizes_that_are_not_a_power_of_two_of_at_least_32(size: int) -> None:
    assert "power-of-two size of at least 32" in refusal(v7, region(0x2000_0000, size))


def test_v7_refuses_a_base_not_aligned_to_the_size() -> None:
    message = refusal(v7, region(0x2000_0100, 0x400, "stack"))
    assert "'stack' at 0x20000100 (1024 bytes)" in message
    assert "aligned to their size (0x400)" in message


@pytest.mark.parametrize(
    ("start", "size"), [(0x2000_0000, 32), (0x2000_0400, 0x400), (0x0, FOUR_GIB), (0x20, 32)]
)
def test_v7_accepts_aligned_power_of_two_regions(start: int, size: int) -> None:
    v7.check_region(region(start, size))
    assert v7.is_expressible(start, size)


def test_v7_allows_overlapping_regions() -> None:
    background = region(0x2000_0000, 0x1_0000, "sram")
    guard = region(0x2000_0400, 0x20, "guard")
    assert v7.layout([background, guard]) == (background, guard)


@pytest.mark.parametrize(
    ("start", "size", "covering"),
    [
        (0x2000_0000, 1, (0x2000_0000, 32)),
        (0x2000_1010, 100, (0x2000_1000, 128)),
        (0x2000_0100, 0x300, (0x2000_0000, 0x400)),
        # Straddles a 64 KiB boundary, so only a 128 KiB block holds both sides.
        (0x2000_FFF0, 0x20, (0x2000_0000, 0x2_0000)),
        (0x2000_0400, 0x400, (0x2000_0400, 0x400)),
        (FOUR_GIB - 1, 1, (FOUR_GIB - 32, 32)),
    ],
)
def test_v7_covering_region(start: int, size: int, covering: tuple[int, int]) -> None:
    assert v7.covering_region(start, size) == covering


def test_v7_crossing_the_middle_of_the_address_space_needs_all_of_it() -> None:
    assert v7.covering_region(0x7FFF_FFF0, 0x20) == (0, FOUR_GIB)


# --- ARMv8-M ----------------------------------------------------------------------------


def test_v8_refuses_a_base_off_the_32_byte_grid() -> None:
    message = refusal(v8, region(0x2000_0010, 64, "data"))
    assert message == (
        "region 'data' at 0x20000010 (64 bytes): "
        "ARMv8-M regions need a start address that is a multiple of 32"
    )


@pytest.mark.parametrize("size", [16, 33, 100])
def test_v8_refuses_sizes_off_the_32_byte_grid(size: int) -> None:
    assert "size that is a multiple of 32 bytes" in refusal(v8, region(0x2000_0000, size))


@pytest.mark.parametrize(
    ("start", "size"), [(0x2000_0020, 96), (0x2000_1000, 0x160), (0x2000_0060, 64)]
)
def test_v8_accepts_32_byte_granular_regions_that_v7_would_not(start: int, size: int) -> None:
    assert v8.is_expressible(start, size)
    assert not v7.is_expressible(start, size)


def test_v8_refuses_overlapping_regions_naming_both() -> None:
    flash = region(0x0800_0000, 0x1000, "text")
    stack = region(0x2000_0000, 0x400, "stack")
    heap = region(0x2000_0200, 0x400, "heap")
    message = refusal(v8, flash, heap, stack)
    assert "'stack' at 0x20000000 (1024 bytes)" in message
    assert "'heap' at 0x20000200 (1024 bytes)" in message
    assert "must not overlap" in message


def test_v8_refuses_a_region_nested_inside_another_given_later() -> None:
    outer = region(0x2000_0000, 0x1000, "outer")
    apart = region(0x0800_0000, 0x1000, "apart")
    inner = region(0x2000_0800, 0x20, "inner")
    with pytest.raises(MpuError) as caught:
        v8.layout([inner, apart, outer])
    assert caught.value.regions == (outer, inner)


def test_v8_accepts_regions_that_touch_without_overlapping() -> None:
    low, high = region(0x2000_0000, 0x400), region(0x2000_0400, 0x400)
    assert v8.layout([low, high]) == (low, high)


@pytest.mark.parametrize(
    ("start", "size", "covering"),
    [
        (0x2000_1010, 100, (0x2000_1000, 128)),
        (0x2000_0000, 1, (0x2000_0000, 32)),
        (0x2000_0020, 64, (0x2000_0020, 64)),
        (0x2000_FFF0, 0x20, (0x2000_FFE0, 0x40)),
    ],
)
def test_v8_covering_region(start: int, size: int, covering: tuple[int, int]) -> None:
    assert v8.covering_region(start, size) == covering


@pytest.mark.parametrize("mpu", [v7, v8], ids=["v7", "v8"])
@pytest.mark.parametrize(("start", "size"), [(0, 0), (0x100, -4), (-32, 64), (FOUR_GIB - 8, 16)])
def test_covering_region_refuses_ranges_outside_32_bits(
    mpu: MpuModel, start: int, size: int
) -> None:
    with pytest.raises(ValueError):
        mpu.covering_region(start, size)
    assert not mpu.is_expressible(start, size)


# --- properties -------------------------------------------------------------------------

ranges = st.integers(min_value=0, max_value=FOUR_GIB - 1).flatmap(
    lambda start: st.tuples(st.just(start), st.integers(1, FOUR_GIB - start))
)
models = st.sampled_from([v7, v8])


@given(models, ranges)
def test_covering_region_is_expressible_and_covers_the_range(
    mpu: MpuModel, start_and_size: tuple[int, int]
) -> None:
    start, size = start_and_size
    base, covering_size = mpu.covering_region(start, size)
    mpu.check_region(region(base, covering_size))
    assert base <= start and start + size <= base + covering_size


@given(models, ranges)
def test_an_expressible_range_is_its_own_covering_region(
    mpu: MpuModel, start_and_size: tuple[int, int]
) -> None:
    start, size = start_and_size
    covering = mpu.covering_region(start, size)
    assert (covering == (start, size)) == mpu.is_expressible(start, size)


@given(ranges)
def test_v7_covering_region_is_the_smallest_aligned_block(start_and_size: tuple[int, int]) -> None:
    start, size = start_and_size
    base, covering_size = v7.covering_region(start, size)
    if covering_size > 32:
        # Neither aligned half-size block holding `start` reaches the end of the range.
        half = covering_size // 2
        assert (start - start % half) + half < start + size


@given(st.integers(0, FOUR_GIB), st.integers(0, 2**33))
def test_v7_accepts_only_aligned_powers_of_two_of_at_least_32(start: int, size: int) -> None:
    is_power_of_two = size > 0 and size & (size - 1) == 0
    expected = is_power_of_two and size >= 32 and start % size == 0 and start + size <= FOUR_GIB
    assert v7.is_expressible(start, size) == expected


@given(st.integers(0, FOUR_GIB), st.integers(0, 2**33))
def test_v8_accepts_only_the_32_byte_grid(start: int, size: int) -> None:
    expected = size >= 32 and start % 32 == 0 and size % 32 == 0 and start + size <= FOUR_GIB
    assert v8.is_expressible(start, size) == expected


@given(st.lists(st.tuples(st.integers(0, 2**20), st.integers(1, 2**12)), max_size=6))
def test_v8_refuses_a_layout_exactly_when_two_regions_share_an_address(
    blocks: list[tuple[int, int]],
) -> None:
    # Granule-aligned blocks, so only the overlap rule can refuse the layout.
    regions = [region(index * 32, count * 32) for index, count in blocks]
    overlapping = any(
        a.start < b.end and b.start < a.end
        for position, a in enumerate(regions)
        for b in regions[position + 1 :]
    )
    if overlapping:
        with pytest.raises(MpuError, match="must not overlap"):
            v8.layout(regions)
    else:
        assert v8.layout(regions) == tuple(regions)
