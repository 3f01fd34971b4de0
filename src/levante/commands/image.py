"""`levante keygen | sign | verify | imginfo`: MCUboot images with imgtool's option names.

Exit status: 0 done (verify: the image is valid), 1 the image is invalid (verify), 2 bad
input: a file that is not an image, a missing key, a slot too small (one line).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from levante.boot.image import (
    TLV_DEPENDENCY,
    TLV_SEC_CNT,
    Dependency,
    ImageInvalid,
    ImageVersion,
    parse_image,
    read_header,
)
from levante.boot.keyring import (
    KEY_TYPES,
    generate_key,
    load_signing_key,
    load_trusted_key,
    write_private_key,
)
from levante.boot.signing import (
    SignOptions,
    parse_dependencies,
    parse_security_counter,
    sign_image,
)
from levante.boot.trailer import MAGIC_SIZE, TrailerGeometry, boot_magic
from levante.boot.validate import validate_image
from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.errors import ImageError, LevanteError

_FILE = click.Path(path_type=Path, dir_okay=False)


def _read_file(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImageError(f"cannot read {what}: {error.strerror}: {path}") from None


def _based_int(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text, 0)
    except ValueError:
        raise ImageError(f"{option}: '{text}' is not an integer (0x.., 0b.., 0o.. allowed)")\
            from None


@click.command()
@click.option("-k", "--key", "key_path", type=_FILE, required=True, help="Key file to write.")
@click.option("-t", "--type", "kind", type=click.Choice(KEY_TYPES), required=True)
@click.option("--force", is_flag=True, help="Overwrite an existing key file.")
def keygen(key_path: Path, kind: str, force: bool) -> None:
    """Generate a private key (PKCS#8 PEM, as `imgtool keygen` writes it), readable by
    its owner only; an existing file is never overwritten without --force."""
    try:
        write_private_key(generate_key(kind), key_path, overwrite=force)
    except LevanteError as error:
        fail(error)
    click.echo(f"levante: wrote a {kind} private key to {key_path}")


@click.command()
@click.argument("infile", type=_FILE)
@click.argument("outfile", type=_FILE)
@click.option("-k", "--key", "key_path", type=_FILE, help="Private key; unsigned without.")
@click.option("-v", "--version", "version", default="0.0.0", show_default=True,
              help="maj.min.rev+build")
@click.option("-H", "--header-size", "header_size", default="32", show_default=True)
@click.option("--pad-header", is_flag=True, help="Prepend --header-size erased bytes.")
@click.option("-S", "--slot-size", "slot_size", help="Slot size (the secondary's).")
@click.option("--align", type=click.Choice(["1", "2", "4", "8", "16", "32"]), default="1",
              show_default=True, help="Flash write alignment of the trailer.")
@click.option("--max-align", type=click.Choice(["8", "16", "32"]))
@click.option("-M", "--max-sectors", type=int, default=128, show_default=True)
@click.option("--pad", is_flag=True, help="Pad to --slot-size and add the trailer magic.")
@click.option("--confirm", is_flag=True, help="Pad and mark the image confirmed.")
@click.option("--test", is_flag=True, help="Pad and mark the image for a test swap.")
@click.option("-s", "--security-counter", "security_counter", help="Integer or 'auto'.")
@click.option("-d", "--dependencies", help='"(image_id,version), ..."')
@click.option("--public-key-format", type=click.Choice(["hash", "full"]), default="hash",
              show_default=True)
@click.option("-L", "--load-addr", "load_address", help="RAM load address.")
@click.option("-F", "--rom-fixed", "rom_fixed", help="Flash address the image is built for.")
def sign(infile: Path, outfile: Path, key_path: Path | None, version: str, header_size: str,
         pad_header: bool, slot_size: str | None, align: str, max_align: str | None,
         max_sectors: int, pad: bool, confirm: bool, test: bool,
         security_counter: str | None, dependencies: str | None, public_key_format: str,
         load_address: str | None, rom_fixed: str | None) -> None:
    """Sign INFILE (a raw binary) into the MCUboot image OUTFILE, like `imgtool sign`."""
    try:
        image_version = ImageVersion.parse(version)
        options = SignOptions(
            version=image_version,
            header_size=_based_int(header_size, "--header-size") or 0,
            pad_header=pad_header,
            slot_size=_based_int(slot_size, "--slot-size"),
            align=int(align),
            max_align=int(max_align) if max_align else None,
            max_sectors=max_sectors,
            pad=pad, confirm=confirm, test=test,
            security_counter=None if security_counter is None
            else parse_security_counter(security_counter, image_version),
            dependencies=parse_dependencies(dependencies) if dependencies else (),
            public_key_format=public_key_format,
            load_address=_based_int(load_address, "--load-addr") or 0,
            rom_fixed=_based_int(rom_fixed, "--rom-fixed"),
        )
        key = load_signing_key(key_path) if key_path is not None else None
        image = sign_image(_read_file(infile, "input binary"), key, options)
        try:
            outfile.write_bytes(image)
        except OSError as error:
            raise ImageError(f"cannot write image: {error.strerror}: {outfile}") from None
    except LevanteError as error:
        fail(error)
    signer = f"signed with {key.kind}" if key is not None else "unsigned"
    click.echo(f"levante: wrote {outfile}: version {image_version}, {len(image)} bytes, "
               f"{signer}")


@click.command()
@click.argument("image_path", metavar="IMAGE", type=_FILE)
@click.option("-k", "--key", "key_paths", type=_FILE, multiple=True,
              help="Trusted key (public or private PEM); repeatable. Without: hash only.")
def verify(image_path: Path, key_paths: tuple[Path, ...]) -> None:
    """Check IMAGE's hash and signature: exit 0 if valid, 1 if not (with the reason)."""
    try:
        keys = [load_trusted_key(path) for path in key_paths]
        data = _read_file(image_path, "image")
        try:
            verified = validate_image(data, keys)
        except ImageInvalid as error:
            click.echo(f"levante: {image_path}: invalid: {error.reason}")
            sys.exit(EXIT_FAILED)
    except LevanteError as error:
        fail(error)
    version = verified.parsed.header.version
    how = f"signature by the {verified.key.kind} key {verified.key.key_hash[:8].hex()}" \
        if verified.key is not None else "hash only, no key given"
    click.echo(f"levante: {image_path}: valid: version {version}, {how}")
    sys.exit(EXIT_OK)


@click.command()
@click.argument("image_path", metavar="IMAGE", type=_FILE)
def imginfo(image_path: Path) -> None:
    """Print IMAGE's header, TLVs and (if padded) trailer."""
    try:
        data = _read_file(image_path, "image")
        header = read_header(data)
    except LevanteError as error:
        fail(error)
    click.echo(f"header: version {header.version}, header size {header.header_size}, "
               f"image size {header.image_size}, protected TLV size "
               f"{header.protected_tlv_size}, load address 0x{header.load_address:08x}, "
               f"flags 0x{header.flags:x} ({', '.join(header.flag_names)})")
    try:
        parsed = parse_image(data)
    except ImageInvalid as error:
        click.echo(f"TLVs: unreadable: {error.reason}")
        sys.exit(EXIT_FAILED)
    for tlv in parsed.tlvs:
        area = "protected" if tlv.protected else "unprotected"
        shown = _describe(tlv.kind, tlv.value)
        click.echo(f"TLV {tlv.name} ({area}, {len(tlv.value)} bytes): {shown}")
    click.echo(f"image end: {parsed.end} bytes; file: {len(data)} bytes")
    _print_trailer(data, parsed.end)


def _describe(kind: int, value: bytes) -> str:
    if kind == TLV_SEC_CNT and len(value) == 4:
        return str(int.from_bytes(value, "little"))
    if kind == TLV_DEPENDENCY:
        try:
            dependency = Dependency.decode(value)
        except ImageInvalid as error:
            return error.reason
        return f"image {dependency.image_id} >= {dependency.minimum}"
    return value.hex() if len(value) <= 32 else value[:32].hex() + "..."


def _print_trailer(data: bytes, image_end: int) -> None:
    for max_align in (8, 16, 32):
        if len(data) - MAGIC_SIZE >= image_end and data[-MAGIC_SIZE:] == boot_magic(max_align):
            geometry = TrailerGeometry(len(data), max_align=max_align)
            flags = {name: data[offset] for name, offset in (
                ("swap_info", geometry.swap_info_offset),
                ("copy_done", geometry.copy_done_offset),
                ("image_ok", geometry.image_ok_offset))}
            shown = ", ".join(f"{name} 0x{value:02x}" for name, value in flags.items())
            click.echo(f"trailer: magic good (max align {max_align}), {shown}")
            return
    click.echo("trailer: none")
