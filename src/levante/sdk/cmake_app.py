"""An application's own CMakeLists.txt, built with real CMake and Ninja.

`find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})` finds Levante's package
(`sdk/zephyr/share/zephyr-package/cmake`), which sets up the Arm toolchain, the `app`
target and the zephyr_* functions.  levante build writes what the package needs to know
(the compiler, the compile options Levante builds everything with, the board and every
CONFIG_ symbol, so that `if(CONFIG_FOO)` works) into `levante_build_info.cmake`, runs
CMake then Ninja in `<build>/app`, and links the objects CMake lists with the Levante
runtime (sdk/build.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from levante.config import Board, Config
from levante.errors import BuildError
from levante.sdk.unsupported import first_error

ZEPHYR_BASE = Path(__file__).resolve().parent / "zephyr"
CMAKE_LISTS = "CMakeLists.txt"
CMAKE_BUILD_DIR = "app"  # inside the build folder
INFO_FILE = "levante_build_info.cmake"
OBJECTS_FILE = "levante_objects.txt"
LINKER_FILE = "levante_linker.txt"  # zephyr_linker_sources / zephyr_iterable_section
# The error lines CMake and the compiler print, in the order worth showing first.
_ERROR_MARKS = ("error:", "CMake Error", "ninja: error")


def has_cmake_project(app_dir: Path) -> bool:
    return (app_dir / CMAKE_LISTS).is_file()


def _tool(name: str) -> str:
    """A build tool from the Python environment (PyPI's cmake and ninja), or the PATH."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise BuildError(f"{name} not found: install it (`make setup` does)")
    return found


def _cmake_text(value: str) -> str:
    """A CMake bracket argument: taken as it is, whatever characters it holds."""
    level = "="
    while f"]{level}]" in value:
        level += "="
    return f"[{level}[{value}]{level}]"


def _config_value(value: bool | int | str) -> str:
    if value is True:
        return "y"
    return str(value)


def write_build_info(path: Path, cc: str, cxx: str, options: Sequence[str], board: Board,
                     config: Config, objects_file: Path, empty_source: Path,
                     linker_file: Path) -> None:
    lines = [
        "# Written by levante build for Levante's Zephyr package: do not edit.",
        f"set(LEVANTE_C_COMPILER {_cmake_text(cc)})",
        f"set(LEVANTE_CXX_COMPILER {_cmake_text(cxx)})",
        f"set(LEVANTE_PYTHON {_cmake_text(sys.executable)})",
        "set(LEVANTE_COMPILE_OPTIONS " + " ".join(_cmake_text(o) for o in options) + ")",
        f"set(LEVANTE_OBJECTS_FILE {_cmake_text(str(objects_file))})",
        f"set(LEVANTE_EMPTY_SOURCE {_cmake_text(str(empty_source))})",
        f"set(LEVANTE_LINKER_FILE {_cmake_text(str(linker_file))})",
        f"set(BOARD {_cmake_text(board.name)})",
        f"set(NORMALIZED_BOARD_TARGET {_cmake_text(board.name)})",
        f"set(ARCH {_cmake_text('arm')})",
    ]
    for name, value in sorted(config.values.items()):
        if value is False:
            continue  # as Zephyr's import_kconfig: a disabled symbol is not set
        lines.append(f"set(CONFIG_{name} {_cmake_text(_config_value(value))})")
    path.write_text("\n".join(lines) + "\n")


def _run(command: list[str], what: str, env: dict[str, str]) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    output = (completed.stdout + completed.stderr).strip()
    if completed.returncode != 0:
        lines = output.splitlines()
        errors = [line.strip() for line in lines if any(mark in line for mark in _ERROR_MARKS)]
        # CMake puts the reason on the lines after "CMake Error at ...:".
        if errors and errors[0].startswith("CMake Error"):
            index = next(i for i, line in enumerate(lines) if line.strip() == errors[0])
            reason = " ".join(line.strip() for line in lines[index + 1:index + 4]
                              if line.strip())
            errors[0] = f"{errors[0]} {reason}".strip()
        first = first_error(errors) if errors else (lines[-1] if lines else "no output")
        raise BuildError(f"{what} failed: {first}", tuple(lines))
    return output


def build_objects(app_dir: Path, build_dir: Path, board: Board, config: Config,
                  cc: str, options: Sequence[str],
                  definitions: Mapping[str, str]) -> tuple[list[Path], str]:
    """Configure and build the application with CMake and Ninja, with `definitions` as
    CMake cache variables; return its object files (in CMake's order) and the compiler's
    warnings (empty when there were none)."""
    app_dir, build_dir = app_dir.resolve(), build_dir.resolve()  # CMake reads them elsewhere
    cmake_dir = build_dir / CMAKE_BUILD_DIR
    # A fresh CMake tree every build: nothing of an earlier configuration (a compiler a
    # failed configure settled on, a variable since dropped) carries over.
    shutil.rmtree(cmake_dir, ignore_errors=True)
    cmake_dir.mkdir(parents=True, exist_ok=True)
    objects_file = cmake_dir / OBJECTS_FILE
    objects_file.unlink(missing_ok=True)
    empty_source = cmake_dir / "levante_empty.c"
    empty_source.write_text("/* A library with no sources of its own. */\n")
    info = cmake_dir / INFO_FILE
    cxx = str(Path(cc).with_name(Path(cc).name.replace("gcc", "g++")))
    write_build_info(info, cc, cxx, options, board, config, objects_file, empty_source,
                     cmake_dir / LINKER_FILE)
    env = {**os.environ, "ZEPHYR_BASE": str(ZEPHYR_BASE)}
    cmake, ninja = _tool("cmake"), _tool("ninja")
    # The application's definitions first: Levante's own come after and so win.
    _run([cmake, "-G", "Ninja", *(f"-D{name}={value}" for name, value in definitions.items()),
          f"-DCMAKE_MAKE_PROGRAM={ninja}", f"-DLEVANTE_BUILD_INFO={info}",
          f"-DBOARD={board.name}", "-S", str(app_dir), "-B", str(cmake_dir)],
         f"configuring {app_dir.name} with CMake", env)
    output = _run([cmake, "--build", str(cmake_dir)], f"building {app_dir.name}", env)
    if not objects_file.is_file():
        raise BuildError(f"{app_dir / CMAKE_LISTS}: the project did not use Levante's Zephyr "
                         "package (find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE}))")
    objects = [Path(line) for line in objects_file.read_text().splitlines() if line.strip()]
    objects = [path if path.is_absolute() else cmake_dir / path for path in objects]
    warnings = "\n".join(line for line in output.splitlines() if "warning:" in line)
    return objects, warnings
