"""`levante flash` and `levante boot`: write images into a board's persisted flash and
run the boot stage over it, printing what it decides and what it boots.

Exit status: 0 an image boots, 1 the boot stage found nothing bootable, 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from levante.boot.bootloader import (
    BoardFlash,
    BootStage,
    boot_request_upgrade,
    boot_write_img_confirmed,
)
from levante.boot.flash import ERASED_BYTE, FlashError
from levante.boot.image import ImageInvalid, parse_image
from levante.boot.keyring import DEVELOPMENT_KEY_PATH, load_trusted_key
from levante.boot.layout import FlashLayout, default_layout
from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.config import load_board
from levante.errors import ImageError, LevanteError

_DIRECTORY = click.Path(path_type=Path, file_okay=False)


def _layout(board: str) -> FlashLayout:
    return default_layout(load_board(board))


def _open(layout: FlashLayout, directory: Path) -> BoardFlash:
    try:
        return BoardFlash.open(layout, directory)
    except (FlashError, OSError) as error:
        raise ImageError(f"cannot open the flash in {directory}: {error}") from None


@click.command()
@click.argument("image_path", metavar="IMAGE", type=click.Path(path_type=Path,
                                                                 dir_okay=False))
@click.option("--flash-dir", "flash_dir", type=_DIRECTORY, required=True,
              help="Folder holding the board's flash files (created if missing).")
@click.option("--slot", type=click.Choice(["primary", "secondary"]), default="secondary",
              show_default=True)
@click.option("-b", "--board", default="lv_m4", show_default=True)
@click.option("--image-index", type=int, default=0, show_default=True)
@click.option("--test", "request", flag_value="test", help="Request a test upgrade.")
@click.option("--confirm", "request", flag_value="confirm",
              help="Request a permanent upgrade.")
def flash(image_path: Path, flash_dir: Path, slot: str, board: str, image_index: int,
          request: str | None) -> None:
    """Erase a slot and write IMAGE into it (secondary: optionally mark it pending)."""
    try:
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
        if request is not None and slot == "secondary":
            boot_request_upgrade(board_flash, layout, request == "confirm", image_index)
    except LevanteError as error:
        fail(error)
    pending = f", {request} upgrade requested" if request and slot == "secondary" else ""
    click.echo(f"levante: wrote {image_path} to the {slot} slot of image {image_index} "
               f"({len(data)} bytes){pending}")


@click.command()
@click.option("--flash-dir", "flash_dir", type=_DIRECTORY, required=True)
@click.option("-b", "--board", default="lv_m4", show_default=True)
@click.option("-k", "--key", "key_paths", type=click.Path(path_type=Path, dir_okay=False),
              multiple=True, help="Trusted key; repeatable (default: the development key).")
@click.option("--confirm", is_flag=True,
              help="Then confirm the booted images, as the application would.")
def boot(flash_dir: Path, board: str, key_paths: tuple[Path, ...], confirm: bool) -> None:
    """Power on: run the boot stage over the flash in FLASH_DIR and say what boots."""
    try:
        layout = _layout(board)
        keys = [load_trusted_key(path) for path in key_paths or (DEVELOPMENT_KEY_PATH,)]
        board_flash = _open(layout, flash_dir)
        result = BootStage(board_flash, layout, keys, printer=click.echo).boot()
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
