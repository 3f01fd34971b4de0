"""`levante run --known-build DIR`: a build that is no MCUboot build is a one-line error."""

from __future__ import annotations

from pathlib import Path

from conftest import Builder, levante

APP = Path(__file__).resolve().parent / "smp_serial_app"


def test_a_known_build_without_a_signed_image_is_refused(builder: Builder,
                                                         tmp_path: Path) -> None:
    result = levante("run", str(builder.build(APP)), "--flash-dir", str(tmp_path / "flash"),
                     "--known-build", str(tmp_path))
    assert result.returncode != 0
    assert result.stderr.strip() == (f"levante: error: --known-build {tmp_path}: no "
                                     "levante.signed.bin (a build with "
                                     "CONFIG_BOOTLOADER_MCUBOOT)")
    assert not (tmp_path / "flash").exists()
