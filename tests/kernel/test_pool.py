"""The first-fit memory pool of dynamic kernel objects: alignment, no overlap, reuse."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from levante.kernel.pool import MemoryPool

BASE = 0x2001_0000


def test_blocks_are_aligned_and_inside_the_pool() -> None:
    pool = MemoryPool(BASE + 4, 0x400)  # a base that is only 4-byte aligned
    first = pool.allocate(10)
    assert first == BASE + 8  # default alignment 8
    second = pool.allocate(16, alignment=64)
    assert second == BASE + 64
    third = pool.allocate(4, alignment=1)
    assert third == BASE + 4  # the unaligned start of the pool, before the first block
    fourth = pool.allocate(3, alignment=1)
    assert fourth == BASE + 18  # right after the first block
    assert pool.used == 10 + 16 + 4 + 3


def test_a_large_alignment_skips_to_the_next_boundary() -> None:
    pool = MemoryPool(BASE, 0x1000)
    assert pool.allocate(8) == BASE
    assert pool.allocate(0x100, alignment=0x400) == BASE + 0x400
    assert pool.allocate(8) == BASE + 8  # the gap below is used first


def test_non_positive_sizes_are_refused() -> None:
    pool = MemoryPool(BASE, 0x100)
    assert pool.allocate(0) is None
    assert pool.allocate(-8) is None
    assert pool.used == 0


def test_an_exhausted_pool_returns_none() -> None:
    pool = MemoryPool(BASE, 0x40)
    assert pool.allocate(0x41) is None
    blocks = [pool.allocate(0x10) for _ in range(4)]
    assert blocks == [BASE, BASE + 0x10, BASE + 0x20, BASE + 0x30]
    assert pool.allocate(1, alignment=1) is None
    assert pool.used == 0x40


def test_a_block_filling_the_pool_exactly_fits() -> None:
    pool = MemoryPool(BASE, 0x40)
    assert pool.allocate(0x40) == BASE
    assert pool.allocate(1) is None


def test_alignment_can_push_a_block_out_of_the_pool() -> None:
    pool = MemoryPool(BASE + 8, 0x100)
    assert pool.allocate(0x10, alignment=0x100) is None  # BASE+0x100+0x10 > end
    assert pool.allocate(0xF8, alignment=0x100) is None
    assert pool.allocate(0xF8, alignment=8) == BASE + 8


def test_freed_space_is_reused() -> None:
    pool = MemoryPool(BASE, 0x30)
    a, b, c = (pool.allocate(0x10) for _ in range(3))
    assert a is not None and b is not None and c is not None
    assert pool.allocate(0x10) is None
    assert pool.free(b) is True
    assert pool.used == 0x20
    assert pool.allocate(0x10) == b
    assert pool.free(a) and pool.free(b)
    assert pool.allocate(0x20) == a  # freed neighbours are one free range again
    assert pool.allocate(0x10) is None
    assert pool.free(c)
    assert pool.allocate(0x10) == c


def test_free_of_an_unknown_or_freed_address_is_false() -> None:
    pool = MemoryPool(BASE, 0x100)
    block = pool.allocate(0x10)
    assert block is not None
    assert pool.free(block + 8) is False  # not the start of a block
    assert pool.free(block) is True
    assert pool.free(block) is False  # double free
    assert pool.used == 0


def test_a_gap_too_small_is_skipped() -> None:
    pool = MemoryPool(BASE, 0x100)
    a = pool.allocate(0x10)
    pool.allocate(0x10)
    assert a is not None and pool.free(a)
    assert pool.allocate(0x18) == BASE + 0x20  # the 0x10-byte hole cannot hold it
    assert pool.allocate(0x10) == BASE  # but a 0x10 block fits there


# ---- against a model ------------------------------------------------------------------------

POOL_BASE = BASE + 4
POOL_SIZE = 0x100
ALIGNMENTS = (1, 2, 4, 8, 16, 32, 64)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("allocate"), st.integers(-2, 0x60), st.sampled_from(ALIGNMENTS)),
        st.tuples(st.just("free"), st.integers(0, 15), st.just(0)),
    ),
    max_size=40,
)


def first_fit(live: dict[int, int], size: int, alignment: int) -> int | None:
    """The lowest aligned address where `size` bytes fit without touching a live block."""
    if size <= 0:
        return None
    for start in range(POOL_BASE, POOL_BASE + POOL_SIZE - size + 1):
        if start % alignment:
            continue
        if all(start + size <= other or other + length <= start
               for other, length in live.items()):
            return start
    return None


@given(operations)
def test_random_allocations_and_frees_match_a_first_fit_model(
        steps: list[tuple[str, int, int]]) -> None:
    pool = MemoryPool(POOL_BASE, POOL_SIZE)
    live: dict[int, int] = {}  # start -> size
    for kind, value, alignment in steps:
        if kind == "allocate":
            expected = first_fit(live, value, alignment)
            start = pool.allocate(value, alignment)
            assert start == expected
            if start is not None:
                assert start % alignment == 0
                assert POOL_BASE <= start and start + value <= POOL_BASE + POOL_SIZE
                for other, length in live.items():
                    assert start + value <= other or other + length <= start
                live[start] = value
        else:
            if live:
                victim = sorted(live)[value % len(live)]
                assert pool.free(victim) is True
                del live[victim]
            else:
                assert pool.free(POOL_BASE + value) is False
        assert pool.used == sum(live.values())
