"""Reading flat .config files: values, line numbers, build directories, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config.harden.arch import detect_architecture
from levante.config.harden.dotconfig import (
    ConfigFileError,
    parse_config,
    read_config,
    resolve_config_path,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_values_of_every_kind_are_read_with_their_line() -> None:
    text = (
        "# header comment\n"
        "CONFIG_ARM=y\n"
        "# CONFIG_SHELL is not set\n"
        "\n"
        'CONFIG_BOARD="a \\"quoted\\" name"\n'
        "CONFIG_STACK_POINTER_RANDOM=0x200\n"
        "CONFIG_NEGATIVE=-5\n"
        "CONFIG_MODULE=m\n"
        'CONFIG_EMPTY=""\n'
    )
    assignments = parse_config(text, "test.config")
    values = {symbol: entry.value for symbol, entry in assignments.items()}
    assert values == {
        "ARM": "y", "SHELL": "n", "BOARD": 'a "quoted" name', "STACK_POINTER_RANDOM": "0x200",
        "NEGATIVE": "-5", "MODULE": "m", "EMPTY": "",
    }
    assert assignments["SHELL"].line == 3
    assert assignments["STACK_POINTER_RANDOM"].line == 6


def test_a_later_assignment_wins_like_a_kconfig_fragment() -> None:
    assignments = parse_config("CONFIG_LOG=y\nCONFIG_LOG=n\n", "x")
    assert assignments["LOG"].value == "n"
    assert assignments["LOG"].line == 2


def test_windows_line_endings_are_accepted() -> None:
    assert parse_config("CONFIG_ARM=y\r\nCONFIG_LOG=n\r\n", "x")["LOG"].value == "n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_line.config", "bad_line.config:4: not a Kconfig line"),
        ("bad_string.config", "bad_string.config:2: badly quoted string"),
        ("empty.config", "empty file"),
        ("blank.config", "empty file"),
        ("comments_only.config", "no CONFIG_ symbols"),
        ("binary.config", "binary file"),
        ("not_kconfig.json", "not_kconfig.json:1: not a Kconfig line"),
    ],
)
def test_bad_input_is_an_error_naming_the_file_and_line(name: str, message: str) -> None:
    with pytest.raises(ConfigFileError) as caught:
        read_config(FIXTURES / name)
    assert message in caught.value.message
    assert caught.value.exit_status == 2


def test_unquoted_words_and_text_after_a_string_are_rejected() -> None:
    with pytest.raises(ConfigFileError, match=r"x:1: bad value"):
        parse_config("CONFIG_BOARD=frdm_k64f\n", "x")
    with pytest.raises(ConfigFileError, match=r"x:2: badly quoted"):
        parse_config('CONFIG_ARM=y\nCONFIG_BOARD="a" trailing\n', "x")


def test_text_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.config"
    path.write_bytes(b"CONFIG_ARM=y\nCONFIG_BOARD=\"caf\xe9\"\n")
    with pytest.raises(ConfigFileError, match=r"latin1.config:2: not UTF-8"):
        read_config(path)


def test_a_directory_that_is_passed_as_the_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="cannot read"):
        read_config(tmp_path)


def test_build_directories_resolve_to_zephyr_then_levante_configs(tmp_path: Path) -> None:
    levante_build = tmp_path / "levante"
    levante_build.mkdir()
    (levante_build / ".config").write_text("CONFIG_ARM=y\n")
    assert resolve_config_path(levante_build) == levante_build / ".config"

    zephyr_build = tmp_path / "zephyr_build"
    (zephyr_build / "zephyr").mkdir(parents=True)
    (zephyr_build / "zephyr" / ".config").write_text("CONFIG_ARM=y\n")
    (zephyr_build / ".config").write_text("CONFIG_X86=y\n")  # Zephyr's file is preferred
    assert resolve_config_path(zephyr_build) == zephyr_build / "zephyr" / ".config"

    with pytest.raises(ConfigFileError, match="no configuration in"):
        resolve_config_path(tmp_path)
    with pytest.raises(ConfigFileError, match="no such file or directory"):
        resolve_config_path(tmp_path / "missing")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"ARM": "y", "CPU_CORTEX_M": "y"}, "arm"),
        ({"ARM64": "y", "CPU_CORTEX_A": "y"}, "arm64"),
        ({"X86": "y", "X86_64": "n"}, "x86"),
        ({"X86": "y", "X86_64": "y"}, "x86_64"),
        ({"RISCV": "y"}, "riscv"),
        ({"XTENSA": "y"}, "xtensa"),
        ({"ARCH_POSIX": "y"}, "posix"),
        ({"ARCH": "arc"}, "arc"),
        ({"CPU_CORTEX_M": "y"}, "arm"),  # an older Levante config without CONFIG_ARM
        ({"ARM": "n", "RISCV": "y"}, "riscv"),
        ({"SHELL": "y"}, None),
        ({"ARCH": "z80"}, None),
    ],
)
def test_architecture_is_told_from_the_config(values: dict[str, str], expected: str | None) -> None:
    assert detect_architecture(values) == expected
