"""MCUboot image format: the 32-byte header, the protected and unprotected TLV areas.

Sans-IO: `parse_image` takes the bytes of a file or a slot and returns the structure it
finds, or raises `NotAnImage` (no image header at all) or `ImageInvalid` (an image whose
layout is inconsistent: lengths that overflow or run past the end, misplaced TLVs).
Cryptographic checks live in `levante.boot.validate`.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from levante.errors import ImageError

# MCUboot design.md, "Image format": magic numbers and sizes.
IMAGE_MAGIC = 0x96F3B83D
IMAGE_HEADER_SIZE = 32
TLV_INFO_MAGIC = 0x6907
TLV_PROTECTED_INFO_MAGIC = 0x6908
TLV_INFO_SIZE = 4
TLV_ENTRY_HEADER_SIZE = 4

# Header flags (IMAGE_F_*).
FLAG_PIC = 0x01
FLAG_ENCRYPTED_AES128 = 0x04
FLAG_ENCRYPTED_AES256 = 0x08
FLAG_NON_BOOTABLE = 0x10
FLAG_RAM_LOAD = 0x20
FLAG_ROM_FIXED = 0x100
FLAG_NAMES = {FLAG_PIC: "PIC", FLAG_ENCRYPTED_AES128: "ENCRYPTED_AES128",
              FLAG_ENCRYPTED_AES256: "ENCRYPTED_AES256", FLAG_NON_BOOTABLE: "NON_BOOTABLE",
              FLAG_RAM_LOAD: "RAM_LOAD", FLAG_ROM_FIXED: "ROM_FIXED"}

# TLV types (IMAGE_TLV_*).
TLV_KEYHASH = 0x01
TLV_PUBKEY = 0x02
TLV_SHA256 = 0x10
TLV_SHA384 = 0x11
TLV_SHA512 = 0x12
TLV_RSA2048_PSS = 0x20
TLV_ECDSA224 = 0x21
TLV_ECDSA_SIG = 0x22
TLV_RSA3072_PSS = 0x23
TLV_ED25519 = 0x24
TLV_SIG_PURE = 0x25
TLV_ENC_RSA2048 = 0x30
TLV_ENC_KW = 0x31
TLV_ENC_EC256 = 0x32
TLV_ENC_X25519 = 0x33
TLV_DEPENDENCY = 0x40
TLV_SEC_CNT = 0x50
TLV_BOOT_RECORD = 0x60

TLV_NAMES = {
    TLV_KEYHASH: "KEYHASH", TLV_PUBKEY: "PUBKEY", TLV_SHA256: "SHA256",
    TLV_SHA384: "SHA384", TLV_SHA512: "SHA512", TLV_RSA2048_PSS: "RSA2048_PSS",
    TLV_ECDSA224: "ECDSA224", TLV_ECDSA_SIG: "ECDSA_SIG", TLV_RSA3072_PSS: "RSA3072_PSS",
    TLV_ED25519: "ED25519", TLV_SIG_PURE: "SIG_PURE", TLV_ENC_RSA2048: "ENC_RSA2048",
    TLV_ENC_KW: "ENC_KW", TLV_ENC_EC256: "ENC_EC256", TLV_ENC_X25519: "ENC_X25519",
    TLV_DEPENDENCY: "DEPENDENCY", TLV_SEC_CNT: "SEC_CNT", TLV_BOOT_RECORD: "BOOT_RECORD",
}

# MCUboot design.md, "TLV allow list": what may sit outside the protected area. Anything
# else there could carry unsigned data a later stage might trust, so it is refused.
UNPROTECTED_ALLOWED = frozenset({
    TLV_KEYHASH, TLV_PUBKEY, TLV_SHA256, TLV_SHA384, TLV_SHA512, TLV_RSA2048_PSS,
    TLV_ECDSA224, TLV_ECDSA_SIG, TLV_RSA3072_PSS, TLV_ED25519, TLV_ENC_RSA2048,
    TLV_ENC_KW, TLV_ENC_EC256, TLV_ENC_X25519,
})

_HEADER = struct.Struct("<IIHHIIBBHII")
_TLV_INFO = struct.Struct("<HH")
_TLV_ENTRY = struct.Struct("<HH")
_DEPENDENCY = struct.Struct("<B3xBBHI")
_VERSION_TEXT = re.compile(r"^(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*)"
                           r"(?:\+(0|[1-9]\d*))?)?)?$")


class NotAnImage(ImageError):  # noqa: N818 - reads as the sentence it reports
    """Bytes that do not start with an MCUboot image header: bad input (exit status 2)."""


class ImageInvalid(Exception):  # noqa: N818
    """An image that must not be trusted; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ImageVersion:
    """major.minor.revision+build, as in ``struct image_version``."""

    major: int = 0
    minor: int = 0
    revision: int = 0
    build: int = 0

    @classmethod
    def parse(cls, text: str) -> ImageVersion:
        """'1.2.3+4' with later parts optional, as imgtool's --version accepts."""
        match = _VERSION_TEXT.match(text.strip())
        if match is None:
            raise ImageError(f"bad version '{text}': use major.minor.revision+build")
        parts = [int(group) if group else 0 for group in match.groups()]
        version = cls(*parts)
        if version.major > 0xFF or version.minor > 0xFF or version.revision > 0xFFFF \
                or version.build > 0xFFFF_FFFF:
            raise ImageError(f"version '{text}' does not fit the image header")
        return version

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.revision}+{self.build}"

    def is_older_than(self, other: ImageVersion) -> bool:
        """MCUboot's boot_version_cmp: the build number is left out of the comparison
        (as with MCUBOOT_VERSION_CMP_USE_BUILD_NUMBER unset)."""
        mine = (self.major, self.minor, self.revision)
        return mine < (other.major, other.minor, other.revision)


