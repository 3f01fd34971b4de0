"""`levante build`: configure an application with Kconfig, then compile and link it for a board.

Steps: Kconfig (prj.conf over the board's defconfig over the defaults) → .config and
autoconf.h; the ABI headers generated from levante.sdk.abi; every `src/*.c` of the
application plus the Levante C runtime compiled with arm-none-eabi-gcc; a link with the
board's memory map; levante.elf and levante.bin in the build folder.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from levante.config import Board, Config, configure
from levante.errors import BuildError
from levante.sdk import generate
from levante.sdk.abi import RUNTIME_SYMBOLS

SDK_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = SDK_DIR / "include"
RUNTIME_DIR = SDK_DIR / "runtime"
LINKER_TEMPLATE = SDK_DIR / "linker" / "levante.ld.in"

CC = "arm-none-eabi-gcc"
OBJCOPY = "arm-none-eabi-objcopy"

# Zephyr builds for size by default; -g keeps symbols for fault reports.
_COMMON_FLAGS = (
    "-Os", "-g", "-std=gnu11", "-Wall", "-Wno-main", "-fno-common",
    "-ffunction-sections", "-fdata-sections", "-fno-strict-aliasing",
    "-fno-builtin-printf",
)


@dataclass(frozen=True)
class BuildResult:
    """What a successful build produced."""

    build_dir: Path
    elf: Path
    binary: Path
    config: Config


def _tool_path(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BuildError(f"{name} not found: install gcc-arm-none-eabi (`make setup` does)")
    return path


# What marks the line of a compiler's or linker's output that names the problem.
_ERROR_MARKS = ("error:", ": undefined reference to ", ": multiple definition of ")


def _run_tool(command: list[str], what: str) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        output = (completed.stderr or completed.stdout).strip().splitlines()
        # "error:" and not "error": a path (a folder named test_error_...) may hold the word.
        errors = [line for line in output if any(mark in line for mark in _ERROR_MARKS)]
        errors = errors or output or [""]
        first_error = errors[0]
        raise BuildError(f"{what} failed: {first_error}", tuple(output))


def application_sources(app_dir: Path) -> list[Path]:
    sources = sorted((app_dir / "src").glob("*.c"))
    if not sources:
        raise BuildError(f"{app_dir}: no C sources in src/ (an application is prj.conf + src/*.c)")
    return sources


def _write_generated_headers(build_dir: Path) -> Path:
    generated = build_dir / "include" / "generated" / "levante"
    generated.mkdir(parents=True, exist_ok=True)
    (generated / "abi.h").write_text(generate.abi_header())
    (generated / "syscalls.h").write_text(generate.syscalls_header())
    return build_dir / "include"


def _write_linker_script(board: Board, build_dir: Path) -> Path:
    script = LINKER_TEMPLATE.read_text()
    for key, value in (
        ("FLASH_BASE", board.flash.base), ("FLASH_SIZE", board.flash.size),
        ("RAM_BASE", board.sram.base), ("RAM_SIZE", board.sram.size),
    ):
        script = script.replace(f"@{key}@", f"{value:#x}")
    path = build_dir / "levante.ld"
    path.write_text(script)
    return path


def _cpu_flags(board: Board) -> list[str]:
    return [f"-mcpu={board.gcc_cpu}", "-mthumb", f"-mfloat-abi={board.float_abi}"]


def compile_and_link(app_dir: Path, build_dir: Path, board: Board) -> Path:
    """Compile the application and the runtime, link levante.elf; return its path."""
    cc = _tool_path(CC)
    generated_include = _write_generated_headers(build_dir)
    autoconf = generated_include / "generated" / "autoconf.h"
    flags = [
        *_cpu_flags(board), *_COMMON_FLAGS, "-imacros", str(autoconf),
        f"-I{INCLUDE_DIR}", f"-I{generated_include}", f"-I{app_dir / 'include'}",
    ]
    objects_dir = build_dir / "obj"
    objects_dir.mkdir(parents=True, exist_ok=True)
    objects = []
    sources = [*application_sources(app_dir), *sorted(RUNTIME_DIR.glob("*.c"))]
    for index, source in enumerate(sources):
        obj = objects_dir / f"{index:03d}_{source.stem}.o"
        _run_tool([cc, *flags, "-c", str(source), "-o", str(obj)], f"compiling {source.name}")
        objects.append(str(obj))
    elf = build_dir / "levante.elf"
    keep = [f"-Wl,--undefined={symbol}" for symbol in RUNTIME_SYMBOLS]
    _run_tool(
        [
            cc, *_cpu_flags(board), "-nostartfiles", "--specs=nano.specs",
            f"-T{_write_linker_script(board, build_dir)}", "-Wl,--gc-sections",
            f"-Wl,-Map={build_dir / 'levante.map'}", *keep, *objects,
            "-Wl,--start-group", "-lc", "-lgcc", "-Wl,--end-group", "-o", str(elf),
        ],
        "linking",
    )
    return elf


def build(app_dir: Path, build_dir: Path, board: Board) -> BuildResult:
    """Configure, compile and link; raise BuildError/ConfigError with a one-line message."""
    if not (app_dir / "prj.conf").is_file():
        raise BuildError(f"{app_dir}: not an application (no prj.conf)")
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise BuildError(f"{build_dir}: cannot create the build folder: {reason}") from None
    config = configure(app_dir, board, build_dir)
    elf = compile_and_link(app_dir, build_dir, board)
    binary = build_dir / "levante.bin"
    _run_tool([_tool_path(OBJCOPY), "-O", "binary", str(elf), str(binary)], "objcopy")
    return BuildResult(build_dir, elf, binary, config)
