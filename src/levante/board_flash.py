"""The board's flash at run time: programming a build onto it, the boot stage at
power-on, and the port through which the kernel's flash driver and boot API reach both.

A board's flash lives in a folder (BUILD/flash by default): the NOR flash and the
security counters (one file each), what the installed boot stage trusts
(bootloader.json: its public key and policy), and which build produced each image the
board has seen (builds.json), so that whatever image boots can be run with its own
symbols.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from levante.boot.bootloader import (
    BoardFlash,
    BootPolicy,
    BootResult,
    BootStage,
    ImageSlotsOnFlash,
    boot_request_upgrade,
    boot_write_img_confirmed,
    pending_swap_type,
)
from levante.boot.flash import FlashError
from levante.boot.image import ImageInvalid, NotAnImage, parse_image
from levante.boot.keyring import KeyFileError, TrustedKey, trusted_key_from_pem
from levante.boot.layout import FlashLayout, LayoutError
from levante.boot.trailer import Flag, Magic
from levante.boot.validate import validate_image
from levante.config import Board, Config
from levante.errors import ImageError, LevanteError
from levante.kernel.flash_port import FlashPartitionInfo, FlashRefused
from levante.sdk.mcuboot import SIGNED_IMAGE, TRUSTED_KEY, board_layout

FLASH_FOLDER = "flash"
BOOTLOADER_FILE = "bootloader.json"
BUILDS_FILE = "builds.json"


class NothingBootable(LevanteError):
    """The boot stage found no image it may start: the board stays in the boot stage."""


def default_flash_folder(build_dir: Path) -> Path:
    return build_dir / FLASH_FOLDER


def image_digest(image: bytes) -> str:
    """The image's SHA-256 (what its hash TLV holds): the image's identity."""
    try:
        return validate_image(image, ()).digest.hex()
    except ImageInvalid as error:
        raise ImageError(f"not a valid image: {error.reason}") from None


@dataclass
class BuildRecords:
    """builds.json: the build folder each known image came from, and the digest each
    build had when it was last programmed onto this board."""

    path: Path
    images: dict[str, str] = field(default_factory=dict)
    programmed: dict[str, str] = field(default_factory=dict)
    _saved: str = field(default="", init=False, repr=False)  # the text last read or written

    @classmethod
    def load(cls, folder: Path) -> BuildRecords:
        path = folder / BUILDS_FILE
        try:
            data = json.loads(path.read_text()) if path.exists() else {}
            return cls(path, dict(data.get("images", {})), dict(data.get("programmed", {})))
        except (OSError, ValueError, AttributeError) as error:
            raise ImageError(f"{path}: unreadable ({error})") from None

    def remember(self, digest: str, build_dir: Path) -> None:
        self.images[digest] = str(build_dir.resolve())

    def save(self) -> None:
        """Write the records if they changed since they were read (most runs: not)."""
        text = self._text()
        if text != self._saved:
            self.path.write_text(text)
            self._saved = text

    def __post_init__(self) -> None:
        self._saved = self._text() if self.path.exists() else ""

    def _text(self) -> str:
        return json.dumps({"images": self.images, "programmed": self.programmed},
                          indent=1) + "\n"


def remember_build_image(folder: Path, image_path: Path) -> None:
    """When IMAGE is a build's levante.signed.bin, note which build made it, so that
    `levante run` can find the symbols of that image once it boots."""
    build_dir = image_path.resolve().parent
    if image_path.name != SIGNED_IMAGE or not (build_dir / "levante.elf").is_file():
        return
    try:
        digest = image_digest(image_path.read_bytes())
    except ImageError:
        return  # a damaged image boots nothing, so it needs no symbols
    records = BuildRecords.load(folder)
    records.remember(digest, build_dir)
    records.save()


def _policy(config: Config) -> BootPolicy:
    return BootPolicy(
        validate_primary=config.is_enabled("BOOT_VALIDATE_SLOT0"),
        downgrade_prevention=config.is_enabled("MCUBOOT_DOWNGRADE_PREVENTION"),
        hardware_rollback_protection=config.is_enabled("MCUBOOT_HW_DOWNGRADE_PREVENTION"),
    )


def _install_boot_stage(folder: Path, build_dir: Path, config: Config) -> None:
    """What flashing the boot stage does: its trusted key and policy become the board's."""
    try:
        key = (build_dir / TRUSTED_KEY).read_text()
    except OSError:
        raise ImageError(f"{build_dir}: no {TRUSTED_KEY} (rebuild with `levante build`)") \
            from None
    policy = _policy(config)
    (folder / BOOTLOADER_FILE).write_text(json.dumps({
        "trusted_key": key,
        "validate_primary": policy.validate_primary,
        "downgrade_prevention": policy.downgrade_prevention,
        "hardware_rollback_protection": policy.hardware_rollback_protection,
    }, indent=1) + "\n")


