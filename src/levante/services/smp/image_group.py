"""The SMP image management group (group 1): slot states, test and confirm, uploads into
the secondary slot (with offsets and resumption), erase, and slot information.

Image 0 is managed; the running image is in the primary slot, uploads go to the
secondary one.  The secondary slot is refused to uploads and erases while it holds
something the boot stage needs: an image scheduled for the next boot, or the previous
image a test boot reverts to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from levante.boot.image import (
    FLAG_NON_BOOTABLE,
    IMAGE_HEADER_SIZE,
    IMAGE_MAGIC,
    TLV_SHA256,
    ImageInvalid,
    NotAnImage,
    parse_image,
    read_header,
)
from levante.boot.trailer import SwapType
from levante.codecs.smp import SmpValue
from levante.kernel.flash_port import FlashPartitionInfo, FlashPort, FlashRefused
from levante.services.smp.results import ImageError, Mgmt, Refusal
from levante.services.smp.target import ImageSlotsInfo, SmpTarget

Body = Mapping[str, SmpValue]
SHA256_SIZE = 32


@dataclass
class Upload:
    """The upload in progress: what was announced and how far it got."""

    length: int
    sha: bytes  # the client's SHA-256 of the whole image (empty: none given)
    offset: int = 0  # octets received
    written: int = 0  # octets programmed (a multiple of the write unit, until the end)
    tail: bytearray = field(default_factory=bytearray)  # received, not yet programmed


@dataclass(frozen=True)
class SlotImage:
    """What a slot holds, as the state command lists it."""

    version: str
    digest: bytes
    bootable: bool


def _field(body: Body, key: str, kind: type, default: object = None) -> object:
    value = body.get(key, default)
    if value is not None and (not isinstance(value, kind) or
                              (kind is int and isinstance(value, bool))):
        raise Refusal(Mgmt.EINVAL, f"'{key}' is not {kind.__name__}")
    return value


def version_text(major: int, minor: int, revision: int, build: int) -> str:
    """SMP's form: major.minor.revision, with .build only when it is not 0."""
    text = f"{major}.{minor}.{revision}"
    return f"{text}.{build}" if build else text


