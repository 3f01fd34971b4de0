"""Power cut after every single flash operation of an upgrade, a revert and a permanent
upgrade, in the spirit of MCUboot's simulator: the next boot must always end with one
whole, valid image running (never a mix) and a trailer that says what happened."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from boot_support import Device, make_image

from levante.boot import FaultInjector, PowerCut, boot_request_upgrade
from levante.boot.trailer import Flag, Magic

OLD = make_image("1.0.0", size=3000, security_counter=1)
NEW = make_image("1.1.0", size=2500, security_counter=2)


def upgrade_device(permanent: bool) -> Device:
    device = Device.fresh(faults=FaultInjector())
    device.write(OLD, "primary")
    device.write(NEW, "secondary")
    boot_request_upgrade(device.board, device.layout, permanent)
    return device


def reverting_device() -> Device:
    """A test upgrade done and booted once, never confirmed: the next boot reverts."""
    device = upgrade_device(permanent=False)
    assert device.booted() == NEW
    return device


def operations_of_a_clean_boot(setup: Callable[[], Device]) -> int:
    device = setup()
    before = device.board.flash.faults.operations
    assert device.boot().ok
    return device.board.flash.faults.operations - before


def boot_with_a_cut(setup: Callable[[], Device], cut_after: int) -> tuple[Device, bytes]:
    """Boot with the power cut after ``cut_after`` operations, then boot again if it was
    cut; return the device and the image the first completed boot runs."""
    device = setup()
    faults = device.board.flash.faults
    faults.cut_after = faults.operations + cut_after
    try:
        result = device.boot()
    except PowerCut:
        faults.cut_after = None
        result = device.boot()
    faults.cut_after = None
    assert result.ok, result.log
    return device, device.slot_bytes("primary", result.images[0].verified.size)


SCENARIOS = {
    "upgrade": (lambda: upgrade_device(permanent=False), NEW, Flag.UNSET),
    "permanent": (lambda: upgrade_device(permanent=True), NEW, Flag.SET),
    "revert": (reverting_device, OLD, Flag.SET),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_cut_after_any_operation_still_ends_with_one_whole_image(scenario: str) -> None:
    setup, expected, image_ok = SCENARIOS[scenario]
    total = operations_of_a_clean_boot(setup)
    assert total > 20  # the swap really is many operations
    other = OLD if expected is NEW else NEW
    for cut_after in range(1, total + 1):
        device, booted = boot_with_a_cut(setup, cut_after)
        assert booted in (OLD, NEW), f"cut after {cut_after}: a mix of images boots"
        assert booted == expected, f"cut after {cut_after}: the wrong image boots"
        primary = device.trailer("primary").read()
        assert (primary.magic, primary.copy_done, primary.image_ok) == \
            (Magic.GOOD, Flag.SET, image_ok), f"cut after {cut_after}: {primary}"
        assert device.trailer("secondary").read().magic is Magic.UNSET
        assert device.slot_bytes("secondary", len(other)) == other


@pytest.mark.parametrize("operations_per_boot", [3, 4, 7])
def test_repeated_cuts_every_few_operations_still_complete_the_revert(
        operations_per_boot: int) -> None:
    device = reverting_device()
    faults = device.board.flash.faults
    for _ in range(500):
        faults.cut_after = faults.operations + operations_per_boot
        try:
            device.boot()
            break
        except PowerCut:
            continue
    faults.cut_after = None
    assert device.booted() == OLD
    assert device.trailer("primary").read().image_ok is Flag.SET