def installed_boot_stage(folder: Path) -> tuple[TrustedKey, BootPolicy] | None:
    """The trusted key and policy of the boot stage installed on the board in
    ``folder``; None when none is."""
    return _installed_boot_stage(folder) if (folder / BOOTLOADER_FILE).exists() else None


def _installed_boot_stage(folder: Path) -> tuple[TrustedKey, BootPolicy]:
    path = folder / BOOTLOADER_FILE
    try:
        data = json.loads(path.read_text())
        key = trusted_key_from_pem(data["trusted_key"].encode(), path)
        policy = BootPolicy(bool(data["validate_primary"]), bool(data["downgrade_prevention"]),
                            bool(data["hardware_rollback_protection"]))
    except (OSError, ValueError, KeyError, TypeError, KeyFileError) as error:
        raise ImageError(f"{path}: the board has no usable boot stage ({error}); remove "
                         f"{folder} to start with a new board") from None
    return key, policy


def program_primary(board_flash: BoardFlash, layout: FlashLayout, image: bytes) -> None:
    """Write an image into image 0's primary slot as `west flash` does: erase the
    sectors that are not blank (an old image, an old trailer), then program."""
    slot = layout.images[0].primary
    if len(image) > layout.max_image_size(0):
        raise ImageError(f"slot too small: the image needs {len(image)} bytes, the primary "
                         f"slot holds images up to {layout.max_image_size(0)}")
    flash = board_flash.flash
    for offset in range(slot.offset, slot.end, layout.sector_size):
        if flash.read(offset, layout.sector_size).count(0xFF) != layout.sector_size:
            flash.erase(offset, layout.sector_size)
    padded = image + b"\xff" * (-len(image) % layout.write_alignment)
    flash.program(slot.offset, padded)


@dataclass
class PoweredOn:
    """The board after its boot stage ran: what boots, and from which build."""

    board_flash: BoardFlash
    layout: FlashLayout
    result: BootResult
    build_dir: Path  # the build that produced the booted image


def power_on(build_dir: Path, config: Config, board: Board, folder: Path,
             printer: Callable[[str], None]) -> PoweredOn:
    """Program the build when the board's primary slot is blank or the build changed
    since it was last programmed here (installing the build's boot stage with it, or
    when the board has none), then run the boot stage. NothingBootable if it finds
    nothing."""
    layout = board_layout(board)
    signed_path = build_dir / SIGNED_IMAGE
    try:
        signed = signed_path.read_bytes()
    except OSError:
        raise ImageError(f"{signed_path}: missing (rebuild with `levante build`)") from None
    digest = image_digest(signed)
    try:
        board_flash = BoardFlash.open(layout, folder)
    except (FlashError, LayoutError, OSError) as error:
        raise ImageError(f"cannot open the board's flash in {folder}: {error}") from None
    records = BuildRecords.load(folder)
    build_key = str(build_dir.resolve())
    earlier = records.programmed.get(build_key)
    # A slot whose first sector is erased holds no image header: nothing to boot there.
    blank = board_flash.flash.read(layout.images[0].primary.offset, layout.sector_size) \
        .count(0xFF) == layout.sector_size
    rebuilt = earlier is not None and earlier != digest
    if blank or rebuilt or not (folder / BOOTLOADER_FILE).exists():
        _install_boot_stage(folder, build_dir, config)
    if blank or rebuilt:
        program_primary(board_flash, layout, signed)
        records.programmed[build_key] = digest
    records.remember(digest, build_dir)
    records.save()
    key, policy = _installed_boot_stage(folder)
    result = BootStage(board_flash, layout, (key,), policy, printer).boot()
    if not result.ok:
        raise NothingBootable(f"the boot stage found no bootable image: {result.failure}")
    booted = result.images[0].verified.digest.hex()
    source = Path(records.images.get(booted, build_key)) if booted != digest else build_dir
    return PoweredOn(board_flash, layout, result, source)