class ImageGroup:
    """The image group's commands over the target's flash and boot stage."""

    def __init__(self, target: SmpTarget) -> None:
        self.target = target
        self.upload: Upload | None = None

    def _flash(self) -> tuple[FlashPort, ImageSlotsInfo]:
        flash, slots = self.target.flash, self.target.slots
        if flash is None or slots is None:
            raise Refusal(Mgmt.ENOTSUP, "this build boots without MCUboot: no image slots")
        return flash, slots

    # --- state ---------------------------------------------------------------------

    def slot_image(self, partition: FlashPartitionInfo, limit: int) -> SlotImage | None:
        flash, _ = self._flash()
        try:
            data = flash.read(partition.offset, min(partition.size, limit))
            parsed = parse_image(data, limit)
        except (NotAnImage, ImageInvalid, FlashRefused):
            return None
        hashes = parsed.find(TLV_SHA256)
        if len(hashes) != 1 or len(hashes[0].value) != SHA256_SIZE:
            return None
        version = parsed.header.version
        return SlotImage(version_text(version.major, version.minor, version.revision,
                                      version.build), hashes[0].value,
                         not parsed.header.flags & FLAG_NON_BOOTABLE)

    def state_read(self, body: Body) -> dict[str, SmpValue]:
        flash, slots = self._flash()
        swap = flash.swap_type(0)
        images: list[SmpValue] = []
        for number, partition in enumerate((slots.primary, slots.secondary)):
            image = self.slot_image(partition, slots.max_image_size)
            if image is None:
                continue
            entry: dict[str, SmpValue] = {"image": 0, "slot": number,
                                          "version": image.version, "hash": image.digest}
            if image.bootable:
                entry["bootable"] = True
            entry.update(_slot_flags(number, swap, flash.image_confirmed(0)))
            images.append(entry)
        return {"images": images, "splitStatus": 0}

    def state_write(self, body: Body) -> dict[str, SmpValue]:
        flash, slots = self._flash()
        wanted = _field(body, "hash", bytes)
        confirm = bool(_field(body, "confirm", bool, False))
        primary = self.slot_image(slots.primary, slots.max_image_size)
        secondary = self.slot_image(slots.secondary, slots.max_image_size)
        if wanted is None and not confirm:
            raise Refusal(Mgmt.EINVAL, "a test needs the image's hash")
        if wanted is None or (primary is not None and wanted == primary.digest):
            if not confirm:
                raise Refusal.image(ImageError.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED,
                                    "the running image cannot be marked for test")
            try:
                flash.confirm_image(0)
            except FlashRefused as error:
                raise Refusal.image(ImageError.FLASH_WRITE_FAILED, str(error)) from None
            return self.state_read({})
        if secondary is None or wanted != secondary.digest:
            raise Refusal.image(ImageError.HASH_NOT_FOUND, "no slot holds that image")
        if not secondary.bootable:
            raise Refusal.image(ImageError.NO_IMAGE, "the image is not bootable")
        if flash.swap_type(0) == SwapType.REVERT:
            raise Refusal.image(ImageError.NO_FREE_SLOT, "the secondary slot holds the "
                                "image a test boot reverts to: confirm first")
        try:
            flash.request_upgrade(0, permanent=confirm)
        except FlashRefused as error:
            raise Refusal.image(ImageError.NO_IMAGE, str(error)) from None
        return self.state_read({})

    # --- upload --------------------------------------------------------------------

    def _check_secondary_free(self, flash: FlashPort) -> None:
        swap = flash.swap_type(0)
        if swap in (SwapType.TEST, SwapType.PERM):
            raise Refusal.image(ImageError.IMAGE_ALREADY_PENDING,
                                "an image in the secondary slot is scheduled to boot")
        if swap == SwapType.REVERT:
            raise Refusal.image(ImageError.NO_FREE_SLOT, "the secondary slot holds the "
                                "image a test boot reverts to: confirm first")

    def upload_write(self, body: Body) -> dict[str, SmpValue]:
        flash, slots = self._flash()
        offset = _field(body, "off", int)
        data = _field(body, "data", bytes)
        if not isinstance(offset, int) or not isinstance(data, bytes):
            raise Refusal(Mgmt.EINVAL, "an upload needs 'off' and 'data'")
        if _field(body, "image", int, 0) != 0:
            raise Refusal.image(ImageError.INVALID_SLOT, "only image 0 is managed")
        if offset == 0:
            resumed = self._resume(body)
            if resumed is not None:
                return {"off": resumed.offset}
            self._start(flash, slots, body, data)
        upload = self.upload
        if upload is None:
            raise Refusal.image(ImageError.INVALID_OFFSET, "no upload in progress "
                                "(begin at offset 0)")
        if offset != upload.offset:
            # Not where the upload is: the data is dropped and the client told where
            # to go on, as MCUmgr's servers answer.
            return {"off": upload.offset}
        if offset + len(data) > upload.length:
            raise Refusal.image(ImageError.INVALID_IMAGE_DATA_OVERRUN,
                                f"{offset}+{len(data)} runs past the announced "
                                f"{upload.length} octets")
        self._write(flash, slots.secondary, upload, data)
        if upload.offset < upload.length:
            return {"off": upload.offset}
        return self._finish(flash, slots, upload)

    def _resume(self, body: Body) -> Upload | None:
        """An upload announced again with the same length and hash resumes where it
        stopped."""
        upload = self.upload
        sha = _field(body, "sha", bytes)
        if upload is None or not sha or sha != upload.sha or upload.offset == 0 or \
                _field(body, "len", int) != upload.length:
            return None
        return upload

    def _start(self, flash: FlashPort, slots: ImageSlotsInfo, body: Body,
               data: bytes) -> None:
        self.upload = None
        length = _field(body, "len", int)
        sha = _field(body, "sha", bytes) or b""
        if not isinstance(sha, bytes):
            raise Refusal(Mgmt.EINVAL, "'sha' is not bytes")
        if not isinstance(length, int) or length <= 0:
            raise Refusal.image(ImageError.INVALID_LENGTH, "the first chunk must give "
                                "the image's length")
        if length > slots.max_image_size:
            raise Refusal.image(ImageError.INVALID_IMAGE_TOO_LARGE,
                                f"{length} octets: the slot takes {slots.max_image_size}")
        if len(sha) > SHA256_SIZE:
            raise Refusal(Mgmt.EINVAL, "'sha' is longer than a SHA-256")
        if len(data) < min(IMAGE_HEADER_SIZE, length):
            raise Refusal.image(ImageError.INVALID_LENGTH, "the first chunk must hold the "
                                "image header")
        if int.from_bytes(data[:4], "little") != IMAGE_MAGIC:
            raise Refusal.image(ImageError.INVALID_IMAGE_HEADER_MAGIC,
                                "not an MCUboot image")
        self._check_secondary_free(flash)
        if _field(body, "upgrade", bool, False):
            self._check_newer(flash, slots, data)
        sector = flash.sector_size
        try:
            for start in range(0, -(-length // sector) * sector, sector):
                flash.erase(slots.secondary.offset + start, sector)
        except FlashRefused as error:
            raise Refusal.image(ImageError.FLASH_ERASE_FAILED, str(error)) from None
        self.upload = Upload(length, sha)

    def _check_newer(self, flash: FlashPort, slots: ImageSlotsInfo, data: bytes) -> None:
        """`upgrade`: only an image newer than the running one (x.y.z) is taken."""
        try:
            incoming = read_header(data).version
            running = read_header(flash.read(slots.primary.offset,
                                             IMAGE_HEADER_SIZE)).version
        except NotAnImage:
            return
        if not running.is_older_than(incoming):
            raise Refusal.image(ImageError.CURRENT_VERSION_IS_NEWER,
                                f"{incoming} is not newer than the running {running}")

    def _write(self, flash: FlashPort, secondary: FlashPartitionInfo, upload: Upload,
               data: bytes) -> None:
        """Program what whole write units the data completes; the end is padded."""
        upload.tail += data
        upload.offset += len(data)
        unit = flash.write_alignment
        if upload.offset == upload.length:
            upload.tail += b"\xff" * (-len(upload.tail) % unit)
        whole = len(upload.tail) - len(upload.tail) % unit
        if not whole:
            return
        try:
            flash.program(secondary.offset + upload.written, bytes(upload.tail[:whole]))
        except FlashRefused as error:
            self.upload = None
            raise Refusal.image(ImageError.FLASH_WRITE_FAILED, str(error)) from None
        upload.written += whole
        del upload.tail[:whole]

    def _finish(self, flash: FlashPort, slots: ImageSlotsInfo,
                upload: Upload) -> dict[str, SmpValue]:
        """The last chunk: the slot must hold what the client hashed, and an image."""
        self.upload = None
        stored = flash.read(slots.secondary.offset, upload.length)
        response: dict[str, SmpValue] = {"off": upload.length}
        if len(upload.sha) == SHA256_SIZE:
            if hashlib.sha256(stored).digest() != upload.sha:
                raise Refusal.image(ImageError.INVALID_HASH,
                                    "the slot does not hold what the client hashed")
            response["match"] = True
        try:
            parse_image(stored)
        except (NotAnImage, ImageInvalid) as error:
            reason = error.reason if isinstance(error, ImageInvalid) else error.message
            raise Refusal.image(ImageError.NO_IMAGE, f"not a complete image: {reason}") \
                from None
        return response

    # --- erase and slot information ------------------------------------------------

    def erase(self, body: Body) -> dict[str, SmpValue]:
        flash, slots = self._flash()
        if _field(body, "slot", int, 1) != 1:
            raise Refusal.image(ImageError.INVALID_SLOT, "only the secondary slot (1) "
                                "can be erased")
        self._check_secondary_free(flash)
        self.upload = None
        try:
            for start in range(0, slots.secondary.size, flash.sector_size):
                flash.erase(slots.secondary.offset + start, flash.sector_size)
        except FlashRefused as error:
            raise Refusal.image(ImageError.FLASH_ERASE_FAILED, str(error)) from None
        return {}

    def slot_info(self, body: Body) -> dict[str, SmpValue]:
        _, slots = self._flash()
        return {"images": [{
            "image": 0,
            "slots": [{"slot": 0, "size": slots.primary.size},
                      {"slot": 1, "size": slots.secondary.size, "upload_image_id": 0}],
            "max_image_size": slots.max_image_size}]}


def _slot_flags(slot: int, swap: int, confirmed: bool) -> dict[str, SmpValue]:
    """MCUmgr's flags of a slot, from the swap the boot stage would do next."""
    flags: dict[str, SmpValue] = {}
    if slot == 0:
        flags["active"] = True
        if swap != SwapType.REVERT and confirmed:
            flags["confirmed"] = True
    elif swap == SwapType.TEST:
        flags["pending"] = True
    elif swap == SwapType.PERM:
        flags["pending"] = flags["permanent"] = True
    elif swap == SwapType.REVERT:
        flags["confirmed"] = True  # the image the test boot reverts to
    return flags
