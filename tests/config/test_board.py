"""Tests for board descriptions: bundled boards, memory regions and TOML validation."""

from pathlib import Path

import pytest

from levante.config import (
    ConfigError,
    MemoryRegion,
    board_names,
    load_board,
    load_board_file,
)

VALID_BOARD = """\
name = "test_board"
description = "A board for tests"
cpu = "cortex-m4"
arch = "armv7-m"
gcc_cpu = "cortex-m4"
float_abi = "soft"
mpu_regions = 8
mpu_model = "armv7m"
clock_hz = 1000

[memory.flash]
base = 0
size = 4096

[memory.sram]
base = 0x20000000
size = 2048
"""


def write_board(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test_board.toml"
    path.write_text(text)
    return path


def test_bundled_board_names_are_sorted() -> None:
    assert board_names() == ["lv_m33", "lv_m4"]


def test_lv_m4_description() -> None:
    board = load_board("lv_m4")
    assert (board.name, board.cpu, board.arch, board.gcc_cpu) == (
        "lv_m4",
        "cortex-m4",
        "armv7-m",
        "cortex-m4",
    )
    assert (board.mpu_regions, board.mpu_model, board.float_abi) == (
        8,
        "armv7m",
        "soft",
    )
    assert board.clock_hz == 64_000_000
    assert board.flash == MemoryRegion("flash", 0x0000_0000, 1024 * 1024)
    assert board.sram == MemoryRegion("sram", 0x2000_0000, 256 * 1024)


def test_lv_m33_description() -> None:
    board = load_board("lv_m33")
    assert (board.name, board.cpu, board.arch, board.gcc_cpu) == (
        "lv_m33",
        "cortex-m33",
        "armv8-m.main",
        "cortex-m33",
    )
    assert (board.mpu_regions, board.mpu_model) == (16, "armv8m")
    assert board.clock_hz == 100_000_000
    assert board.flash == MemoryRegion("flash", 0x0000_0000, 1024 * 1024)
    assert board.sram == MemoryRegion("sram", 0x2000_0000, 512 * 1024)


def test_every_bundled_board_has_a_defconfig() -> None:
    for name in board_names():
        defconfig = load_board(name).defconfig
        assert defconfig.is_file()
        assert defconfig.name == f"{name}_defconfig"


def test_memory_is_listed_in_address_order() -> None:
    board = load_board("lv_m4")
    assert [region.name for region in board.memory] == ["flash", "sram"]


def test_unknown_board_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_board("xyz")
    assert caught.value.message == "unknown board 'xyz' (known: lv_m33, lv_m4)"


def test_board_name_cannot_escape_the_boards_directory() -> None:
    with pytest.raises(ConfigError, match="unknown board"):
        load_board("../boards/lv_m4")


def test_region_end_is_exclusive() -> None:
    assert MemoryRegion("sram", 0x2000_0000, 0x1000).end == 0x2000_1000


@pytest.mark.parametrize(
    ("address", "size", "inside"),
    [
        (0x2000_0000, 1, True),
        (0x2000_0FFC, 4, True),  # last word
        (0x2000_0FFD, 4, False),  # straddles the end
        (0x1FFF_FFFF, 2, False),  # straddles the start
        (0x2000_1000, 1, False),  # first byte past the end
        (0x2000_0000, 0x1000, True),  # the whole region
        (0x2000_0000, 0x1001, False),
    ],
)
def test_region_contains(address: int, size: int, inside: bool) -> None:
    assert MemoryRegion("sram", 0x2000_0000, 0x1000).contains(address, size) is inside


def test_region_contains_rejects_negative_size() -> None:
    with pytest.raises(ValueError, match="negative size"):
        MemoryRegion("sram", 0, 16).contains(0, -1)


def test_valid_board_file_loads(tmp_path: Path) -> None:
    board = load_board_file(write_board(tmp_path, VALID_BOARD))
    assert board.name == "test_board"
    assert board.sram.end == 0x2000_0800


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('cpu = "cortex-m4"\n', "", "test_board.toml: missing key 'cpu'"),
        ("size = 2048\n", "", "test_board.toml: missing key 'memory.sram.size'"),
        (
            "size = 2048\n",
            'size = "2 KiB"\n',
            "test_board.toml: 'memory.sram.size' must be an integer, not str",
        ),
        (
            "clock_hz = 1000\n",
            "clock_hz = true\n",
            "test_board.toml: 'clock_hz' must be an integer, not bool",
        ),
        (
            "clock_hz = 1000\n",
            "clock_hz = 1000\nclock_mhz = 1\n",
            "test_board.toml: unknown key 'clock_mhz'",
        ),
        (
            "mpu_regions = 8\n",
            "mpu_regions = 0\n",
            "test_board.toml: 'mpu_regions' must be positive",
        ),
        (
            'float_abi = "soft"\n',
            'float_abi = "fast"\n',
            "test_board.toml: 'float_abi' is 'fast', expected one of: soft, softfp, hard",
        ),
        (
            "base = 0x20000000\n",
            "base = 0\n",
            "test_board.toml: memory regions 'flash' and 'sram' overlap",
        ),
        (
            "base = 0x20000000\n",
            "base = 0xFFFFFF00\n",
            "test_board.toml: 'memory.sram' extends past the 32-bit address space",
        ),
        (
            "[memory.sram]",
            "[memory.ram]",
            "test_board.toml: unknown memory region 'memory.ram'",
        ),
        ("name = ", "name = = ", "test_board.toml: invalid TOML"),
    ],
)
def test_invalid_board_file_is_reported_with_its_name(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in VALID_BOARD
    path = write_board(tmp_path, VALID_BOARD.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_board_file(path)
    assert caught.value.message.startswith(message)
    assert "\n" not in caught.value.message


def test_unreadable_board_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^missing\.toml: cannot read board file"):
        load_board_file(tmp_path / "missing.toml")
