"""Memory views flattened to disjoint segments: who may do what at each address.

A view lists MPU regions in order, and where two overlap the later one wins (ARMv7-M's
highest-numbered region does; ARMv8-M forbids overlap altogether).  Both the kernel
(checking a user pointer) and the CPU backend (programming page protections) need the
same answer for every address, so both use `flatten`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache

from levante.arch.interface import AccessKind, AccessRegion, MemoryView

ADDRESS_SPACE_END = 1 << 32


@dataclass(frozen=True)
class Segment:
    """A run of addresses with one set of rights (no segment means no access)."""

    start: int
    end: int
    read: bool
    write: bool
    execute: bool
    # The same rights as a set, for a membership test on the hot path.
    allowed: frozenset[AccessKind] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rights = ((AccessKind.READ, self.read), (AccessKind.WRITE, self.write),
                  (AccessKind.EXECUTE, self.execute))
        object.__setattr__(self, "allowed", frozenset(kind for kind, on in rights if on))

    def allows(self, access: AccessKind) -> bool:
        return access in self.allowed


@dataclass(frozen=True)
class FlatView:
    """Disjoint, sorted segments of a view, searchable by address."""

    segments: tuple[Segment, ...]
    starts: tuple[int, ...]

    def segment_at(self, address: int) -> Segment | None:
        index = bisect.bisect_right(self.starts, address) - 1
        if index >= 0 and address < self.segments[index].end:
            return self.segments[index]
        return None

    def permits(self, address: int, size: int, access: AccessKind) -> bool:
        """Whether every byte of [address, address+size) allows `access`.  Ranges that
        wrap past the end of the address space never do (CVE-2020-10067)."""
        if size < 0 or address < 0 or address + size > ADDRESS_SPACE_END:
            return False
        if size == 0:
            return True
        position, end = address, address + size
        segment = self.segment_at(position)
        if segment is not None and end <= segment.end:  # the common case: one segment
            return segment.allows(access)
        while position < end:
            segment = self.segment_at(position)
            if segment is None or not segment.allows(access):
                return False
            position = segment.end
        return True

    def accessible_run(self, address: int, access: AccessKind) -> int:
        """How many bytes from `address` on allow `access` without a gap."""
        position = address
        while (segment := self.segment_at(position)) is not None and segment.allows(access):
            position = segment.end
        return position - address


_BY_IDENTITY: dict[int, tuple[MemoryView, FlatView]] = {}
_IDENTITIES_KEPT = 512


def flatten(view: MemoryView) -> FlatView:
    """The view as disjoint segments; later regions override earlier ones.  Views are
    long-lived values (a thread keeps its view until its domain changes), so the answer
    is found by identity first: hashing a view on every pointer check would cost more
    than the check."""
    cached = _BY_IDENTITY.get(id(view))
    if cached is not None and cached[0] is view:
        return cached[1]
    flat = _flatten(view)
    if len(_BY_IDENTITY) >= _IDENTITIES_KEPT:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[id(view)] = (view, flat)  # the view is kept, so its id stays its own
    return flat


@lru_cache(maxsize=256)
def _flatten(view: MemoryView) -> FlatView:
    """The view as disjoint segments; later regions override earlier ones."""
    boundaries = sorted({edge for region in view for edge in (region.start, region.end)})
    segments: list[Segment] = []
    for start, end in zip(boundaries, boundaries[1:], strict=False):
        owner = _last_region_covering(view, start)
        if owner is None:
            continue
        segment = Segment(start, end, owner.read, owner.write, owner.execute)
        previous = segments[-1] if segments else None
        if previous is not None and previous.end == start and _same_rights(previous, segment):
            segments[-1] = Segment(previous.start, end, segment.read, segment.write,
                                   segment.execute)
        else:
            segments.append(segment)
    return FlatView(tuple(segments), tuple(segment.start for segment in segments))


def _last_region_covering(view: MemoryView, address: int) -> AccessRegion | None:
    for region in reversed(view):
        if region.start <= address < region.end:
            return region
    return None


def _same_rights(a: Segment, b: Segment) -> bool:
    return (a.read, a.write, a.execute) == (b.read, b.write, b.execute)
