"""(g) Verifying a signed 256 KiB image (parse, TLV checks, SHA-256, ECDSA P-256) vs the
raw `cryptography` cost of the same SHA-256 and signature check, measured in one run."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from bench.common import Result, best_time
from levante.boot import ImageVersion, SignOptions, development_signing_key, sign_image
from levante.boot.image import TLV_ECDSA_SIG, parse_image
from levante.boot.validate import validate_image

IMAGE_BYTES = 256 * 1024
ROUNDS = 20


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


if __name__ == "__main__":
    result = run()
    print(f"{result.name}: {result.details}")
    print(result.line())
