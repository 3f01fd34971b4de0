"""The devicetree of a build: the board's DTS, the flash partitions and the app's overlays,
preprocessed with the C preprocessor, checked by `dtc` and read with Zephyr's devicetree
library (edtlib), as Zephyr's build does.

Zephyr's order (docs "Set devicetree overlays"): the board's DTS, then `DTC_OVERLAY_FILE`
when set, else `boards/<board>.overlay` when it exists, else `<board>.overlay`, else
`app.overlay`; then `EXTRA_DTC_OVERLAY_FILE`.  Later files win.

The board's memory comes from its TOML file (the CPU backend maps it); the DTS states the
same memory, which a test keeps equal.  The flash partitions come from the boot stage's
layout, the one place they are decided, written into the tree as a `fixed-partitions`
node before the overlays.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devicetree import edtlib

from levante.config.board import BOARDS_DIR, Board
from levante.config.kconfig import ConfigError

DTS_DIR = Path(__file__).with_name("dts")
BINDINGS_DIR = DTS_DIR / "bindings"
DTS_INCLUDE_DIR = DTS_DIR / "include"
CPP = "arm-none-eabi-cpp"
DTC = "dtc"

PRE_DTS = "zephyr.dts.pre"  # the preprocessed source edtlib reads
FINAL_DTS = "zephyr.dts"  # the merged tree, as edtlib understood it
DTB = "zephyr.dtb"


@dataclass(frozen=True)
class FlashPartition:
    """One fixed partition: its devicetree label (slot0_partition, ...), offset, size."""

    label: str
    offset: int
    size: int


@dataclass(frozen=True)
class Devicetree:
    """A build's devicetree: the library's view, and what dtc said about it."""

    edt: edtlib.EDT
    overlays: tuple[Path, ...]
    warnings: tuple[str, ...]


def board_dts(board: Board) -> Path:
    return BOARDS_DIR / f"{board.name}.dts"


def default_overlays(app_dir: Path, board: Board) -> list[Path]:
    """The overlays Zephyr finds in an application folder when DTC_OVERLAY_FILE is unset."""
    board_overlay = app_dir / "boards" / f"{board.name}.overlay"
    if board_overlay.is_file():
        return [board_overlay]
    for candidate in (app_dir / f"{board.name}.overlay", app_dir / "app.overlay"):
        if candidate.is_file():
            return [candidate]
    return []


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ConfigError(f"{name} not found: install {package} (`make setup` does)")
    return path


def _partitions_source(board: Board, partitions: Sequence[FlashPartition],
                       sector_size: int, write_block: int) -> str:
    """The flash memory and its fixed partitions, as a DTS fragment."""
    lines = [
        "&flash_controller {",
        f"\tflash0: flash@{board.flash.base:x} {{",
        '\t\tcompatible = "soc-nv-flash";',
        f"\t\treg = <{board.flash.base:#x} {board.flash.size:#x}>;",
        f"\t\twrite-block-size = <{write_block}>;",
        f"\t\terase-block-size = <{sector_size}>;",
        "\t\tpartitions {",
        '\t\t\tcompatible = "fixed-partitions";',
        "\t\t\t#address-cells = <1>;",
        "\t\t\t#size-cells = <1>;",
    ]
    for part in partitions:
        name = part.label.removesuffix("_partition")
        lines += [
            f"\t\t\t{part.label}: partition@{part.offset:x} {{",
            f'\t\t\t\tlabel = "{name}";',
            f"\t\t\t\treg = <{part.offset:#x} {part.size:#x}>;",
            "\t\t\t};",
        ]
    lines += ["\t\t};", "\t};", "};", ""]
    return "\n".join(lines)


def _top_source(board: Board, partitions_file: Path, overlays: Sequence[Path]) -> str:
    """What the preprocessor reads: the board, the partitions, the overlays, in order."""
    files = [board_dts(board), partitions_file, *overlays]
    return "".join(f'#include "{path}"\n' for path in files)


def _preprocess(source: Path, output: Path, app_dir: Path) -> None:
    command = [
        _tool(CPP, "gcc-arm-none-eabi"), "-nostdinc", "-undef", "-D__DTS__",
        "-x", "assembler-with-cpp", "-P",
        f"-I{DTS_DIR}", f"-I{DTS_INCLUDE_DIR}", f"-I{BOARDS_DIR}", f"-I{app_dir}",
        "-E", str(source), "-o", str(output),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines() or [""]
        errors = [line for line in lines if "error" in line] or lines
        raise ConfigError(f"devicetree: {errors[0]}")


def _check_with_dtc(final: Path, dtb: Path) -> list[str]:
    """dtc's verdict on the merged tree: an error stops the build, warnings are shown."""
    command = [_tool(DTC, "device-tree-compiler"), "-q", "-I", "dts", "-O", "dtb",
               # Checks that need bindings edtlib already applies, or that Zephyr turns off.
               "-W", "no-unit_address_vs_reg", "-W", "no-simple_bus_reg",
               "-W", "no-avoid_unnecessary_addr_size",
               "-o", str(dtb), str(final)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    if completed.returncode != 0:
        raise ConfigError(f"devicetree: dtc: {lines[0] if lines else 'failed'}")
    return [f"devicetree: {line}" for line in lines if "Warning" in line]


def build_devicetree(app_dir: Path, board: Board, out_dir: Path,
                     partitions: Sequence[FlashPartition], sector_size: int,
                     write_block: int, overlays: Sequence[Path] | None = None,
                     extra_overlays: Sequence[Path] = ()) -> Devicetree:
    """Preprocess, merge and check the build's devicetree in `out_dir`.  `overlays`
    replaces the default ones (DTC_OVERLAY_FILE); `extra_overlays` come after them."""
    chosen = list(default_overlays(app_dir, board) if overlays is None else overlays)
    chosen += extra_overlays
    for overlay in chosen:
        if not overlay.is_file():
            raise ConfigError(f"devicetree overlay not found: {overlay}")
    out_dir.mkdir(parents=True, exist_ok=True)
    partitions_file = out_dir / "levante_partitions.dtsi"
    partitions_file.write_text(_partitions_source(board, partitions, sector_size, write_block))
    top = out_dir / "levante_top.dts"
    top.write_text(_top_source(board, partitions_file, chosen))
    pre = out_dir / PRE_DTS
    _preprocess(top, pre, app_dir)
    bindings = [str(BINDINGS_DIR)]
    app_bindings = app_dir / "dts" / "bindings"
    if app_bindings.is_dir():
        bindings.append(str(app_bindings))
    try:
        edt = edtlib.EDT(str(pre), bindings, warn_reg_unit_address_mismatch=False)
    except (edtlib.EDTError, edtlib.DTError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(f"devicetree: {message}") from None
    final = out_dir / FINAL_DTS
    final.write_text(edt.dts_source)
    warnings = _check_with_dtc(final, out_dir / DTB)
    return Devicetree(edt, tuple(chosen), tuple(warnings))
