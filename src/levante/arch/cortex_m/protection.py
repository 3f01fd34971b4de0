"""Page protections and granule checks that enforce a context's memory view on Unicorn
(the emulated MPU).

Unicorn's pages stay 1 KiB: smaller pages collide with the flags QEMU keeps in a TLB
entry's low address bits and can lose stores.  The MPU's granule is 32 bytes, so a view
is enforced in two layers:
- a page whose granules all carry the same rights gets exactly those rights from
  Unicorn, which checks every access at native speed;
- a page whose granules differ (a 512-byte stack beside kernel data) gets the union of
  their rights, and the C granule guard checks each access on it against the view's
  per-granule rights table, faulting the ones the MPU would refuse.
An access one byte past a region therefore faults wherever the region ends.  Switching
views changes only the pages whose rights differ: two threads of one domain differ by
their stacks, which keeps a user-to-user switch cheap.

Accesses that cross a page boundary: QEMU splits an access that spans two pages into
accesses of each page, and Unicorn checks its page rights and calls memory hooks only for
the page of the first byte (the reads of the split are not checked at all; the byte
stores of a split store are, but only after the earlier bytes were written).  So where
rights drop at a page boundary, the guard also watches the last bytes before it (an
"edge": 7 bytes, as the longest access, a VLDR.64, is 8) and refuses any access there
whose bytes reach a granule without the right; the fault names the access's address.
Pages the guard watches whole need no edge: their hook checks the whole access already.
Block ends need none either: the split reaches unmapped memory, which Unicorn refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from unicorn import UC_PROT_ALL, UC_PROT_EXEC, UC_PROT_READ, UC_PROT_WRITE
from unicorn import arm_const as arm

from levante.arch.cortex_m import _granules
from levante.arch.cortex_m.native import engine_handle, entry_point
from levante.arch.interface import AccessKind, MemoryView
from levante.arch.memview import flatten
from levante.arch.mpu import GRANULE

MPU_GRANULE = GRANULE  # the MPU model's grid: what views are enforced to
PAGE_SIZE = 1024  # Unicorn's default for ARM, and the smallest that is safe
_GRANULES_PER_PAGE = PAGE_SIZE // MPU_GRANULE
# The longest single data access QEMU makes for ARMv7-M/ARMv8-M (VLDR.64, VSTR.64).
LONGEST_ACCESS = 8
EDGE_SIZE = LONGEST_ACCESS - 1  # the bytes before a boundary an access may cross it from
_DATA_RIGHTS = UC_PROT_READ | UC_PROT_WRITE

# (start, end, protection), sorted and covering every mapped block exactly.
Cover = tuple[tuple[int, int, int], ...]
Blocks = tuple[tuple[int, int], ...]
_TRANSITIONS_KEPT = 256

# The guard's rights bits are Unicorn's protection bits.
VIOLATION_ACCESS = {
    UC_PROT_READ: AccessKind.READ,
    UC_PROT_WRITE: AccessKind.WRITE,
    UC_PROT_EXEC: AccessKind.EXECUTE,
}


@dataclass(frozen=True)
class ViewPlan:
    """How one view maps onto the engine: page protections, granule rights, and the
    pages the guard must check."""

    cover: Cover
    rights: bytes | None  # one byte per granule over the blocks; None: privileged
    mixed_data: frozenset[int]  # pages whose granules differ in read or write
    mixed_code: frozenset[int]  # pages whose granules differ in execute
    # Page ends where read or write rights drop, whose page is not watched whole.
    data_edges: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Transition:
    old: MemoryView | None
    new: MemoryView | None
    changes: list[tuple[int, int, int]]  # (start, size, protection) to apply
    plan: ViewPlan  # the new view's plan, its pages already watched


class PageProtection:
    """Keeps the emulator's page permissions and granule checks equal to the running
    context's view."""

    def __init__(self, uc: Any, blocks: Sequence[tuple[int, int]]) -> None:
        self._uc = uc
        self._blocks: Blocks = tuple(sorted(blocks))
        for start, end in self._blocks:
            if start % PAGE_SIZE or end % PAGE_SIZE:
                raise ValueError(f"memory block {start:#x}-{end:#x} is not page aligned")
        self._guard = _granules.GranuleGuard(
            uc=engine_handle(uc),
            hook_add=entry_point("uc_hook_add"),
            emu_stop=entry_point("uc_emu_stop"),
            mem_regions=entry_point("uc_mem_regions"),
            mem_protect=entry_point("uc_mem_protect"),
            free=entry_point("uc_free"),
            reg_read=entry_point("uc_reg_read"),
            reg_write=entry_point("uc_reg_write"),
            epsr_id=arm.UC_ARM_REG_EPSR,
            blocks=tuple((start, end - start) for start, end in self._blocks),
        )
        self._applied: MemoryView | None = None
        self._plan = plan_view(None, self._blocks)
        self._watched_data: set[int] = set()
        self._watched_code: set[int] = set()
        self._watched_edges: set[int] = set()
        self.changes = 0  # mem_protect calls made (for benchmarks)
        # Switches repeat (thread A to B and back): remember each transition's changes.
        # Keyed by identity, with the views kept in the value so ids cannot be reused.
        self._transitions: dict[tuple[int, int], _Transition] = {}

    @property
    def watched_pages(self) -> int:
        """Pages the granule guard checks (for benchmarks and tests)."""
        return len(self._watched_data | self._watched_code)

    @property
    def watched_edges(self) -> int:
        """Page ends whose last bytes the granule guard checks (for benchmarks and tests)."""
        return len(self._watched_edges)

    def apply(self, view: MemoryView | None) -> None:
        if view is self._applied:
            return
        key = (id(self._applied), id(view))
        transition = self._transitions.get(key)
        if transition is None or transition.old is not self._applied or transition.new is not view:
            # Planning hashes the view: done once per transition, not on every switch.
            plan = plan_view(view, self._blocks)
            self._watch(plan)  # watches are never removed, so a cached plan stays watched
            transition = _Transition(self._applied, view,
                                     _differences(self._plan.cover, plan.cover), plan)
            if len(self._transitions) >= _TRANSITIONS_KEPT:
                self._transitions.clear()
            self._transitions[key] = transition
        for start, size, protection in transition.changes:
            self._uc.mem_protect(start, size, protection)
        self.changes += len(transition.changes)
        self._guard.set_rights(transition.plan.rights)
        self._plan = transition.plan
        self._applied = view

    def take_violation(self) -> tuple[int, AccessKind] | None:
        """The access the guard refused during the last run, as (address, kind); also
        undoes the protection change the guard made to fault it."""
        violation = self._guard.take_violation()
        if violation is None:
            return None
        address, right = violation
        return address, VIOLATION_ACCESS[right]

    def _watch(self, plan: ViewPlan) -> None:
        # Hooks stay once installed: adding one costs more than a check that passes.
        first_data_hook = not (self._watched_data or self._watched_edges)
        for page in plan.mixed_data - self._watched_data:
            self._guard.watch_data(page, PAGE_SIZE)
            self._watched_data.add(page)
        for edge in plan.data_edges - self._watched_edges - _ends(self._watched_data):
            self._guard.watch_data(edge - EDGE_SIZE, EDGE_SIZE)
            self._watched_edges.add(edge)
        if first_data_hook and (self._watched_data or self._watched_edges):
            # Code translated while no memory hook existed reads and writes through
            # QEMU's TLB without calling any hook, on watched pages too: retranslate it.
            self._uc.ctl_flush_tb()
        for page in plan.mixed_code - self._watched_code:
            self._guard.watch_code(page, PAGE_SIZE)
            # Code hooks are compiled into translated blocks: drop the page's old ones.
            self._uc.ctl_remove_cache(page, page + PAGE_SIZE)
            self._watched_code.add(page)


