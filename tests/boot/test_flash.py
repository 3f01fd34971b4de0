"""The NOR flash model: erase, 1→0 programs, alignment, persistence and power cuts."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.boot.flash import FaultInjector, FlashArea, FlashError, NorFlash, PowerCut


def test_erase_sets_a_sector_to_ff_and_programs_only_clear_bits() -> None:
    flash = NorFlash(4096, 1024, 4)
    flash.program(0, b"\x0f\xf0\x00\xff")
    flash.program(0, b"\x0e\xf0\x00\xfe")  # clearing more bits is fine
    assert flash.read(0, 4) == b"\x0e\xf0\x00\xfe"
    with pytest.raises(FlashError, match="0 bit back to 1"):
        flash.program(0, b"\x1e\xf0\x00\xfe")
    flash.erase(0, 1024)
    assert flash.read(0, 1024) == b"\xff" * 1024


@pytest.mark.parametrize(("offset", "data"), [(2, b"\x00" * 4), (0, b"\x00" * 3)])
def test_programs_respect_the_write_alignment(offset: int, data: bytes) -> None:
    flash = NorFlash(4096, 1024, 4)
    with pytest.raises(FlashError, match="aligned"):
        flash.program(offset, data)


@pytest.mark.parametrize(("offset", "length"), [(512, 1024), (0, 100), (3072, 2048)])
def test_erases_cover_whole_sectors_inside_the_device(offset: int, length: int) -> None:
    flash = NorFlash(4096, 1024, 4)
    with pytest.raises(FlashError):
        flash.erase(offset, length)


def test_contents_persist_in_a_file_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "flash.bin"
    NorFlash(4096, 1024, 4, path).program(8, b"\x12\x34\x56\x78")
    again = NorFlash(4096, 1024, 4, path)
    assert again.read(8, 4) == b"\x12\x34\x56\x78"
    with pytest.raises(FlashError, match="bytes"):
        NorFlash(8192, 1024, 4, path)


def test_power_cut_after_the_nth_operation_leaves_exactly_n_done() -> None:
    faults = FaultInjector(cut_after=2)
    flash = NorFlash(4096, 1024, 4, faults=faults)
    flash.program(0, b"\x00" * 4)
    flash.erase(1024, 1024)
    with pytest.raises(PowerCut):
        flash.program(4, b"\x00" * 4)
    assert flash.read(0, 8) == b"\x00" * 4 + b"\xff" * 4
    assert faults.operations == 2


def test_areas_keep_their_operations_inside_themselves() -> None:
    flash = NorFlash(4096, 1024, 4)
    area = FlashArea("slot", flash, 1024, 2048)
    area.program(0, b"\x00" * 4)
    assert flash.read(1024, 4) == b"\x00" * 4
    with pytest.raises(FlashError):
        area.erase(2048, 1024)
    with pytest.raises(FlashError):
        FlashArea("bad", flash, 512, 1024)
