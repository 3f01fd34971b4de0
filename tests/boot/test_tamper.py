"""Tampered and downgrading images: each is refused with a log line saying why, the
secondary slot is erased, and the primary slot keeps running, unchanged."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from boot_support import Device, make_image

from levante.boot import (
    ImageInvalid,
    boot_request_upgrade,
    development_signing_key,
    validate_image,
)
from levante.boot.image import (
    TLV_ECDSA_SIG,
    TLV_INFO_MAGIC,
    TLV_SEC_CNT,
    encode_tlv_area,
    parse_image,
)
from levante.boot.keyring import SigningKey, generate_key, trusted_key_from_public

OLD = make_image("1.0.0", security_counter=1)
GOOD = make_image("1.1.0", security_counter=2)


def with_unprotected(image: bytes, extra: list[tuple[int, bytes]]) -> bytes:
    parsed = parse_image(image)
    entries = [(tlv.kind, tlv.value) for tlv in parsed.tlvs if not tlv.protected]
    return image[:parsed.protected_end] + encode_tlv_area(TLV_INFO_MAGIC, entries + extra)


def flip(image: bytes, offset: int) -> bytes:
    return image[:offset] + bytes([image[offset] ^ 0x01]) + image[offset + 1:]


def bad_signature() -> bytes:
    signature = parse_image(GOOD).find(TLV_ECDSA_SIG)[0]
    return flip(GOOD, signature.offset + 10)


def wrong_key() -> bytes:
    private = generate_key("ecdsa-p256")
    stranger = SigningKey(private, trusted_key_from_public(private.public_key(), Path("x")))
    return make_image("1.1.0", key=stranger, security_counter=2)


def hash_mismatch() -> bytes:
    return flip(GOOD, 0x80 + 100)


def truncated() -> bytes:
    return GOOD[:len(GOOD) // 2]


def tlv_runs_past_the_end() -> bytes:
    parsed = parse_image(GOOD)
    last = parsed.tlvs[-1]
    return GOOD[:last.offset - 2] + struct.pack("<H", 0xFFF0) + GOOD[last.offset:]


def protected_tlv_outside_the_protected_area() -> bytes:
    return with_unprotected(GOOD, [(TLV_SEC_CNT, struct.pack("<I", 99))])


def unknown_unprotected_tlv() -> bytes:
    return with_unprotected(GOOD, [(0x00A5, b"vendor data")])


def header_size_overflow() -> bytes:
    return GOOD[:8] + struct.pack("<H", 0xFFFF) + GOOD[10:]


def image_size_overflow() -> bytes:
    return GOOD[:12] + struct.pack("<I", 0xFFFF_FFF0) + GOOD[16:]


def downgrade_by_version() -> bytes:
    return make_image("0.9.0", security_counter=5)


def downgrade_by_security_counter() -> bytes:
    return make_image("2.0.0", security_counter=0)


CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "bad signature": (bad_signature, "bad signature"),
    "wrong key": (wrong_key, "untrusted key"),
    "hash mismatch": (hash_mismatch, "hash mismatch"),
    "truncated image": (truncated, "no TLV area|runs past the end|none follow the body"),
    "TLV length past the end": (tlv_runs_past_the_end, "runs past the end of the unprotected"),
    "protected TLV outside": (protected_tlv_outside_the_protected_area,
                              "SEC_CNT outside the protected area"),
    "unknown unprotected TLV": (unknown_unprotected_tlv, "0x00a5 not allowed"),
    "header size overflow": (header_size_overflow, "runs past the end"),
    "image size overflow": (image_size_overflow, "runs past the end"),
    "downgrade by version": (downgrade_by_version, "downgrade by version"),
    "downgrade by security counter": (downgrade_by_security_counter,
                                      "downgrade by security counter"),
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_a_tampered_candidate_is_refused_and_the_primary_keeps_running(case: str) -> None:
    make, reason = CORPUS[case]
    device = Device.fresh()
    device.write(OLD, "primary")
    assert device.booted() == OLD  # raises the stored security counter to 1
    primary_before = device.slot_bytes("primary", device.layout.images[0].primary.size)
    device.write(make(), "secondary")
    boot_request_upgrade(device.board, device.layout, permanent=False)
    log: list[str] = []
    result = device.boot(log)
    assert result.ok
    assert device.slot_bytes("primary", len(primary_before)) == primary_before
    refusals = [line for line in log if "refusing" in line]
    assert len(refusals) == 1
    assert re.search(reason, refusals[0]), refusals
    secondary = device.layout.images[0].secondary
    assert device.slot_bytes("secondary", secondary.size) == b"\xff" * secondary.size


@pytest.mark.parametrize("case", [name for name in sorted(CORPUS)
                                  if not name.startswith("downgrade")])
def test_the_same_images_fail_validation_on_their_own(case: str) -> None:
    make, reason = CORPUS[case]
    with pytest.raises(ImageInvalid, match=reason):
        validate_image(make(), [development_signing_key().trusted])