@dataclass(frozen=True)
class ImageHeader:
    """``struct image_header``, all fields little endian."""

    load_address: int
    header_size: int
    protected_tlv_size: int
    image_size: int
    flags: int
    version: ImageVersion

    def encode(self) -> bytes:
        return _HEADER.pack(IMAGE_MAGIC, self.load_address, self.header_size,
                            self.protected_tlv_size, self.image_size, self.flags,
                            self.version.major, self.version.minor, self.version.revision,
                            self.version.build, 0)

    @property
    def flag_names(self) -> list[str]:
        return [name for bit, name in FLAG_NAMES.items() if self.flags & bit] or ["none"]


@dataclass(frozen=True)
class Dependency:
    """``struct image_dependency``: image ``image_id`` must be at least ``minimum``."""

    image_id: int
    minimum: ImageVersion

    def encode(self) -> bytes:
        version = self.minimum
        return _DEPENDENCY.pack(self.image_id, version.major, version.minor,
                                version.revision, version.build)

    @classmethod
    def decode(cls, value: bytes) -> Dependency:
        if len(value) != _DEPENDENCY.size:
            raise ImageInvalid(f"DEPENDENCY TLV of {len(value)} bytes, expected "
                               f"{_DEPENDENCY.size}")
        image_id, major, minor, revision, build = _DEPENDENCY.unpack(value)
        return cls(image_id, ImageVersion(major, minor, revision, build))


@dataclass(frozen=True)
class Tlv:
    """One TLV entry: ``offset`` is where its value starts, from the image start."""

    kind: int
    value: bytes
    offset: int
    protected: bool

    @property
    def name(self) -> str:
        return TLV_NAMES.get(self.kind, f"0x{self.kind:04x}")


@dataclass(frozen=True)
class ParsedImage:
    """The layout of one image: header, the hashed region's end, and its TLVs."""

    header: ImageHeader
    protected_end: int  # end of header + body + protected TLVs: what SHA256 covers
    end: int  # end of the unprotected TLV area: the whole image
    tlvs: tuple[Tlv, ...] = field(default_factory=tuple)

    def find(self, kind: int) -> list[Tlv]:
        return [tlv for tlv in self.tlvs if tlv.kind == kind]


def encode_tlv_area(magic: int, entries: list[tuple[int, bytes]]) -> bytes:
    """An ``image_tlv_info`` followed by its entries; empty when there are none."""
    if not entries:
        return b""
    body = b"".join(_TLV_ENTRY.pack(kind, len(value)) + value for kind, value in entries)
    return _TLV_INFO.pack(magic, TLV_INFO_SIZE + len(body)) + body