@lru_cache(maxsize=256)
def plan_view(view: MemoryView | None, blocks: Blocks) -> ViewPlan:
    if view is None:
        everything = tuple((start, end, UC_PROT_ALL) for start, end in blocks)
        return ViewPlan(everything, None, frozenset(), frozenset())
    rights = granule_rights(view, blocks)
    cover: list[tuple[int, int, int]] = []
    mixed_data: set[int] = set()
    mixed_code: set[int] = set()
    first = 0
    for start, end in blocks:
        for page_index, page in enumerate(range(start, end, PAGE_SIZE)):
            offset = first + page_index * _GRANULES_PER_PAGE
            granules = set(rights[offset:offset + _GRANULES_PER_PAGE])
            protection = 0
            for granule in granules:
                protection |= granule
            if len({granule & _DATA_RIGHTS for granule in granules}) > 1:
                mixed_data.add(page)
            if len({granule & UC_PROT_EXEC for granule in granules}) > 1:
                mixed_code.add(page)
            if cover and cover[-1][1] == page and cover[-1][2] == protection:
                cover[-1] = (cover[-1][0], page + PAGE_SIZE, protection)
            else:
                cover.append((page, page + PAGE_SIZE, protection))
        first += (end - start) // MPU_GRANULE
    edges = _data_edges(rights, blocks, mixed_data)
    return ViewPlan(tuple(cover), rights, frozenset(mixed_data), frozenset(mixed_code), edges)


def _data_edges(rights: bytes, blocks: Blocks, watched: set[int]) -> frozenset[int]:
    """Page ends inside a block where the last granule before grants read or write
    and the first granule after does not, and whose page the guard does not watch."""
    edges: set[int] = set()
    first = 0
    for start, end in blocks:
        for boundary in range(start + PAGE_SIZE, end, PAGE_SIZE):
            after = first + (boundary - start) // MPU_GRANULE
            if boundary - PAGE_SIZE in watched:
                continue
            if rights[after - 1] & ~rights[after] & _DATA_RIGHTS:
                edges.add(boundary)
        first += (end - start) // MPU_GRANULE
    return frozenset(edges)


def _ends(pages: set[int]) -> set[int]:
    return {page + PAGE_SIZE for page in pages}


def granule_rights(view: MemoryView, blocks: Blocks) -> bytes:
    """One byte of UC_PROT_* rights per 32-byte granule of the blocks, in order.  A
    granule only partly inside a segment gets none of its rights (MPU regions never
    split a granule; the kernel's own checks are byte exact)."""
    table = bytearray()
    for block_start, block_end in blocks:
        rights = bytearray((block_end - block_start) // MPU_GRANULE)
        for segment in flatten(view).segments:
            start = max(segment.start, block_start)
            end = min(segment.end, block_end)
            first = -(-(start - block_start) // MPU_GRANULE)
            last = (end - block_start) // MPU_GRANULE
            if first >= last:
                continue
            value = ((UC_PROT_READ if segment.read else 0)
                     | (UC_PROT_WRITE if segment.write else 0)
                     | (UC_PROT_EXEC if segment.execute else 0))
            rights[first:last] = bytes([value]) * (last - first)
        table += rights
    return bytes(table)


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