class BoardFlashPort:
    """The kernel's view of the board's flash (levante.kernel.flash_port.FlashPort).

    Threads may erase and program only the secondary slots: the boot stage and the
    running image are out of their reach. Every change is mirrored into the CPU's
    memory map, as a flash controller's memory-mapped reads would show it.
    """

    def __init__(self, board_flash: BoardFlash, layout: FlashLayout,
                 mirror: Callable[[int, bytes], None]) -> None:
        self._board = board_flash
        self._layout = layout
        self._mirror = mirror
        self._partitions = (
            FlashPartitionInfo("boot_partition", layout.bootloader.offset,
                               layout.bootloader.size, False),
            *(FlashPartitionInfo(f"slot{2 * index + number}_partition", slot.offset,
                                 slot.size, number == 1)
              for index, image in enumerate(layout.images)
              for number, slot in enumerate((image.primary, image.secondary))),
        )

    @property
    def base(self) -> int:
        return self._layout.flash_base

    @property
    def size(self) -> int:
        return self._layout.flash_size

    @property
    def sector_size(self) -> int:
        return self._layout.sector_size

    @property
    def write_alignment(self) -> int:
        return self._layout.write_alignment

    def partitions(self) -> tuple[FlashPartitionInfo, ...]:
        return self._partitions

    def read(self, offset: int, length: int) -> bytes:
        self._check_range(offset, length)
        return self._board.flash.read(offset, length)

    def erase(self, offset: int, length: int) -> None:
        self._check_writable(offset, length)
        if offset % self.sector_size or length % self.sector_size:
            raise FlashRefused(f"erase {offset:#x}+{length:#x} is not whole sectors")
        self._board.flash.erase(offset, length)
        self._refresh(offset, length)

    def program(self, offset: int, data: bytes) -> None:
        self._check_writable(offset, len(data))
        if offset % self.write_alignment or len(data) % self.write_alignment:
            raise FlashRefused(f"program {offset:#x}+{len(data):#x} is not aligned to "
                               f"{self.write_alignment} bytes")
        try:
            self._board.flash.program(offset, data)
        except FlashError as error:  # range and alignment are checked: only 0 → 1 is left
            raise FlashRefused(str(error), "EIO") from None
        self._refresh(offset, len(data))

    def confirm_image(self, image_index: int) -> bool:
        self._check_image(image_index)
        written = boot_write_img_confirmed(self._board, self._layout, image_index)
        self._refresh_slots(image_index)
        return written

    def image_confirmed(self, image_index: int) -> bool:
        self._check_image(image_index)
        state = ImageSlotsOnFlash(self._board, self._layout, image_index) \
            .primary_trailer.read()
        # Zephyr's boot_is_img_confirmed: an image programmed without a trailer (no magic)
        # can be neither reverted nor confirmed, so it counts as confirmed.
        return state.magic is Magic.UNSET or state.image_ok is Flag.SET

    def request_upgrade(self, image_index: int, permanent: bool) -> None:
        self._check_image(image_index)
        secondary = self._layout.images[image_index].secondary
        try:
            parse_image(self._board.flash.view()[secondary.offset:secondary.end],
                        self._layout.max_image_size(image_index))
        except (ImageInvalid, NotAnImage) as error:
            reason = error.reason if isinstance(error, ImageInvalid) else error.message
            raise FlashRefused(f"the secondary slot holds no image: {reason}") from None
        boot_request_upgrade(self._board, self._layout, permanent, image_index)
        self._refresh_slots(image_index)

    def swap_type(self, image_index: int) -> int:
        self._check_image(image_index)
        return int(pending_swap_type(self._board, self._layout, image_index))

    def _check_image(self, image_index: int) -> None:
        if not 0 <= image_index < len(self._layout.images):
            raise FlashRefused(f"no image {image_index}")

    def _check_range(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FlashRefused(f"{offset:#x}+{length:#x} is outside the flash")

    def _check_writable(self, offset: int, length: int) -> None:
        self._check_range(offset, length)
        if not any(part.writable and part.offset <= offset
                   and offset + length <= part.offset + part.size
                   for part in self._partitions):
            raise FlashRefused(f"{offset:#x}+{length:#x} is not in a partition threads may "
                               "write (only the secondary slots)", "EACCES")

    def _refresh(self, offset: int, length: int) -> None:
        self._mirror(self.base + offset, self._board.flash.read(offset, length))

    def _refresh_slots(self, image_index: int) -> None:
        slots = self._layout.images[image_index]
        for slot in (slots.primary, slots.secondary):
            self._refresh(slot.offset, slot.size)
