"""`levante keygen | sign | verify | imginfo | flash | boot` as a user runs them: exit 0
for success, 1 for an invalid image or nothing bootable, 2 and one line for bad input."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import levante

ERROR = "levante: error: "


def one_error_line(result: object) -> str:
    stderr = result.stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR), stderr
    assert "Traceback" not in stderr
    return str(lines[0])


def test_keygen_sign_verify_and_imginfo(tmp_path: Path) -> None:
    key, binary, signed = tmp_path / "k.pem", tmp_path / "app.bin", tmp_path / "app.img"
    binary.write_bytes(os.urandom(2048))
    assert levante("keygen", "-k", str(key), "-t", "ecdsa-p256").returncode == 0
    made = levante("sign", "-k", str(key), "--pad-header", "-H", "0x200", "-v", "1.4.2",
                   "-s", "auto", str(binary), str(signed))
    assert made.returncode == 0, made.stderr
    checked = levante("verify", "-k", str(key), str(signed))
    assert checked.returncode == 0 and "1.4.2" in checked.stdout
    info = levante("imginfo", str(signed))
    assert info.returncode == 0
    assert "version 1.4.2+0" in info.stdout and str((1 << 24) + (4 << 16) + 2) in info.stdout
    data = bytearray(signed.read_bytes())
    data[0x300] ^= 0x40
    signed.write_bytes(data)
    refused = levante("verify", "-k", str(key), str(signed))
    assert refused.returncode == 1 and "hash mismatch" in refused.stdout


def test_bad_input_is_one_line_and_status_2(tmp_path: Path) -> None:
    key, binary = tmp_path / "k.pem", tmp_path / "app.bin"
    binary.write_bytes(os.urandom(4096))
    assert levante("keygen", "-k", str(key), "-t", "ed25519").returncode == 0
    cases = [
        (("verify", "-k", str(key), str(binary)), "not an MCUboot image"),
        (("imginfo", str(binary)), "not an MCUboot image"),
        (("verify", "-k", str(tmp_path / "missing.pem"), str(binary)), "missing.pem"),
        (("sign", "-k", str(tmp_path / "missing.pem"), "--pad-header", str(binary),
          str(tmp_path / "out")), "missing.pem"),
        (("sign", "--pad-header", "-S", "0x1000", str(binary), str(tmp_path / "out")),
         "exceeds the slot size"),
        (("sign", str(binary), str(tmp_path / "out")), "zero bytes"),
        (("sign", "--pad-header", "-v", "1.x", str(binary), str(tmp_path / "out")),
         "bad version"),
    ]
    for arguments, message in cases:
        result = levante(*arguments)
        assert result.returncode == 2, (arguments, result.stdout, result.stderr)
        assert message in one_error_line(result)
    assert not (tmp_path / "out").exists()


def test_flash_and_boot_upgrade_then_revert(tmp_path: Path) -> None:
    flash_dir = tmp_path / "board"
    images = {}
    for version in ("1.0.0", "1.1.0"):
        binary = tmp_path / f"{version}.bin"
        binary.write_bytes(os.urandom(6000))
        images[version] = tmp_path / f"{version}.img"
        result = levante("sign", "-k", "src/levante/boot/keys/dev-insecure-ecdsa-p256.pem",
                         "--pad-header", "-H", "0x200", "-v", version, str(binary),
                         str(images[version]), cwd=Path(__file__).parents[2])
        assert result.returncode == 0, result.stderr
    assert levante("flash", str(images["1.0.0"]), "--slot", "primary", "--flash-dir",
                   str(flash_dir)).returncode == 0
    assert levante("flash", str(images["1.1.0"]), "--test", "--flash-dir",
                   str(flash_dir)).returncode == 0
    first = levante("boot", "--flash-dir", str(flash_dir))
    assert first.returncode == 0, first.stderr
    assert "version 1.1.0+0 runs" in first.stdout and "development key" in first.stdout
    second = levante("boot", "--flash-dir", str(flash_dir))
    assert "reverting" in second.stdout and "version 1.0.0+0 runs" in second.stdout


def test_flash_refuses_images_that_do_not_fit(tmp_path: Path) -> None:
    binary, image = tmp_path / "big.bin", tmp_path / "big.img"
    binary.write_bytes(bytes(600 * 1024))
    assert levante("sign", str(binary), str(image)).returncode == 0  # zeros: room for header
    result = levante("flash", str(image), "--flash-dir", str(tmp_path / "board"))
    assert result.returncode == 2 and "slot too small" in one_error_line(result)
    empty = levante("boot", "--flash-dir", str(tmp_path / "board"))
    assert empty.returncode == 1 and "no bootable image" in empty.stdout


def test_keygen_keeps_an_existing_key_and_writes_it_for_its_owner_only(tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    assert levante("keygen", "-k", str(key), "-t", "ecdsa-p256").returncode == 0
    assert key.stat().st_mode & 0o777 == 0o600
    original = key.read_bytes()
    again = levante("keygen", "-k", str(key), "-t", "ecdsa-p256")
    assert again.returncode == 2 and "already exists" in one_error_line(again)
    assert key.read_bytes() == original
    key.chmod(0o644)
    forced = levante("keygen", "-k", str(key), "-t", "ecdsa-p256", "--force")
    assert forced.returncode == 0 and key.read_bytes() != original
    assert key.stat().st_mode & 0o777 == 0o600


def _dev_signed(tmp_path: Path) -> Path:
    binary, image = tmp_path / "app.bin", tmp_path / "app.img"
    binary.write_bytes(os.urandom(4000))
    result = levante("sign", "-k", "src/levante/boot/keys/dev-insecure-ecdsa-p256.pem",
                     "--pad-header", "-H", "0x200", str(binary), str(image),
                     cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr
    return image


def test_flash_refuses_test_and_confirm_together(tmp_path: Path) -> None:
    image = _dev_signed(tmp_path)
    both = levante("flash", str(image), "--test", "--confirm", "--flash-dir",
                   str(tmp_path / "board"))
    assert both.returncode == 2 and "exclude each other" in one_error_line(both)
    primary = levante("flash", str(image), "--slot", "primary", "--confirm", "--flash-dir",
                      str(tmp_path / "board"))
    assert primary.returncode == 2 and "does not apply to --slot primary" in \
        one_error_line(primary)
    assert not (tmp_path / "board").exists()


def test_a_mistyped_build_folder_makes_no_board(tmp_path: Path) -> None:
    typo = tmp_path / "buidl"
    for command in (["boot", "-d", str(typo)],
                    ["flash", str(_dev_signed(tmp_path)), "-d", str(typo)]):
        result = levante(*command)
        assert result.returncode == 2 and "no such build folder" in one_error_line(result)
    assert not typo.exists()
