"""The board's flash at run time: programming a build onto it and the boot stage at
power-on (the kernel's port to the same flash is in board_flash_port.py).

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
)
from levante.boot.flash import FlashError
from levante.boot.image import ImageInvalid
from levante.boot.keyring import KeyFileError, TrustedKey, trusted_key_from_pem
from levante.boot.layout import FlashLayout, LayoutError
from levante.boot.validate import validate_image
from levante.config import Board, Config
from levante.errors import ImageError, LevanteError
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
    if booted != digest:
        # Not what was just built: an update written with `levante flash`, or an image an
        # earlier build or tool left there.  Never silently.
        maker = f"built in {source}" if booted in records.images else "of unknown origin"
        printer(f"levante-boot: image 0: the image that boots is not {signed_path} but the "
                f"one in the board's flash ({maker})")
    return PoweredOn(board_flash, layout, result, source)
