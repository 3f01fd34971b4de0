"""Flattening memory views into disjoint segments: later regions win, equal neighbours merge."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from levante.arch.interface import AccessKind, AccessRegion, MemoryView
from levante.arch.memview import ADDRESS_SPACE_END, FlatView, Segment, flatten

READ, WRITE, EXECUTE = AccessKind.READ, AccessKind.WRITE, AccessKind.EXECUTE


def rw(start: int, size: int) -> AccessRegion:
    return AccessRegion(start, size, read=True, write=True)


def ro(start: int, size: int) -> AccessRegion:
    return AccessRegion(start, size, read=True)


def rx(start: int, size: int) -> AccessRegion:
    return AccessRegion(start, size, read=True, execute=True)


def none(start: int, size: int) -> AccessRegion:
    return AccessRegion(start, size, read=False)


def rights(segment: Segment) -> tuple[int, int, bool, bool, bool]:
    return (segment.start, segment.end, segment.read, segment.write, segment.execute)


def test_an_empty_view_permits_nothing() -> None:
    flat = flatten(())
    assert flat.segments == ()
    assert not flat.permits(0, 1, READ)
    assert flat.accessible_run(0, READ) == 0
    assert flat.segment_at(0) is None


def test_disjoint_regions_become_sorted_segments() -> None:
    flat = flatten((rw(0x200, 0x100), rx(0x0, 0x100)))
    assert [rights(s) for s in flat.segments] == [
        (0x0, 0x100, True, False, True),
        (0x200, 0x300, True, True, False),
    ]
    assert flat.starts == (0x0, 0x200)
    assert flat.segment_at(0x150) is None
    assert flat.segment_at(0x2FF) == flat.segments[1]
    assert flat.segment_at(0x300) is None


def test_a_later_region_wins_over_an_earlier_one() -> None:
    flat = flatten((rw(0x0, 0x100), ro(0x40, 0x20)))
    assert [rights(s) for s in flat.segments] == [
        (0x0, 0x40, True, True, False),
        (0x40, 0x60, True, False, False),
        (0x60, 0x100, True, True, False),
    ]
    assert not flat.permits(0x50, 1, WRITE)
    assert flat.permits(0x3F, 1, WRITE) and flat.permits(0x60, 1, WRITE)
    assert flat.permits(0x0, 0x100, READ)


def test_an_earlier_region_is_hidden_by_a_later_covering_one() -> None:
    flat = flatten((ro(0x40, 0x20), rw(0x0, 0x100)))
    assert [rights(s) for s in flat.segments] == [(0x0, 0x100, True, True, False)]


def test_a_later_no_access_region_carves_a_hole() -> None:
    flat = flatten((rw(0x0, 0x100), none(0x80, 0x20)))
    assert not flat.permits(0x7F, 2, READ)
    assert flat.accessible_run(0x0, READ) == 0x80
    assert flat.accessible_run(0xA0, WRITE) == 0x60


def test_adjacent_equal_segments_merge() -> None:
    flat = flatten((rw(0x0, 0x40), rw(0x40, 0x40), rw(0x80, 0x40)))
    assert [rights(s) for s in flat.segments] == [(0x0, 0xC0, True, True, False)]
    # Overlapping regions with equal rights merge too.
    flat = flatten((ro(0x0, 0x60), ro(0x40, 0x60)))
    assert [rights(s) for s in flat.segments] == [(0x0, 0xA0, True, False, False)]


def test_adjacent_different_or_separated_segments_stay_apart() -> None:
    flat = flatten((rw(0x0, 0x40), ro(0x40, 0x40), ro(0x90, 0x10)))
    assert [rights(s) for s in flat.segments] == [
        (0x0, 0x40, True, True, False),
        (0x40, 0x80, True, False, False),
        (0x90, 0xA0, True, False, False),
    ]


def test_a_region_split_by_a_later_one_rejoins_when_rights_match() -> None:
    flat = flatten((rw(0x0, 0x100), rw(0x40, 0x20)))
    assert [rights(s) for s in flat.segments] == [(0x0, 0x100, True, True, False)]


def test_zero_size_regions_are_ignored() -> None:
    flat = flatten((rw(0x0, 0x40), none(0x20, 0)))
    assert [rights(s) for s in flat.segments] == [(0x0, 0x40, True, True, False)]


def test_permits_spans_segments_with_the_right() -> None:
    flat = flatten((rw(0x0, 0x40), ro(0x40, 0x40)))
    assert flat.permits(0x30, 0x20, READ)
    assert not flat.permits(0x30, 0x20, WRITE)
    assert not flat.permits(0x30, 0x51, READ)  # one byte past the end


def test_permits_refuses_wrapping_and_negative_ranges() -> None:
    top = flatten((rw(0xFFFF_FF00, 0x100),))
    assert top.permits(0xFFFF_FF00, 0x100, WRITE)
    assert not top.permits(0xFFFF_FF00, 0x101, READ)
    assert not top.permits(0xFFFF_FFFF, 2, READ)
    assert not top.permits(0xFFFF_FF00, -1, READ)
    assert not top.permits(-1, 1, READ)
    whole = flatten((rw(0, ADDRESS_SPACE_END),))
    assert whole.permits(0, ADDRESS_SPACE_END, WRITE)
    assert not whole.permits(1, ADDRESS_SPACE_END, READ)


def test_permits_of_zero_bytes_inside_the_address_space() -> None:
    flat = flatten((rw(0x0, 0x40),))
    assert flat.permits(0x1000, 0, WRITE)


def test_execute_rights() -> None:
    flat = flatten((rx(0x0, 0x100), rw(0x100, 0x100)))
    assert flat.permits(0x0, 0x100, EXECUTE)
    assert not flat.permits(0xFE, 4, EXECUTE)
    assert flat.accessible_run(0x10, EXECUTE) == 0xF0
    assert flat.accessible_run(0x10, READ) == 0x1F0


def test_accessible_run_from_outside_or_a_refusing_segment_is_zero() -> None:
    flat = flatten((ro(0x100, 0x40),))
    assert flat.accessible_run(0xFF, READ) == 0
    assert flat.accessible_run(0x100, WRITE) == 0
    assert flat.accessible_run(0x13F, READ) == 1


def test_flatten_is_cached_per_view() -> None:
    view = (rw(0x0, 0x40), ro(0x20, 0x40))
    assert flatten(view) is flatten(tuple(view))


# ---- against a per-byte model ----------------------------------------------------------------

SPACE = 96  # small views: every byte is checked


def model_allows(view: MemoryView, address: int, access: AccessKind) -> bool:
    """The last region containing the byte decides; no region means no access."""
    for region in reversed(view):
        if region.start <= address < region.end:
            return region.allows(access)
    return False


regions = st.builds(
    AccessRegion,
    start=st.integers(0, SPACE - 1),
    size=st.integers(0, 40),
    read=st.booleans(),
    write=st.booleans(),
    execute=st.booleans(),
)
views = st.lists(regions, max_size=6).map(tuple)
accesses = st.sampled_from(list(AccessKind))


@given(view=views, address=st.integers(0, SPACE + 40), size=st.integers(0, 40), access=accesses)
def test_permits_matches_the_per_byte_model(view: MemoryView, address: int, size: int,
                                            access: AccessKind) -> None:
    expected = all(model_allows(view, byte, access) for byte in range(address, address + size))
    assert flatten(view).permits(address, size, access) is expected


@given(view=views, address=st.integers(0, SPACE + 40), access=accesses)
def test_accessible_run_matches_the_per_byte_model(view: MemoryView, address: int,
                                                   access: AccessKind) -> None:
    run = 0
    while model_allows(view, address + run, access):
        run += 1
    assert flatten(view).accessible_run(address, access) == run


@given(view=views)
def test_segments_are_sorted_disjoint_and_maximal(view: MemoryView) -> None:
    flat: FlatView = flatten(view)
    segments = flat.segments
    assert flat.starts == tuple(segment.start for segment in segments)
    for segment in segments:
        assert segment.start < segment.end
        for byte in (segment.start, segment.end - 1):
            for access in AccessKind:
                assert model_allows(view, byte, access) is segment.allows(access)
    for lower, upper in zip(segments, segments[1:], strict=False):
        assert lower.end <= upper.start
        if lower.end == upper.start:  # touching neighbours differ, or they would merge
            assert rights(lower)[2:] != rights(upper)[2:]
    covered = {byte for segment in segments for byte in range(segment.start, segment.end)}
    in_view = {byte for region in view for byte in range(region.start, region.end)}
    assert covered == in_view