def read_header(data: bytes | memoryview) -> ImageHeader:
    """The header at the start of ``data``; NotAnImage when there is none."""
    if len(data) < IMAGE_HEADER_SIZE:
        raise NotAnImage(f"too short for an image header ({len(data)} bytes)")
    (magic, load_address, header_size, protected_tlv_size, image_size, flags,
     major, minor, revision, build, _) = _HEADER.unpack_from(data, 0)
    if magic != IMAGE_MAGIC:
        raise NotAnImage(f"not an MCUboot image (magic 0x{magic:08x})")
    return ImageHeader(load_address, header_size, protected_tlv_size, image_size, flags,
                       ImageVersion(major, minor, revision, build))


def parse_image(data: bytes | memoryview, limit: int | None = None) -> ParsedImage:
    """Check the image's layout in ``data[:limit]`` and list its TLVs.

    MCUboot design.md, "Integrity check" and "Protected TLVs": the body is followed by
    an optional protected area (``IMAGE_TLV_PROT_INFO_MAGIC``, size equal to the header's
    ``ih_protect_tlv_size``) and then the unprotected area (``IMAGE_TLV_INFO_MAGIC``).
    Every length is checked against ``limit`` before it is used.
    """
    header = read_header(data)
    limit = len(data) if limit is None else min(limit, len(data))
    if header.header_size < IMAGE_HEADER_SIZE:
        raise ImageInvalid(f"header size {header.header_size} is below {IMAGE_HEADER_SIZE}")
    body_end = header.header_size + header.image_size  # Python ints: no wrap-around
    if body_end + TLV_INFO_SIZE > limit:
        raise ImageInvalid(f"header size {header.header_size} + image size "
                           f"{header.image_size} runs past the end ({limit} bytes)")
    tlvs: list[Tlv] = []
    offset = body_end
    magic, total = _TLV_INFO.unpack_from(data, offset)
    if header.protected_tlv_size:
        if magic != TLV_PROTECTED_INFO_MAGIC:
            raise ImageInvalid("header announces protected TLVs but none follow the body")
        if total != header.protected_tlv_size:
            raise ImageInvalid(f"protected TLV area is {total} bytes, the header says "
                               f"{header.protected_tlv_size}")
        tlvs += _entries(data, offset, total, limit, protected=True)
        offset += total
        if offset + TLV_INFO_SIZE > limit:
            raise ImageInvalid("image ends before its unprotected TLV area")
        magic, total = _TLV_INFO.unpack_from(data, offset)
    elif magic == TLV_PROTECTED_INFO_MAGIC:
        raise ImageInvalid("protected TLVs present but the header's protected size is 0")
    protected_end = offset
    if magic != TLV_INFO_MAGIC:
        raise ImageInvalid(f"no TLV area after the body (magic 0x{magic:04x})")
    unprotected = _entries(data, offset, total, limit, protected=False)
    for tlv in unprotected:
        if tlv.kind not in UNPROTECTED_ALLOWED:
            where = "outside the protected area" if tlv.kind in TLV_NAMES else "not allowed"
            raise ImageInvalid(f"TLV {tlv.name} {where} (unprotected TLV area)")
    return ParsedImage(header, protected_end, offset + total, tuple(tlvs + unprotected))


def _entries(data: bytes | memoryview, start: int, total: int, limit: int,
             protected: bool) -> list[Tlv]:
    area = "protected" if protected else "unprotected"
    end = start + total
    if total < TLV_INFO_SIZE or end > limit:
        raise ImageInvalid(f"{area} TLV area of {total} bytes runs past the end "
                           f"({limit} bytes)")
    entries = []
    offset = start + TLV_INFO_SIZE
    while offset < end:
        if offset + TLV_ENTRY_HEADER_SIZE > end:
            raise ImageInvalid(f"truncated TLV entry at offset {offset} ({area} area)")
        kind, length = _TLV_ENTRY.unpack_from(data, offset)
        value_start = offset + TLV_ENTRY_HEADER_SIZE
        if value_start + length > end:
            raise ImageInvalid(f"TLV 0x{kind:02x} of {length} bytes at offset {offset} runs "
                               f"past the end of the {area} TLV area")
        entries.append(Tlv(kind, bytes(data[value_start:value_start + length]),
                           value_start, protected))
        offset = value_start + length
    return entries
