"""(g) Verifying a signed 256 KiB image (parse, TLV checks, SHA-256, ECDSA P-256) vs the
raw `cryptography` cost of the same SHA-256 and signature check, measured in one run;
and what powering on through the boot stage adds to starting a system."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from bench.common import APPS, BUILD, Result, best_time, boot_quietly
from levante.boot import ImageVersion, SignOptions, development_signing_key, sign_image
from levante.boot.image import TLV_ECDSA_SIG, parse_image
from levante.boot.validate import validate_image
from levante.config import load_board
from levante.sdk.build import build

IMAGE_BYTES = 256 * 1024
ROUNDS = 20
POWER_ONS = 10


def run() -> Result:
    key = development_signing_key()
    image = sign_image(os.urandom(IMAGE_BYTES), key,
                       SignOptions(version=ImageVersion(1), pad_header=True, header_size=0x200,
                                   security_counter=1))
    parsed = parse_image(image)
    hashed = image[:parsed.protected_end]
    signature = parsed.find(TLV_ECDSA_SIG)[0].value
    public = key.trusted.public
    assert isinstance(public, ec.EllipticCurvePublicKey)
    trusted = [key.trusted]

    def levante_verify() -> None:
        for _ in range(ROUNDS):
            validate_image(image, trusted)

    def raw_crypto() -> None:
        for _ in range(ROUNDS):
            digest = hashes.Hash(hashes.SHA256())
            digest.update(hashed)
            public.verify(signature, digest.finalize(), ec.ECDSA(utils.Prehashed(
                hashes.SHA256())))

    ours = best_time(levante_verify, repeats=5) / ROUNDS
    raw = best_time(raw_crypto, repeats=5) / ROUNDS
    return Result(
        "image_verify_vs_raw_crypto", ours / raw, 1.3, False,
        f"256 KiB image verified in {ours * 1e6:.0f} us vs raw SHA-256 + ECDSA P-256 "
        f"{raw * 1e6:.0f} us",
    )


def run_power_on() -> Result:
    """`levante run`'s start with the boot stage (read the board's 1 MiB flash, validate
    the primary slot, load the flash into the CPU) vs the same application built without
    it and loaded from its ELF: everything up to the first instruction, both ways."""
    board = load_board("lv_m4")
    signed = BUILD / "power_on_mcuboot"
    direct = BUILD / "power_on_direct"
    build(APPS / "sem", signed, board)
    build(APPS / "sem", direct, board, (APPS / "no_mcuboot.conf",))
    boot_quietly(signed)  # programs the board once: what every later run finds

    def through_boot_stage() -> None:
        for _ in range(POWER_ONS):
            boot_quietly(signed)

    def from_elf() -> None:
        for _ in range(POWER_ONS):
            boot_quietly(direct)

    ours = best_time(through_boot_stage, repeats=5) / POWER_ONS
    reference = best_time(from_elf, repeats=5) / POWER_ONS
    return Result(
        "power_on_vs_direct_load", ours / reference, 1.5, False,
        f"system start through the boot stage {ours * 1e3:.1f} ms vs loaded from the ELF "
        f"{reference * 1e3:.1f} ms",
    )


if __name__ == "__main__":
    for benchmark in (run, run_power_on):
        result = benchmark()
        print(f"{result.name}: {result.details}")
        print(result.line())
