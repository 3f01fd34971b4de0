"""The boot stage's decisions: confirm, revert, anti-rollback counters, dependencies,
the development-key warning, persisted flash, and the layouts and keys it starts from."""

from __future__ import annotations

from pathlib import Path

from boot_support import Device, make_image, small_layout

from levante.boot import (
    BoardFlash,
    BootStage,
    boot_request_upgrade,
    boot_write_img_confirmed,
    default_layout,
    development_signing_key,
)
from levante.boot.counters import SecurityCounters
from levante.boot.flash import FlashArea
from levante.boot.image import Dependency, ImageVersion
from levante.boot.keyring import (
    DEVELOPMENT_KEY_PATH,
    SigningKey,
    generate_key,
    signature_key_path,
    trusted_key_from_public,
    write_private_key,
)
from levante.config import Config, load_board

OLD = make_image("1.0.0", security_counter=1)
NEW = make_image("1.1.0", security_counter=2)


def upgraded(permanent: bool = False) -> Device:
    device = Device.fresh()
    device.write(OLD, "primary")
    assert device.booted() == OLD
    device.write(NEW, "secondary")
    boot_request_upgrade(device.board, device.layout, permanent)
    assert device.booted() == NEW
    return device


def stored_counter(device: Device, index: int = 0) -> int:
    area = FlashArea("nv", device.board.counters, 0, device.board.counters.size)
    return SecurityCounters(area, len(device.layout.images)).value(index)


def test_a_confirmed_test_image_stays_and_raises_the_counter_afterwards() -> None:
    device = upgraded()
    assert stored_counter(device) == 1  # not raised while the image is under test
    assert boot_write_img_confirmed(device.board, device.layout)
    assert not boot_write_img_confirmed(device.board, device.layout)  # already confirmed
    for _ in range(2):
        assert device.booted() == NEW
    assert stored_counter(device) == 2


def test_an_unconfirmed_test_image_is_reverted_once() -> None:
    device = upgraded()
    assert device.booted() == OLD
    assert device.booted() == OLD
    assert stored_counter(device) == 1


def test_a_permanent_upgrade_is_not_reverted() -> None:
    device = upgraded(permanent=True)
    assert device.booted() == NEW
    assert stored_counter(device) == 2


def test_the_stored_counter_never_decreases_and_refuses_older_primaries() -> None:
    device = upgraded(permanent=True)
    device.booted()
    area = FlashArea("nv", device.board.counters, 0, device.board.counters.size)
    counters = SecurityCounters(area, 1)
    assert not counters.raise_to(0, 1)
    assert counters.value(0) == 2
    device.write(OLD, "primary")  # an attacker rewrites the primary with the old image
    log: list[str] = []
    result = device.boot(log)
    assert not result.ok and "downgrade by security counter" in (result.failure or "")
    assert any("no bootable image" in line for line in log)


def test_an_upgrade_whose_dependency_is_unmet_is_cancelled() -> None:
    device = Device.fresh(small_layout(images=2))
    device.write(make_image("1.0.0"), "primary", 0)
    device.write(make_image("1.0.0"), "primary", 1)
    needs_two = make_image("1.1.0", dependencies=(Dependency(1, ImageVersion(2)),))
    device.write(needs_two, "secondary", 0)
    boot_request_upgrade(device.board, device.layout, permanent=True, index=0)
    log: list[str] = []
    result = device.boot(log)
    assert [str(image.version) for image in result.images] == ["1.0.0+0", "1.0.0+0"]
    assert any("upgrade cancelled" in line and "image 1" in line for line in log)
    device.write(make_image("2.0.0"), "secondary", 1)
    boot_request_upgrade(device.board, device.layout, permanent=True, index=1)
    result = device.boot()
    assert [str(image.version) for image in result.images] == ["1.1.0+0", "2.0.0+0"]


def test_the_boot_says_when_an_image_is_signed_with_the_development_key() -> None:
    device = Device.fresh()
    device.write(OLD, "primary")
    log: list[str] = []
    result = device.boot(log)
    assert result.images[0].development_key
    assert any("development key" in line for line in log)
    private = generate_key("ed25519")
    key = SigningKey(private, trusted_key_from_public(private.public_key(), Path("k")))
    device.write(make_image("1.0.0", key=key, security_counter=1), "primary")
    log = []
    result = BootStage(device.board, device.layout, [key.trusted], printer=log.append).boot()
    assert result.ok and not result.images[0].development_key
    assert not any("development key" in line for line in log)


def test_flash_state_survives_a_restart_of_the_program(tmp_path: Path) -> None:
    layout = small_layout()
    keys = [development_signing_key().trusted]
    first = BoardFlash.open(layout, tmp_path)
    device = Device(layout, first)
    device.write(OLD, "primary")
    device.write(NEW, "secondary")
    boot_request_upgrade(first, layout, permanent=False)
    assert str(BootStage(first, layout, keys).boot().images[0].version) == "1.1.0+0"
    again = BoardFlash.open(layout, tmp_path)  # a new run: everything from the files
    assert str(BootStage(again, layout, keys).boot().images[0].version) == "1.0.0+0"


def test_default_layouts_fit_the_boards() -> None:
    for name in ("lv_m4", "lv_m33"):
        board = load_board(name)
        layout = default_layout(board)
        slots = layout.images[0]
        assert layout.bootloader.end <= slots.primary.offset
        assert slots.primary.end <= slots.secondary.offset
        assert slots.secondary.end <= board.flash.size
        assert layout.max_image_size() >= 256 * 1024


def test_the_signing_key_comes_from_kconfig_or_is_the_development_key(tmp_path: Path) -> None:
    assert signature_key_path(None) == DEVELOPMENT_KEY_PATH
    unset = Config({"BOOT_SIGNATURE_KEY_FILE": ""}, "lv_m4")
    assert signature_key_path(unset) == DEVELOPMENT_KEY_PATH
    write_private_key(generate_key("ecdsa-p256"), tmp_path / "mine.pem")
    chosen = Config({"BOOT_SIGNATURE_KEY_FILE": "mine.pem"}, "lv_m4")
    assert signature_key_path(chosen, tmp_path) == tmp_path / "mine.pem"
