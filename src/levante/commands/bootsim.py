"""`levante flash` and `levante boot`: write images into a board's persisted flash and
run the boot stage over it, printing what it decides and what it boots.

The board is the one `levante run` uses: BUILD_DIR/flash for the build folder given
with -d (default: build), or any folder given with --flash-dir.

Exit status: 0 an image boots, 1 the boot stage found nothing bootable, 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from levante.board.flash import (
    default_flash_folder,
    installed_boot_stage,
    remember_build_image,
)
from levante.boot.bootloader import (
    BoardFlash,
    BootStage,
    boot_request_upgrade,
    boot_write_img_confirmed,
)
from levante.boot.flash import ERASED_BYTE, FlashError
from levante.boot.image import ImageInvalid, parse_image
from levante.boot.keyring import DEVELOPMENT_KEY_PATH, load_trusted_key
from levante.boot.layout import FlashLayout
from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.config import Config, ConfigError, load_board
from levante.errors import ImageError, LevanteError, UsageError
from levante.sdk.mcuboot import board_layout

DEFAULT_BOARD = "lv_m4"

_DIRECTORY = click.Path(path_type=Path, file_okay=False)


def _board(build_dir: Path, flash_dir: Path | None, board: str | None) -> tuple[str, Path]:
    """The board's name (the build's, unless -b says) and its flash folder.  Without
    --flash-dir the build folder must exist: a mistyped -d never makes a new board."""
    if flash_dir is None and not build_dir.is_dir():
        raise ImageError(f"{build_dir}: no such build folder (give --flash-dir to use a "
                         "board's flash without a build)")
    if board is None:
        dotconfig = build_dir / ".config"
        try:
            board = Config.from_dotconfig(dotconfig).board if dotconfig.is_file() \
                else DEFAULT_BOARD
        except ConfigError as error:
            raise ImageError(f"{dotconfig}: {error.message}") from None
    return board, flash_dir or default_flash_folder(build_dir)


def _layout(board: str) -> FlashLayout:
    return board_layout(load_board(board))


def _open(layout: FlashLayout, directory: Path) -> BoardFlash:
    try:
        return BoardFlash.open(layout, directory)
    except (FlashError, OSError) as error:
        raise ImageError(f"cannot open the flash in {directory}: {error}") from None


_BUILD_DIR = click.option(
    "-d", "--build-dir", "build_dir", type=_DIRECTORY, default=Path("build"),
    show_default=True, help="The build whose board this is: its flash is BUILD_DIR/flash.")
_FLASH_DIR = click.option("--flash-dir", "flash_dir", type=_DIRECTORY,
                          help="The board's flash folder (created if missing).")
_BOARD = click.option("-b", "--board", help="Board (default: the build's, else lv_m4).")


@click.command()
@click.argument("image_path", metavar="IMAGE", type=click.Path(path_type=Path,
                                                                 dir_okay=False))
@_BUILD_DIR
@_FLASH_DIR
@click.option("--slot", type=click.Choice(["primary", "secondary"]), default="secondary",
              show_default=True)
@_BOARD
@click.option("--image-index", type=int, default=0, show_default=True)
@click.option("--test", is_flag=True, help="Request a test upgrade.")
@click.option("--confirm", is_flag=True, help="Request a permanent upgrade.")
def flash(image_path: Path, build_dir: Path, flash_dir: Path | None, slot: str,
          board: str | None, image_index: int, test: bool, confirm: bool) -> None:
    """Erase a slot and write IMAGE into it (secondary: optionally mark it pending)."""
    try:
        if test and confirm:
            raise UsageError("--test and --confirm exclude each other: a test upgrade "
                             "reverts unless confirmed, a permanent one does not")
        request = "test" if test else "confirm" if confirm else None
        if request is not None and slot != "secondary":
            raise UsageError(f"--{request} marks the secondary slot's image pending: it "
                             "does not apply to --slot primary")
        board, flash_dir = _board(build_dir, flash_dir, board)
        layout = _layout(board)
        if not 0 <= image_index < len(layout.images):
            raise ImageError(f"image index {image_index}: the layout has "
                             f"{len(layout.images)} image(s)")
        try:
            data = image_path.read_bytes()
        except OSError as error:
            raise ImageError(f"cannot read image: {error.strerror}: {image_path}") from None
        try:
            end = parse_image(data).end
        except ImageInvalid as error:
            raise ImageError(f"{image_path}: not a usable image: {error.reason}") from None
        slots = layout.images[image_index]
        partition = slots.primary if slot == "primary" else slots.secondary
        if end > layout.max_image_size(image_index) or len(data) > partition.size:
            raise ImageError(f"slot too small: {image_path} needs {end} bytes, the "
                             f"{slot} slot holds images up to "
                             f"{layout.max_image_size(image_index)}")
        board_flash = _open(layout, flash_dir)
        board_flash.flash.erase(partition.offset, partition.size)
        padded = data + bytes([ERASED_BYTE]) * (-len(data) % layout.write_alignment)
        board_flash.flash.program(partition.offset, padded)
        if request is not None:
            boot_request_upgrade(board_flash, layout, request == "confirm", image_index)
        remember_build_image(flash_dir, image_path)
    except LevanteError as error:
        fail(error)
    pending = f", {request} upgrade requested" if request else ""
    click.echo(f"levante: wrote {image_path} to the {slot} slot of image {image_index} "
               f"({len(data)} bytes){pending}")


@click.command()
@_BUILD_DIR
@_FLASH_DIR
@_BOARD
@click.option("-k", "--key", "key_paths", type=click.Path(path_type=Path, dir_okay=False),
              multiple=True, help="Trusted key; repeatable (default: the key of the boot "
                                  "stage installed on the board, else the development key).")
@click.option("--confirm", is_flag=True,
              help="Then confirm the booted images, as the application would.")
def boot(build_dir: Path, flash_dir: Path | None, board: str | None,
         key_paths: tuple[Path, ...], confirm: bool) -> None:
    """Power on: run the boot stage over the board's flash and say what boots."""
    try:
        board, flash_dir = _board(build_dir, flash_dir, board)
        layout = _layout(board)
        installed = installed_boot_stage(flash_dir)
        policy = installed[1] if installed else None
        if key_paths or installed is None:
            keys = [load_trusted_key(path) for path in key_paths or (DEVELOPMENT_KEY_PATH,)]
        else:
            keys = [installed[0]]
        board_flash = _open(layout, flash_dir)
        result = BootStage(board_flash, layout, keys, policy, printer=click.echo).boot()
    except LevanteError as error:
        fail(error)
    if not result.ok:
        sys.exit(EXIT_FAILED)
    for booted in result.images:
        click.echo(f"levante: image {booted.index} version {booted.version} runs at "
                   f"0x{booted.load_address:08x} ({len(booted.body)} bytes)")
        if confirm and boot_write_img_confirmed(board_flash, layout, booted.index):
            click.echo(f"levante: image {booted.index} confirmed")
    sys.exit(EXIT_OK)
