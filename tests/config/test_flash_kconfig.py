"""The flash and image-manager options: Zephyr's names, dependencies and defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config import Config, configure, load_board
from levante.kernel.settings import KernelConfig


def configured(tmp_path: Path, prj: str) -> Config:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "prj.conf").write_text(prj)
    return configure(app, load_board("lv_m4"), tmp_path / "build", [])


def test_flash_is_off_by_default(tmp_path: Path) -> None:
    config = configured(tmp_path, "")
    for name in ("FLASH", "FLASH_MAP", "STREAM_FLASH", "IMG_MANAGER", "MCUBOOT_IMG_MANAGER"):
        assert not config.is_enabled(name), name
    assert not KernelConfig.from_config(config).is_enabled("FLASH")


def test_the_image_manager_brings_the_stream_and_the_page_layout(tmp_path: Path) -> None:
    config = configured(tmp_path, "CONFIG_FLASH=y\nCONFIG_FLASH_MAP=y\nCONFIG_IMG_MANAGER=y\n"
                                  "CONFIG_IMG_ERASE_PROGRESSIVELY=y\n")
    for name in ("MCUBOOT_IMG_MANAGER", "STREAM_FLASH", "STREAM_FLASH_ERASE",
                 "FLASH_PAGE_LAYOUT"):
        assert config.is_enabled(name), name
    assert config.get_int("IMG_BLOCK_BUF_SIZE") == 512
    kernel = KernelConfig.from_config(config)
    assert all(kernel.is_enabled(name)
               for name in ("FLASH", "FLASH_PAGE_LAYOUT", "MCUBOOT_IMG_MANAGER"))


@pytest.mark.parametrize("prj", [
    "CONFIG_FLASH_MAP=y\n",  # needs FLASH
    "CONFIG_FLASH=y\nCONFIG_IMG_MANAGER=y\nCONFIG_MCUBOOT_IMG_MANAGER=y\n",  # needs FLASH_MAP
    "CONFIG_FLASH=y\nCONFIG_FLASH_MAP=y\nCONFIG_BOOTLOADER_MCUBOOT=n\n"
    "CONFIG_IMG_MANAGER=y\nCONFIG_MCUBOOT_IMG_MANAGER=y\n",  # needs the boot stage
])
def test_unmet_dependencies_lapse_with_a_warning(tmp_path: Path, prj: str) -> None:
    # As Zephyr's kconfig.py: the value is ignored and the build warned.
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text(prj)
    warnings: list[str] = []
    config = configure(app, load_board("lv_m4"), tmp_path / "build", (), warnings.append)
    assert warnings and all("(the setting lapses)" in warning for warning in warnings)
    last_asked = [line for line in prj.splitlines() if line.endswith("=y")][-1]
    assert not config.is_enabled(last_asked.removeprefix("CONFIG_").removesuffix("=y"))
