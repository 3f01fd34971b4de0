"""Page protections that enforce a context's memory view on Unicorn (the emulated MPU).

Unicorn checks every access against page permissions; with 32-byte pages (the MPU's
granule) a view's regions map onto pages exactly, so an access one byte past a region
faults.  Switching views changes only the ranges whose rights differ: two threads of
one domain differ by their stacks, which keeps a user-to-user switch cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from unicorn import UC_PROT_ALL, UC_PROT_EXEC, UC_PROT_NONE, UC_PROT_READ, UC_PROT_WRITE

from levante.arch.interface import MemoryView
from levante.arch.memview import flatten

MPU_GRANULE = 32

# (start, end, protection), sorted and covering every mapped block exactly.
Cover = list[tuple[int, int, int]]
_TRANSITIONS_KEPT = 256


@dataclass(frozen=True)
class _Transition:
    old: MemoryView | None
    new: MemoryView | None
    changes: list[tuple[int, int, int]]  # (start, size, protection) to apply
    cover: Cover  # the protections once applied


class PageProtection:
    """Keeps the emulator's page permissions equal to the running context's view."""

    def __init__(self, uc: Any, blocks: Sequence[tuple[int, int]]) -> None:
        self._uc = uc
        self._blocks = sorted(blocks)
        self._applied: MemoryView | None = None
        self._cover: Cover = [(start, end, UC_PROT_ALL) for start, end in self._blocks]
        self.changes = 0  # mem_protect calls made (for benchmarks)
        # Switches repeat (thread A to B and back): remember each transition's changes.
        # Keyed by identity, with the views kept in the value so ids cannot be reused.
        self._transitions: dict[tuple[int, int], _Transition] = {}

    def apply(self, view: MemoryView | None) -> None:
        if view is self._applied:
            return
        key = (id(self._applied), id(view))
        transition = self._transitions.get(key)
        if transition is None or transition.old is not self._applied or transition.new is not view:
            target = self._cover_for(view)
            transition = _Transition(self._applied, view, _differences(self._cover, target),
                                     target)
            if len(self._transitions) >= _TRANSITIONS_KEPT:
                self._transitions.clear()
            self._transitions[key] = transition
        for start, size, protection in transition.changes:
            self._uc.mem_protect(start, size, protection)
        self.changes += len(transition.changes)
        self._cover = transition.cover
        self._applied = view

    def _cover_for(self, view: MemoryView | None) -> Cover:
        if view is None:
            return [(start, end, UC_PROT_ALL) for start, end in self._blocks]
        segments = flatten(view).segments
        cover: Cover = []
        for block_start, block_end in self._blocks:
            position = block_start
            for segment in segments:
                start, end = max(segment.start, block_start), min(segment.end, block_end)
                if start >= end:
                    continue
                if position < start:
                    cover.append((position, start, UC_PROT_NONE))
                protection = (
                    (UC_PROT_READ if segment.read else 0)
                    | (UC_PROT_WRITE if segment.write else 0)
                    | (UC_PROT_EXEC if segment.execute else 0)
                )
                cover.append((start, end, protection))
                position = end
            if position < block_end:
                cover.append((position, block_end, UC_PROT_NONE))
        return cover


def _differences(current: Cover, target: Cover) -> list[tuple[int, int, int]]:
    """(start, size, protection) of the ranges whose protection changes, merged where
    adjacent with the same new value."""
    changes: list[tuple[int, int, int]] = []
    i = j = 0
    while i < len(current) and j < len(target):
        c_start, c_end, c_protection = current[i]
        t_start, t_end, t_protection = target[j]
        start, end = max(c_start, t_start), min(c_end, t_end)
        if start < end and c_protection != t_protection:
            if changes and changes[-1][1] == start and changes[-1][2] == t_protection:
                changes[-1] = (changes[-1][0], end, t_protection)
            else:
                changes.append((start, end, t_protection))
        if c_end <= t_end:
            i += 1
        if t_end <= c_end:
            j += 1
    return [(start, end - start, protection) for start, end, protection in changes]
