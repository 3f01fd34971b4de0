"""Swap-using-move: exchange the primary and secondary images sector by sector, so that
a power cut after any single flash operation leaves a swap that the next boot resumes.

MCUboot design.md, "Swap using move (without using scratch)": first every image sector
of the primary slot moves up by one; then, for N = 0, 1, ...: the N-th sector of the
secondary slot is copied to the N-th sector of the primary slot (swap step a), and the
(N+1)-th sector of the primary slot, which holds the old N-th, to the N-th sector of the
secondary slot (swap step b). Each step erases its destination, copies, then programs a
status record in the primary trailer; a step whose record is missing is done again,
which is safe because its source is still intact (it is overwritten only by a later step).
"""

from __future__ import annotations

from dataclasses import dataclass

from levante.boot.flash import FlashArea
from levante.boot.trailer import Flag, Magic, SwapType, Trailer

MOVE, SWAP_A, SWAP_B = 0, 1, 2  # status record states, stored as 0x01, 0x02, 0x03


class SwapError(Exception):
    """A swap that cannot be done with this layout (an image too large to move)."""


@dataclass(frozen=True)
class Step:
    state: int
    index: int


class SwapMove:
    """One image's pair of slots and their trailers."""

    def __init__(self, primary: FlashArea, secondary: FlashArea, primary_trailer: Trailer,
                 secondary_trailer: Trailer, image_index: int) -> None:
        self.primary = primary
        self.secondary = secondary
        self.primary_trailer = primary_trailer
        self.secondary_trailer = secondary_trailer
        self.image_index = image_index

    @property
    def max_image_size(self) -> int:
        """The largest image either slot can hold: the primary needs one free sector
        above the image to move into, and neither may reach its trailer's sectors."""
        sector = self.primary.sector_size
        return min(self.primary_trailer.first_sector - 1,
                   self.secondary_trailer.first_sector) * sector

    def sectors_for(self, size: int) -> int:
        return -(-size // self.primary.sector_size)

    def in_progress(self) -> SwapType | None:
        """MCUboot design.md, "Reset recovery": the status lives in the primary trailer
        while its magic is good and copy_done unset; swap info says what was under way."""
        state = self.primary_trailer.read()
        if state.magic is not Magic.GOOD or state.copy_done is not Flag.UNSET:
            return None
        if state.swap_type not in (SwapType.TEST, SwapType.PERM, SwapType.REVERT):
            return None  # a padded image just flashed: magic, but no swap ever started
        if state.swap_size is None:
            return None
        return SwapType(state.swap_type)

    def start(self, swap_type: SwapType, swap_size: int) -> None:
        """Begin a new swap: a fresh primary trailer announcing it, then the swap.

        The request that led here stays in the secondary trailer until the data has
        moved, so a cut before the magic below is written just starts over.
        """
        if self.sectors_for(swap_size) * self.primary.sector_size > self.max_image_size:
            raise SwapError(f"{swap_size} bytes do not fit the slots (at most "
                            f"{self.max_image_size})")
        self.erase_trailer_sectors(self.primary_trailer)
        self.primary_trailer.write_swap_size(swap_size)
        self.primary_trailer.write_swap_info(swap_type, self.image_index)
        self.primary_trailer.write_magic()
        self.resume()

    def resume(self) -> SwapType:
        """Finish the swap the primary trailer describes, from its first missing record."""
        state = self.primary_trailer.read()
        assert state.swap_size is not None
        swap_type = SwapType(state.swap_type)
        for step in self._steps(self.sectors_for(state.swap_size)):
            if not self.primary_trailer.status_record(step.index, step.state):
                self._do(step)
                self.primary_trailer.write_status_record(step.index, step.state)
        self._finish(swap_type)
        return swap_type

    @staticmethod
    def _steps(sector_count: int) -> list[Step]:
        moves = [Step(MOVE, index) for index in reversed(range(sector_count))]
        swaps = [Step(state, index) for index in range(sector_count)
                 for state in (SWAP_A, SWAP_B)]
        return moves + swaps

    def _do(self, step: Step) -> None:
        if step.state == MOVE:
            self.primary.erase_sector(step.index + 1)
            self.primary.copy_sector_from(self.primary, step.index, step.index + 1)
        elif step.state == SWAP_A:
            self.primary.erase_sector(step.index)
            self.primary.copy_sector_from(self.secondary, step.index, step.index)
        else:
            self.secondary.erase_sector(step.index)
            self.secondary.copy_sector_from(self.primary, step.index + 1, step.index)

    def _finish(self, swap_type: SwapType) -> None:
        """MCUboot design.md, "Image swapping", step 3: the secondary trailer goes (so the
        old image there is no request), then image_ok for permanent swaps and reverts,
        and copy_done last: from then on the swap is complete."""
        self.erase_trailer_sectors(self.secondary_trailer)
        if swap_type in (SwapType.PERM, SwapType.REVERT) and \
                self.primary_trailer.read().image_ok is Flag.UNSET:
            self.primary_trailer.write_image_ok()
        self.primary_trailer.write_copy_done()

    @staticmethod
    def erase_trailer_sectors(trailer: Trailer) -> None:
        area = trailer.area
        for index in range(trailer.first_sector, area.sector_count):
            if not area.is_erased(index * area.sector_size, area.sector_size):
                area.erase_sector(index)
