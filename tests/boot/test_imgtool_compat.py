"""Compatibility both ways with the real imgtool (run as a subprocess): images Levante
signs pass `imgtool verify`, and images imgtool signs verify and boot on Levante."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from boot_support import Device, make_image

from conftest import levante
from levante.boot import development_signing_key, validate_image
from levante.boot.keyring import DEVELOPMENT_KEY_PATH, load_trusted_key

IMGTOOL = Path(sys.executable).with_name("imgtool")
COMMON = ["--pad-header", "-H", "0x80", "-v", "1.2.3+7", "-s", "5", "--align", "4",
          "-d", "(1, 0.9.0)"]

pytestmark = pytest.mark.skipif(not IMGTOOL.exists(), reason="imgtool is not installed")


def imgtool(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(IMGTOOL), *arguments], capture_output=True, text=True,
                          check=False, timeout=120)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    paths = {}
    for kind in ("ecdsa-p256", "ed25519"):
        paths[kind] = folder / f"{kind}.pem"
        assert levante("keygen", "-k", str(paths[kind]), "-t", kind).returncode == 0
    return paths


@pytest.mark.parametrize("kind", ["ecdsa-p256", "ed25519"])
def test_levante_signed_images_pass_imgtool_verify(tmp_path: Path, keys: dict[str, Path],
                                                  kind: str) -> None:
    binary, signed = tmp_path / "app.bin", tmp_path / "app.signed"
    binary.write_bytes(os.urandom(4000))
    result = levante("sign", "-k", str(keys[kind]), *COMMON, str(binary), str(signed))
    assert result.returncode == 0, result.stderr
    check = imgtool("verify", "-k", str(keys[kind]), str(signed))
    assert check.returncode == 0, check.stdout
    assert "1.2.3+7" in check.stdout
    other = "ed25519" if kind == "ecdsa-p256" else "ecdsa-p256"
    assert imgtool("verify", "-k", str(keys[other]), str(signed)).returncode != 0


@pytest.mark.parametrize("kind", ["ecdsa-p256", "ed25519"])
def test_imgtool_signed_images_verify_on_levante(tmp_path: Path, keys: dict[str, Path],
                                                kind: str) -> None:
    binary, signed = tmp_path / "app.bin", tmp_path / "app.signed"
    binary.write_bytes(os.urandom(4000))
    made = imgtool("sign", "-k", str(keys[kind]), *COMMON, "-S", "0x10000", str(binary),
                   str(signed))
    assert made.returncode == 0, made.stderr
    verified = levante("verify", "-k", str(keys[kind]), str(signed))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    image = validate_image(signed.read_bytes(), [load_trusted_key(keys[kind])])
    assert image.security_counter == 5
    assert [(d.image_id, str(d.minimum)) for d in image.dependencies] == [(1, "0.9.0+0")]
    tampered = bytearray(signed.read_bytes())
    tampered[0x100] ^= 0xFF
    signed.write_bytes(tampered)
    assert levante("verify", "-k", str(keys[kind]), str(signed)).returncode == 1


def test_ed25519_images_are_byte_identical_to_imgtool_ones(tmp_path: Path,
                                                          keys: dict[str, Path]) -> None:
    # Ed25519 signatures are deterministic, so the whole padded image must match.
    binary = tmp_path / "app.bin"
    binary.write_bytes(os.urandom(3000))
    options = [*COMMON, "-S", "0x8000", "--confirm", "-k", str(keys["ed25519"])]
    ours, theirs = tmp_path / "ours.bin", tmp_path / "theirs.bin"
    assert levante("sign", *options, str(binary), str(ours)).returncode == 0
    assert imgtool("sign", *options, str(binary), str(theirs)).returncode == 0
    assert ours.read_bytes() == theirs.read_bytes()


def test_an_imgtool_signed_upgrade_boots_on_levante(tmp_path: Path) -> None:
    binary, signed = tmp_path / "app.bin", tmp_path / "app.signed"
    binary.write_bytes(os.urandom(2500))
    made = imgtool("sign", "-k", str(DEVELOPMENT_KEY_PATH), "--pad-header", "-H", "0x80",
                   "-v", "2.0.0", "-S", "0x1600", "--align", "4", "-M", "16", "--pad",
                   str(binary), str(signed))
    assert made.returncode == 0, made.stderr
    padded = signed.read_bytes()
    device = Device.fresh()
    device.write(make_image("1.0.0"), "primary")
    device.write(padded, "secondary")  # imgtool --pad wrote the trailer magic: a request
    result = device.boot()
    assert result.ok and str(result.images[0].version) == "2.0.0+0"
    image = validate_image(padded, [development_signing_key().trusted])
    assert device.slot_bytes("primary", image.size) == padded[:image.size]
    assert str(device.boot().images[0].version) == "1.0.0+0"  # not confirmed: reverted
