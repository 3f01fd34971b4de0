"""Image validation: structure, SHA-256, key and signature, as bootutil_img_validate does.

MCUboot design.md, "Integrity check": the image must have a SHA256 TLV that matches the
hash of header, body and protected TLVs; a signature TLV whose key is named by KEYHASH
(or PUBKEY) and is one of the trusted keys. Levante always requires a signature when it
is given trusted keys; with none it checks integrity only (`levante verify` without -k).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from levante.boot.image import (
    TLV_DEPENDENCY,
    TLV_ECDSA_SIG,
    TLV_ED25519,
    TLV_KEYHASH,
    TLV_PUBKEY,
    TLV_SEC_CNT,
    TLV_SHA256,
    Dependency,
    ImageInvalid,
    ParsedImage,
    parse_image,
)
from levante.boot.keyring import TrustedKey

_SIGNATURE_TLVS = (TLV_ECDSA_SIG, TLV_ED25519)


@dataclass(frozen=True)
class VerifiedImage:
    """An image that passed every check, and the facts the boot stage needs from it."""

    parsed: ParsedImage
    digest: bytes
    key: TrustedKey | None  # None: integrity checked, no signature required
    security_counter: int | None
    dependencies: tuple[Dependency, ...]

    @property
    def size(self) -> int:
        return self.parsed.end


def _single(parsed: ParsedImage, kind: int, name: str) -> bytes | None:
    found = parsed.find(kind)
    if len(found) > 1:
        raise ImageInvalid(f"{len(found)} {name} TLVs, expected at most one")
    return found[0].value if found else None


def validate_image(data: bytes | memoryview, trusted_keys: Sequence[TrustedKey],
                   limit: int | None = None) -> VerifiedImage:
    """Check the image at the start of ``data`` (at most ``limit`` bytes of it).

    Raises NotAnImage when there is no image header and ImageInvalid with the reason
    when the image must not be trusted.
    """
    parsed = parse_image(data, limit)
    expected = _single(parsed, TLV_SHA256, "SHA256")
    if expected is None:
        raise ImageInvalid("no SHA256 TLV")
    digest = hashlib.sha256(data[:parsed.protected_end]).digest()
    if not hmac.compare_digest(digest, expected):
        raise ImageInvalid("hash mismatch: SHA256 TLV does not match the image")
    key = _check_signature(parsed, digest, trusted_keys) if trusted_keys else None
    counter_value = _single(parsed, TLV_SEC_CNT, "SEC_CNT")
    counter = None
    if counter_value is not None:
        if len(counter_value) != 4:
            raise ImageInvalid(f"SEC_CNT TLV of {len(counter_value)} bytes, expected 4")
        counter = struct.unpack("<I", counter_value)[0]
    dependencies = tuple(Dependency.decode(tlv.value) for tlv in parsed.find(TLV_DEPENDENCY))
    return VerifiedImage(parsed, digest, key, counter, dependencies)


def _check_signature(parsed: ParsedImage, digest: bytes,
                     trusted_keys: Sequence[TrustedKey]) -> TrustedKey:
    key_hash = _single(parsed, TLV_KEYHASH, "KEYHASH")
    public = _single(parsed, TLV_PUBKEY, "PUBKEY")
    if key_hash is None and public is not None:
        # MCUboot design.md, "Using hardware keys": a full key is trusted only if its hash
        # is a provisioned one.
        key_hash = hashlib.sha256(public).digest()
    if key_hash is None:
        raise ImageInvalid("unsigned image: no KEYHASH or PUBKEY TLV")
    key = next((key for key in trusted_keys if hmac.compare_digest(key.key_hash, key_hash)),
               None)
    if key is None:
        raise ImageInvalid(f"signed with an untrusted key (key hash {key_hash[:8].hex()}...)")
    signatures = [tlv for tlv in parsed.tlvs if tlv.kind in _SIGNATURE_TLVS]
    if not signatures:
        raise ImageInvalid("no signature TLV")
    for tlv in signatures:
        if tlv.kind == key.signature_tlv and key.verifies(tlv.value, digest):
            return key
    raise ImageInvalid(f"bad signature: does not verify with the {key.kind} key")
