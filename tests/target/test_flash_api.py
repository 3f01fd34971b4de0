"""The application-side flash and image API on the target (tests/target/flash_api): the
partitions the build generates, flash_img into the secondary slot, the driver's refusals,
the MCUboot calls, grants for user threads, and the update the program stages being
swapped in at the next boot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import TARGET_TESTS, Builder, RunResult
from levante.abi import ERRNO
from levante.boot.layout import default_layout
from levante.config import load_board

APP = TARGET_TESTS / "flash_api"
BOARDS = ("lv_m4", "lv_m33")
SWAP_NONE, SWAP_TEST, SWAP_REVERT = 1, 2, 4


@dataclass
class Boot:
    """One boot of the program on a board whose flash lives in `flash_dir`."""

    result: RunResult
    flash_dir: Path

    def values(self, name: str) -> list[str]:
        """The rest of every line that starts with `name`."""
        return re.findall(rf"^{name} (.*)$", self.result.output, re.MULTILINE)

    def value(self, name: str) -> str:
        found = self.values(name)
        assert len(found) == 1, (name, found, self.result.output)
        return found[0]


def boot(builder: Builder, board: str, flash_dir: Path) -> Boot:
    result = builder.run(APP, "--flash-dir", str(flash_dir), board=board, max_time="20s")
    assert result.status == 0, result.errors + result.output
    assert result.output.splitlines()[-1] == "DONE", result.output
    return Boot(result, flash_dir)


@pytest.fixture(scope="module", params=BOARDS)
def first_boot(request: pytest.FixtureRequest, builder: Builder,
               tmp_path_factory: pytest.TempPathFactory) -> Boot:
    """The first boot of a new board (its flash in a fresh folder)."""
    board = str(request.param)
    return boot(builder, board, tmp_path_factory.mktemp(f"flash_{board}"))


def errno(name: str) -> str:
    return str(-ERRNO[name])


def test_the_partitions_are_the_boot_stages(first_boot: Boot) -> None:
    layout = default_layout(load_board("lv_m4"))  # both boards: 1 MiB of flash
    slots = layout.images[0]
    expected = [(label, part.offset, part.size) for label, part in (
        ("boot_partition", layout.bootloader), ("slot0_partition", slots.primary),
        ("slot1_partition", slots.secondary))]
    found = [line.split() for line in first_boot.values("PARTITION")]
    assert [(label, int(exists), int(area_id), int(offset, 16), int(size, 16))
            for label, exists, area_id, offset, size in found] == [
        (label, 1, area_id, offset, size)
        for area_id, (label, offset, size) in enumerate(expected)]
    assert first_boot.value("STORAGE_EXISTS") == "0"
    assert first_boot.value("OPEN") == f"0 0 {errno('ENOENT')}"
    assert first_boot.value("AREA") == f"2 {slots.secondary.offset:#x} " \
        f"{slots.secondary.size:#x} 1"
    assert first_boot.value("GEOMETRY") == \
        f"{layout.write_alignment} {layout.flash_size // layout.sector_size} 2"


def test_flash_img_writes_the_secondary_slot_and_reads_it_back(first_boot: Boot) -> None:
    assert first_boot.value("IMG_WRITE") == "0"
    assert first_boot.value("IMG_BYTES") == "3000"
    assert first_boot.value("IMG_MISMATCHES") == "0"
    assert first_boot.value("IMG_PADDING") == "ffffffff"
    assert first_boot.value("WRITE_AFTER_FLUSH") == errno("EFAULT")  # the area is closed


def test_the_driver_refuses_what_flash_cannot_or_may_not_do(first_boot: Boot) -> None:
    expected = {
        "MISALIGNED_WRITE": "EINVAL", "MISALIGNED_LENGTH": "EINVAL",
        "MISALIGNED_ERASE": "EINVAL", "AREA_BOUNDS": "EINVAL", "DEVICE_BOUNDS": "EINVAL",
        "WRITE_SLOT0": "EACCES", "ERASE_BOOT": "EACCES", "ERASE_SLOT0_BANK": "EACCES",
        "SET_BITS": "EIO",
    }
    for name, error in expected.items():
        assert first_boot.value(name) == errno(error), name
    for name in ("CLEAR_BITS", "ERASE_SCRATCH", "SET_AFTER_ERASE"):
        assert first_boot.value(name) == "0", name


def test_user_threads_need_the_grant_and_their_own_buffers(first_boot: Boot) -> None:
    output = first_boot.result.output
    assert first_boot.value("USER_OPEN") == "0"
    assert first_boot.value("USER_READ") == "0 1"
    assert first_boot.value("USER_WRITE_SLOT0") == errno("EACCES")
    assert "outside the memory of thread 'granted'" in output
    assert "device_flash access denied (EPERM)" in output
    assert "Current context: thread 'ungranted'" in output
    assert "USER_NOT_REACHED" not in output
    assert first_boot.values("HANDLER") == ["3", "3"]
    assert [fault["thread"] for fault in first_boot.result.events("fault")] == [
        "granted", "ungranted"]


def test_the_program_stages_a_copy_of_itself_as_a_test_update(first_boot: Boot) -> None:
    assert first_boot.value("REQUEST_GARBAGE") == errno("EINVAL")  # not an image
    assert first_boot.value("COPY") == "0"
    assert first_boot.value("COPY_LENGTH_OK") == "1"
    assert first_boot.value("REQUEST") == "0"
    assert first_boot.values("SWAP_TYPE") == [str(SWAP_NONE), str(SWAP_NONE), str(SWAP_TEST)]
    assert first_boot.value("CONFIRM") == "0"
    # What flash_img wrote is on the board's flash: slot 1 starts as slot 0 does.
    layout = default_layout(load_board("lv_m4"))
    flash = (first_boot.flash_dir / "flash.bin").read_bytes()
    primary, secondary = layout.images[0].primary, layout.images[0].secondary
    assert flash[secondary.offset:secondary.offset + 0x800] == \
        flash[primary.offset:primary.offset + 0x800]
    assert flash[secondary.offset:secondary.offset + 4] == bytes.fromhex("3db8f396")


def test_the_next_boot_swaps_the_update_in_and_the_program_confirms_it(
        builder: Builder, tmp_path: Path) -> None:
    boot(builder, "lv_m4", tmp_path)
    second = boot(builder, "lv_m4", tmp_path)
    assert [event["swap"] for event in second.result.events("boot_stage")] == ["TEST"]
    # Unconfirmed, the test image would be reverted; confirming it makes it permanent.
    assert second.values("SWAP_TYPE")[0] == str(SWAP_REVERT)
    assert second.value("CONFIRM") == "0"
    assert second.value("CONFIRMED") == "1"


def test_a_preprogrammed_image_counts_as_confirmed(first_boot: Boot) -> None:
    assert first_boot.value("CONFIRMED") == "1"
