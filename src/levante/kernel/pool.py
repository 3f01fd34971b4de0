"""A first-fit allocator over a range of kernel memory (dynamic kernel objects)."""

from __future__ import annotations

import bisect


class MemoryPool:
    """Hands out aligned blocks of [base, base+size); the kernel owns the bookkeeping,
    so nothing a thread writes can corrupt it."""

    def __init__(self, base: int, size: int) -> None:
        self.base = base
        self.size = size
        self._blocks: list[tuple[int, int]] = []  # (start, size) in use, sorted

    def allocate(self, size: int, alignment: int = 8) -> int | None:
        """The start of a free block of `size` bytes aligned to `alignment`, or None."""
        start = self.find(size, alignment)
        if start is not None:
            self.claim(start, size)
        return start

    def find(self, size: int, alignment: int = 8) -> int | None:
        """Where `allocate` would place the block, changing nothing (None: no room)."""
        if size <= 0:
            return None
        candidate = _align_up(self.base, alignment)
        for start, length in self._blocks:
            if candidate + size <= start:
                break
            candidate = max(candidate, _align_up(start + length, alignment))
        if candidate + size > self.base + self.size:
            return None
        return candidate

    def claim(self, start: int, size: int) -> None:
        """Take the block `find` returned (nothing may have been allocated since)."""
        bisect.insort(self._blocks, (start, size))

    def block_size(self, start: int) -> int | None:
        """The size of the block that starts at `start`, or None."""
        index = bisect.bisect_left(self._blocks, (start, 0))
        if index < len(self._blocks) and self._blocks[index][0] == start:
            return self._blocks[index][1]
        return None

    def free(self, start: int) -> bool:
        for index, (block_start, _) in enumerate(self._blocks):
            if block_start == start:
                del self._blocks[index]
                return True
        return False

    @property
    def used(self) -> int:
        return sum(length for _, length in self._blocks)


def _align_up(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment
