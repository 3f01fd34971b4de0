"""How a build fits the boot stage: where the application links, and how it is signed.

With CONFIG_BOOTLOADER_MCUBOOT the application executes in place from image 0's primary
slot, after a ROM_START_OFFSET-byte image header (Zephyr's default for MCUboot), and
the build signs it as `imgtool sign --header-size 0x200 --pad-header` would, with the
key CONFIG_BOOT_SIGNATURE_KEY_FILE names (the development key when it is empty). The
public half is written beside the image: it is what the boot stage trusts.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from levante.boot.image import Dependency, ImageVersion
from levante.boot.keyring import signing_key_from_config
from levante.boot.layout import FlashLayout, default_layout
from levante.boot.signing import (
    SignOptions,
    parse_dependencies,
    parse_security_counter,
    sign_image,
)
from levante.config import Board, Config
from levante.errors import BuildError, LevanteError

ROM_START_OFFSET = 0x200  # Zephyr's CONFIG_ROM_START_OFFSET for MCUboot images
TLV_RESERVE = 0x400  # room after the body for the TLVs: hash, key hash, signature, ...
SIGNED_IMAGE = "levante.signed.bin"
TRUSTED_KEY = "mcuboot-trusted.pem"
_EXTRA_ARGS = "MCUBOOT_EXTRA_IMGTOOL_ARGS"


def uses_mcuboot(config: Config) -> bool:
    return config.is_enabled("BOOTLOADER_MCUBOOT")


def board_layout(board: Board) -> FlashLayout:
    """The board's flash partitions (one image), as the boot stage and the SDK see them."""
    return default_layout(board)


def application_flash(config: Config, board: Board) -> tuple[int, int]:
    """(origin, length) of the flash the application links into."""
    if not uses_mcuboot(config):
        return board.flash.base, board.flash.size
    layout = board_layout(board)
    origin = layout.load_address(0, ROM_START_OFFSET)
    return origin, layout.max_image_size(0) - ROM_START_OFFSET - TLV_RESERVE


@dataclass(frozen=True)
class _ExtraOptions:
    security_counter: int | None = None
    dependencies: tuple[Dependency, ...] = ()
    confirm: bool = False
    test: bool = False


def _extra_options(config: Config, version: ImageVersion) -> _ExtraOptions:
    """CONFIG_MCUBOOT_EXTRA_IMGTOOL_ARGS, for the imgtool options that are the image's
    own business; the layout and the key are the build's."""
    text = config.get_str(_EXTRA_ARGS) if _EXTRA_ARGS in config else ""
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise BuildError(f"CONFIG_{_EXTRA_ARGS}: {error}") from None
    options = _ExtraOptions()
    values = iter(words)
    for word in values:
        name, _, inline = word.partition("=")
        if name == "--confirm":
            options = replace(options, confirm=True)
            continue
        if name == "--test":
            options = replace(options, test=True)
            continue
        if name not in ("-s", "--security-counter", "-d", "--dependencies"):
            raise BuildError(f"CONFIG_{_EXTRA_ARGS}: '{name}' is not supported here "
                             "(use --security-counter, --dependencies, --confirm or --test)")
        value = inline or next(values, None)
        if value is None:
            raise BuildError(f"CONFIG_{_EXTRA_ARGS}: {name} needs a value")
        if name in ("-s", "--security-counter"):
            options = replace(options,
                              security_counter=parse_security_counter(value, version))
        else:
            options = replace(options, dependencies=parse_dependencies(value))
    return options


def sign_options(config: Config, board: Board) -> SignOptions:
    """imgtool's options for this build: header, version, alignment and extras."""
    layout = board_layout(board)
    text = config.get_str("MCUBOOT_IMGTOOL_SIGN_VERSION")
    try:
        version = ImageVersion.parse(text)
    except LevanteError as error:
        raise BuildError(f"CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION: {error.message}") from None
    extra = _extra_options(config, version)
    confirm = extra.confirm or config.is_enabled("MCUBOOT_GENERATE_CONFIRMED_IMAGE")
    padded = confirm or extra.test
    return SignOptions(
        version=version, header_size=ROM_START_OFFSET, pad_header=True,
        slot_size=layout.images[0].secondary.size if padded else None,
        align=layout.write_alignment, confirm=confirm, test=extra.test,
        security_counter=extra.security_counter, dependencies=extra.dependencies,
    )


def sign_build(build_dir: Path, binary: Path, config: Config, board: Board,
               app_dir: Path) -> tuple[Path, str]:
    """Sign levante.bin into levante.signed.bin and write the trusted public key; return
    the image's path and a few words on how it was signed."""
    key = signing_key_from_config(config, app_dir)
    options = sign_options(config, board)
    body = binary.read_bytes()
    image = sign_image(body, key, options)
    limit = board_layout(board).max_image_size(0)
    if len(image) > limit and not (options.confirm or options.test):
        raise BuildError(f"the signed image is {len(image)} bytes; image 0's slots hold "
                         f"{limit}")
    signed = build_dir / SIGNED_IMAGE
    signed.write_bytes(image)
    public = key.trusted.public.public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    (build_dir / TRUSTED_KEY).write_bytes(public)
    words = [f"version {options.version}", key.kind]
    if options.security_counter is not None:
        words.append(f"security counter {options.security_counter}")
    if key.trusted.is_development:
        words.append("the development key: not for production")
    return signed, ", ".join(words)
