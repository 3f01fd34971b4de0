"""Turn a raw application binary into a signed MCUboot image, with imgtool's semantics.

Each option means what the imgtool option of the same name means (imgtool.md, "Signing
images"), so `levante sign` and `imgtool sign` produce images either boot stage accepts.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass, field

from levante.boot.image import (
    FLAG_RAM_LOAD,
    FLAG_ROM_FIXED,
    IMAGE_HEADER_SIZE,
    TLV_DEPENDENCY,
    TLV_INFO_MAGIC,
    TLV_KEYHASH,
    TLV_PROTECTED_INFO_MAGIC,
    TLV_PUBKEY,
    TLV_SEC_CNT,
    TLV_SHA256,
    Dependency,
    ImageHeader,
    ImageVersion,
    encode_tlv_area,
)
from levante.boot.keyring import SigningKey
from levante.boot.trailer import DEFAULT_MAX_SECTORS, TrailerGeometry
from levante.errors import ImageError

ERASED = 0xFF
_DEPENDENCY_TEXT = re.compile(r"\(\s*(\d+)\s*,\s*([0-9.+]+)\s*\)")


@dataclass(frozen=True)
class SignOptions:
    """imgtool sign's options that Levante supports, with imgtool's defaults."""

    version: ImageVersion = field(default_factory=ImageVersion)
    header_size: int = IMAGE_HEADER_SIZE
    pad_header: bool = False
    slot_size: int | None = None
    align: int = 1
    max_align: int | None = None
    max_sectors: int = DEFAULT_MAX_SECTORS
    pad: bool = False
    confirm: bool = False
    test: bool = False
    security_counter: int | None = None
    dependencies: tuple[Dependency, ...] = ()
    public_key_format: str = "hash"
    load_address: int = 0
    rom_fixed: int | None = None

    def trailer(self) -> TrailerGeometry:
        if self.slot_size is None:
            raise ImageError("--pad, --confirm and --test need --slot-size")
        return TrailerGeometry(self.slot_size, self.align, self.max_sectors, self.max_align)


def parse_security_counter(text: str, version: ImageVersion) -> int:
    """imgtool's -s: an integer literal (0x.., 0b.., 0o..), or 'auto' from the version."""
    if text.strip().lower() == "auto":
        return (version.major << 24) + (version.minor << 16) + version.revision
    try:
        value = int(text, 0)
    except ValueError:
        raise ImageError(f"bad security counter '{text}': use an integer or 'auto'") from None
    if not 0 <= value <= 0xFFFF_FFFF:
        raise ImageError(f"security counter {value} does not fit in 32 bits")
    return value


def parse_dependencies(text: str) -> tuple[Dependency, ...]:
    """imgtool's -d: "(<image_id>,<version>), (<image_id>,<version>)"."""
    found = _DEPENDENCY_TEXT.findall(text)
    if not found or _DEPENDENCY_TEXT.sub("", text).strip(" ,"):
        raise ImageError(f"bad dependencies '{text}': use \"(image_id,version), ...\"")
    return tuple(Dependency(int(image), ImageVersion.parse(version))
                 for image, version in found)


def sign_image(binary: bytes, key: SigningKey | None, options: SignOptions) -> bytes:
    """The signed image (and its padded trailer when asked) for ``binary``.

    MCUboot design.md, "Protected TLVs": SHA-256 covers the header, the body and the
    protected TLV area; the signature signs that hash; KEYHASH (or PUBKEY) names the key.
    """
    if options.header_size < IMAGE_HEADER_SIZE or options.header_size > 0xFFFF:
        raise ImageError(f"header size {options.header_size} must be between "
                         f"{IMAGE_HEADER_SIZE} and 65535")
    if options.pad_header:
        payload = bytearray([ERASED]) * options.header_size + binary
    else:
        payload = bytearray(binary)
        if len(payload) < options.header_size or any(payload[:options.header_size]):
            raise ImageError("header padding was not requested (--pad-header) and the "
                             f"binary does not start with {options.header_size} zero bytes")
    protected: list[tuple[int, bytes]] = []
    if options.security_counter is not None:
        protected.append((TLV_SEC_CNT, struct.pack("<I", options.security_counter)))
    protected += [(TLV_DEPENDENCY, dependency.encode()) for dependency in options.dependencies]
    protected_area = encode_tlv_area(TLV_PROTECTED_INFO_MAGIC, protected)
    if len(protected_area) > 0xFFFF:
        raise ImageError("protected TLV area too large")
    flags = 0
    if options.load_address:
        flags |= FLAG_RAM_LOAD  # imgtool: a load address means "load into RAM"
    if options.rom_fixed is not None:
        flags |= FLAG_ROM_FIXED
    image_size = len(payload) - options.header_size
    if image_size > 0xFFFF_FFFF:
        raise ImageError("binary too large for an image header")
    header = ImageHeader(options.rom_fixed or options.load_address, options.header_size,
                         len(protected_area), image_size, flags, options.version)
    payload[:IMAGE_HEADER_SIZE] = header.encode()
    hashed = bytes(payload) + protected_area
    digest = hashlib.sha256(hashed).digest()
    unprotected: list[tuple[int, bytes]] = [(TLV_SHA256, digest)]
    if key is not None:
        if options.public_key_format == "hash":
            unprotected.append((TLV_KEYHASH, key.trusted.key_hash))
        else:
            unprotected.append((TLV_PUBKEY, key.trusted.public_der))
        unprotected.append((key.trusted.signature_tlv, key.sign(digest)))
    image = hashed + encode_tlv_area(TLV_INFO_MAGIC, unprotected)
    return _fit_to_slot(image, options)


def _fit_to_slot(image: bytes, options: SignOptions) -> bytes:
    if options.slot_size is None:
        if options.pad or options.confirm or options.test:
            options.trailer()  # raises: padding needs a slot size
        return image
    geometry = options.trailer()
    room = options.slot_size - geometry.size
    if len(image) > room:
        raise ImageError(f"image size (0x{len(image):x}) + trailer (0x{geometry.size:x}) "
                         f"exceeds the slot size 0x{options.slot_size:x}")
    if not (options.pad or options.confirm or options.test):
        return image
    padding = bytes([ERASED]) * (room - len(image))
    return image + padding + geometry.padded_trailer(confirm=options.confirm)
