"""The boot stage: resume or start swaps, revert unconfirmed images, check dependencies
and anti-rollback, validate, and hand back the image to run.

Pure Python over the flash model. MCUboot design.md, "High-level operation" and
"Multiple image boot": loop 1 finishes interrupted swaps and decides each image's swap
type, loop 2 checks dependencies, loop 3 swaps, loop 4 validates the primary slots.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from levante.boot.counters import CounterExhausted, SecurityCounters
from levante.boot.flash import FaultInjector, FlashArea, NorFlash
from levante.boot.image import ImageInvalid, ImageVersion, NotAnImage, parse_image
from levante.boot.keyring import TrustedKey
from levante.boot.layout import FlashLayout
from levante.boot.swap import SwapMove
from levante.boot.trailer import Flag, Magic, SwapType, Trailer, TrailerState
from levante.boot.validate import VerifiedImage, validate_image

LOG_PREFIX = "levante-boot: "
FLASH_FILE = "flash.bin"
COUNTER_FILE = "nv_counters.bin"
_UPGRADES = (SwapType.TEST, SwapType.PERM, SwapType.REVERT)


@dataclass(frozen=True)
class BootPolicy:
    """Which checks the boot stage makes (MCUboot's Kconfig names in comments)."""

    validate_primary: bool = True  # MCUBOOT_VALIDATE_PRIMARY_SLOT
    downgrade_prevention: bool = True  # MCUBOOT_DOWNGRADE_PREVENTION (by version)
    hardware_rollback_protection: bool = True  # MCUBOOT_HW_ROLLBACK_PROT (SEC_CNT)


@dataclass(frozen=True)
class BootedImage:
    """An image the boot stage validated in a primary slot and lets run."""

    index: int
    verified: VerifiedImage
    slot_address: int
    load_address: int  # first byte of the application, after the image header
    body: bytes

    @property
    def version(self) -> ImageVersion:
        return self.verified.parsed.header.version

    @property
    def development_key(self) -> bool:
        return self.verified.key is not None and self.verified.key.is_development


@dataclass
class BootResult:
    swap_types: list[SwapType]
    images: list[BootedImage] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass
class BoardFlash:
    """The devices of a board: the main NOR flash and the security counter device."""

    flash: NorFlash
    counters: NorFlash

    @classmethod
    def open(cls, layout: FlashLayout, directory: Path | None = None,
             faults: FaultInjector | None = None) -> BoardFlash:
        """Devices persisted in ``directory`` (one file each), or in memory only."""
        faults = faults if faults is not None else FaultInjector()
        flash = NorFlash(layout.flash_size, layout.sector_size, layout.write_alignment,
                         directory / FLASH_FILE if directory else None, faults)
        counters = NorFlash(layout.counter_size, layout.sector_size, layout.write_alignment,
                            directory / COUNTER_FILE if directory else None, faults)
        return cls(flash, counters)


class ImageSlotsOnFlash:
    """One image's two slots, their trailers and the swap engine over them."""

    def __init__(self, board: BoardFlash, layout: FlashLayout, index: int) -> None:
        slots = layout.images[index]
        self.index = index
        self.primary = FlashArea(slots.primary.name, board.flash, slots.primary.offset,
                                 slots.primary.size)
        self.secondary = FlashArea(slots.secondary.name, board.flash,
                                   slots.secondary.offset, slots.secondary.size)
        self.primary_trailer = Trailer(self.primary, layout.trailer(slots.primary))
        self.secondary_trailer = Trailer(self.secondary, layout.trailer(slots.secondary))
        self.swap = SwapMove(self.primary, self.secondary, self.primary_trailer,
                             self.secondary_trailer, index)


def boot_write_img_confirmed(board: BoardFlash, layout: FlashLayout, index: int = 0) -> bool:
    """What the running application calls to make a test image permanent (MCUboot's
    boot_write_img_confirmed): set image_ok in the primary trailer. True if written."""
    trailer = ImageSlotsOnFlash(board, layout, index).primary_trailer
    state = trailer.read()
    if state.magic is not Magic.GOOD or state.image_ok is not Flag.UNSET:
        return False  # nothing is under test, or it is confirmed already
    trailer.write_image_ok()
    return True


def boot_request_upgrade(board: BoardFlash, layout: FlashLayout, permanent: bool,
                         index: int = 0) -> None:
    """Mark the secondary slot's image as pending (MCUboot's boot_set_pending): image_ok
    first for a permanent upgrade, magic last, so a cut leaves no half request."""
    trailer = ImageSlotsOnFlash(board, layout, index).secondary_trailer
    if trailer.read().magic is Magic.GOOD:
        return
    if permanent:
        trailer.write_image_ok()
    trailer.write_magic()


def _state_table(slots: ImageSlotsOnFlash) -> tuple[SwapType, TrailerState]:
    """MCUboot design.md, "Image trailers": the swap the trailers ask for, and the
    secondary trailer it was read from. A secondary trailer with good magic asks for
    TEST, PERM or REVERT (NONE with a bad image_ok flag); otherwise a primary whose test
    image was copied but never confirmed asks for REVERT."""
    secondary = slots.secondary_trailer.read()
    if secondary.magic is Magic.GOOD:
        if secondary.image_ok is Flag.BAD:
            return SwapType.NONE, secondary
        if secondary.image_ok is Flag.UNSET:
            return SwapType.TEST, secondary
        revert = secondary.swap_type == SwapType.REVERT
        return (SwapType.REVERT if revert else SwapType.PERM), secondary
    primary = slots.primary_trailer.read()
    if primary.magic is Magic.GOOD and primary.copy_done is Flag.SET \
            and primary.image_ok is Flag.UNSET:
        return SwapType.REVERT, secondary
    return SwapType.NONE, secondary


def pending_swap_type(board: BoardFlash, layout: FlashLayout, index: int = 0) -> SwapType:
    """What the next boot will do for this image (MCUboot's boot_swap_type_multi), read
    from the trailers without changing anything."""
    return _state_table(ImageSlotsOnFlash(board, layout, index))[0]


class BootStage:
    """Run at every power-on: ``boot()`` returns the images to start, or a failure."""

    def __init__(self, board: BoardFlash, layout: FlashLayout,
                 trusted_keys: Sequence[TrustedKey], policy: BootPolicy | None = None,
                 printer: Callable[[str], None] | None = None) -> None:
        self.board = board
        self.layout = layout
        self.trusted_keys = tuple(trusted_keys)
        self.policy = policy or BootPolicy()
        self.printer = printer
        self.slots = [ImageSlotsOnFlash(board, layout, index)
                      for index in range(len(layout.images))]
        counter_area = FlashArea("nv_counters", board.counters, 0, board.counters.size)
        self.counters = SecurityCounters(counter_area, len(layout.images))
        self._log: list[str] = []
        self._resumed: set[int] = set()  # images whose interrupted swap finished this boot

    def say(self, line: str) -> None:
        self._log.append(line)
        if self.printer is not None:
            self.printer(LOG_PREFIX + line)

    def boot(self) -> BootResult:
        self._log = []
        self._resumed = set()
        swap_types = [self._decide(slots) for slots in self.slots]
        self._check_dependencies(swap_types)
        for slots, swap_type in zip(self.slots, swap_types, strict=True):
            if swap_type in _UPGRADES and slots.index not in self._resumed:
                self._start_swap(slots, swap_type)
        result = BootResult(swap_types, log=self._log)
        for slots, swap_type in zip(self.slots, swap_types, strict=True):
            booted = self._validate_primary(slots)
            if isinstance(booted, str):
                result.failure = booted
                self.say(f"image {slots.index}: no bootable image: {booted}")
                return result
            result.images.append(booted)
            if swap_type is SwapType.NONE:
                self._update_counter(slots.index, booted.verified)
        for booted in result.images:
            if booted.development_key:
                self.say(f"image {booted.index}: WARNING: signed with the development key "
                         "(insecure, for development only)")
            self.say(f"image {booted.index}: booting version {booted.version} from "
                     f"0x{booted.slot_address:08x}")
        return result

    # Loop 1 -------------------------------------------------------------------------

    def _decide(self, slots: ImageSlotsOnFlash) -> SwapType:
        """MCUboot design.md, "Image trailers": resume first, then the state tables."""
        resumed = slots.swap.in_progress()
        if resumed is not None:
            self.say(f"image {slots.index}: resuming an interrupted {resumed.name} swap")
            slots.swap.resume()
            self._resumed.add(slots.index)
            return SwapType.NONE if resumed is SwapType.PERM else resumed
        requested, secondary = _state_table(slots)
        if secondary.magic is Magic.GOOD:
            if secondary.image_ok is Flag.BAD:
                self.say(f"image {slots.index}: secondary trailer has a bad image_ok flag")
                return SwapType.NONE
            return requested if self._accept_candidate(slots, requested) else SwapType.NONE
        if requested is SwapType.REVERT:
            return self._begin_revert(slots)
        return SwapType.NONE

    def _begin_revert(self, slots: ImageSlotsOnFlash) -> SwapType:
        """State IV: the test image was not confirmed. The revert is recorded in the
        secondary trailer (swap info REVERT, image_ok, magic last) before anything in
        the primary trailer is erased, so a cut at any point still reverts."""
        self.say(f"image {slots.index}: test image not confirmed: reverting")
        if not self._accept_candidate(slots, SwapType.REVERT):
            return SwapType.NONE
        trailer = slots.secondary_trailer
        if not trailer.area.is_erased(trailer.geometry.status_offset, trailer.geometry.size):
            state = trailer.read()
            if state.swap_type != SwapType.REVERT or state.image_ok is Flag.BAD:
                slots.swap.erase_trailer_sectors(trailer)
        if trailer.read().swap_type != SwapType.REVERT:
            trailer.write_swap_info(SwapType.REVERT, slots.index)
        if trailer.read().image_ok is Flag.UNSET:
            trailer.write_image_ok()
        trailer.write_magic()
        return SwapType.REVERT

    def _accept_candidate(self, slots: ImageSlotsOnFlash, swap_type: SwapType) -> bool:
        """Validate the secondary image; an invalid one is erased and, as MCUboot does,
        the primary is marked OK so no further swap is attempted."""
        reason = self._candidate_problem(slots, swap_type)
        if reason is None:
            return True
        self.say(f"image {slots.index}: refusing the secondary slot's image "
                 f"({swap_type.name}): {reason}")
        slots.secondary.erase(0, slots.secondary.size)
        primary = slots.primary_trailer.read()
        if primary.magic is Magic.GOOD and primary.image_ok is Flag.UNSET:
            slots.primary_trailer.write_image_ok()
        return False

    def _candidate_problem(self, slots: ImageSlotsOnFlash, swap_type: SwapType) -> str | None:
        limit = slots.swap.max_image_size
        try:
            candidate = validate_image(slots.secondary.view(), self.trusted_keys, limit)
        except (ImageInvalid, NotAnImage) as error:
            return error.reason if isinstance(error, ImageInvalid) else error.message
        problem = self._counter_problem(slots.index, candidate)
        if problem is not None:
            return problem
        if swap_type is SwapType.REVERT or not self.policy.downgrade_prevention:
            return None  # a revert goes back to the older image on purpose
        current = self._parse_primary(slots)
        new_version = candidate.parsed.header.version
        if current is not None and new_version.is_older_than(current.parsed.header.version):
            return (f"downgrade by version: {new_version} is older than the running "
                    f"{current.parsed.header.version}")
        return None

    def _counter_problem(self, index: int, image: VerifiedImage) -> str | None:
        if not self.policy.hardware_rollback_protection:
            return None
        image_counter = image.security_counter or 0  # no SEC_CNT counts as 0
        stored = self.counters.value(index)
        if image_counter < stored:
            return (f"downgrade by security counter: image has {image_counter}, "
                    f"the device requires at least {stored}")
        if not self.counters.can_raise_to(index, image_counter):
            return "security counter storage is exhausted"
        return None

    def _parse_primary(self, slots: ImageSlotsOnFlash) -> VerifiedImage | None:
        try:
            return validate_image(slots.primary.view(), (), slots.swap.max_image_size)
        except (ImageInvalid, NotAnImage):
            return None

    # Loop 2 -------------------------------------------------------------------------

    def _check_dependencies(self, swap_types: list[SwapType]) -> None:
        """MCUboot design.md, "Dependency check": an image whose dependencies would not
        hold after this boot does not upgrade; restart until every check passes."""
        changed = True
        while changed:
            changed = False
            outcome = [self._image_after_boot(slots, swap_type)
                       for slots, swap_type in zip(self.slots, swap_types, strict=True)]
            for index, image in enumerate(outcome):
                if image is None:
                    continue
                for dependency in image.dependencies:
                    problem = self._dependency_problem(dependency.image_id,
                                                       dependency.minimum, outcome)
                    if problem is None:
                        continue
                    if self._is_pending_upgrade(index, swap_types[index]):
                        self.say(f"image {index}: upgrade cancelled: {problem}")
                        swap_types[index] = SwapType.NONE
                        changed = True
                    elif any(self._is_pending_upgrade(other, kind)
                             for other, kind in enumerate(swap_types)):
                        self.say(f"image {index}: {problem}: cancelling all upgrades")
                        for other, kind in enumerate(swap_types):
                            if self._is_pending_upgrade(other, kind):
                                swap_types[other] = SwapType.NONE
                        changed = True
                    else:
                        self.say(f"image {index}: WARNING: {problem}")
                    break
                if changed:
                    break

    def _is_pending_upgrade(self, index: int, swap_type: SwapType) -> bool:
        return swap_type in (SwapType.TEST, SwapType.PERM) and index not in self._resumed

    def _image_after_boot(self, slots: ImageSlotsOnFlash,
                          swap_type: SwapType) -> VerifiedImage | None:
        upgrading = swap_type in _UPGRADES and slots.index not in self._resumed
        area = slots.secondary if upgrading else slots.primary
        try:
            return validate_image(area.view(), (), slots.swap.max_image_size)
        except (ImageInvalid, NotAnImage):
            return None

    @staticmethod
    def _dependency_problem(image_id: int, minimum: ImageVersion,
                            outcome: list[VerifiedImage | None]) -> str | None:
        if image_id >= len(outcome) or outcome[image_id] is None:
            return f"depends on image {image_id}, which is absent"
        image = outcome[image_id]
        assert image is not None
        version = image.parsed.header.version
        if version.is_older_than(minimum):
            return f"needs image {image_id} at version {minimum} or later, it would be {version}"
        return None

    # Loops 3 and 4 ------------------------------------------------------------------

    def _start_swap(self, slots: ImageSlotsOnFlash, swap_type: SwapType) -> None:
        limit = slots.swap.max_image_size
        sizes = [_image_size(area, limit) for area in (slots.primary, slots.secondary)]
        self.say(f"image {slots.index}: swapping ({swap_type.name})")
        slots.swap.start(swap_type, max(sizes))

    def _validate_primary(self, slots: ImageSlotsOnFlash) -> BootedImage | str:
        keys = self.trusted_keys if self.policy.validate_primary else ()
        try:
            verified = validate_image(slots.primary.view(), keys, slots.swap.max_image_size)
        except ImageInvalid as error:
            return error.reason
        except NotAnImage as error:
            return error.message
        problem = self._counter_problem(slots.index, verified)
        if problem is not None:
            return problem
        header = verified.parsed.header
        body = slots.primary.read(header.header_size, header.image_size)
        slot = self.layout.images[slots.index].primary
        return BootedImage(slots.index, verified, self.layout.flash_base + slot.offset,
                           self.layout.load_address(slots.index, header.header_size), body)

    def _update_counter(self, index: int, image: VerifiedImage) -> None:
        """MCUboot's boot_update_hw_rollback_protection: only when nothing is under test,
        so a revert to the previous image stays possible."""
        if not self.policy.hardware_rollback_protection or image.security_counter is None:
            return
        try:
            if self.counters.raise_to(index, image.security_counter):
                self.say(f"image {index}: security counter raised to {image.security_counter}")
        except CounterExhausted as error:
            self.say(f"image {index}: {error}")


def _image_size(area: FlashArea, limit: int) -> int:
    """The bytes an image occupies in ``area`` (0 if there is none): what a swap moves."""
    try:
        return parse_image(area.view(), limit).end
    except (ImageInvalid, NotAnImage):
        return 0
