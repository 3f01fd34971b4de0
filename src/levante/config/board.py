"""Board descriptions: the CPU, MPU, clock and memory map of each supported board."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from levante.config.kconfig import ConfigError

BOARDS_DIR = Path(__file__).with_name("boards")

# Every key a board file must have, with its type; nothing else is accepted so
# that a misspelt key is reported instead of silently ignored.
_STRING_KEYS = (
    "name",
    "description",
    "cpu",
    "arch",
    "gcc_cpu",
    "float_abi",
    "mpu_model",
)
_INT_KEYS = ("mpu_regions", "clock_hz")
_MEMORY_REGIONS = ("flash", "sram")
_REGION_KEYS = ("base", "size")

_FLOAT_ABIS = ("soft", "softfp", "hard")
_MPU_MODELS = ("armv7m", "armv8m")

# Addresses are 32-bit on Cortex-M: a region must end at or below 4 GiB.
_ADDRESS_SPACE_END = 1 << 32


@dataclass(frozen=True)
class MemoryRegion:
    """A contiguous range of the address space: ``[base, base + size)``."""

    name: str
    base: int
    size: int

    def __post_init__(self) -> None:
        if self.base < 0 or self.size < 0:
            raise ValueError(f"memory region {self.name!r} has a negative base or size")

    @property
    def end(self) -> int:
        """First address past the region (exclusive)."""
        return self.base + self.size

    def contains(self, address: int, size: int = 1) -> bool:
        """Whether all of ``[address, address + size)`` lies inside the region."""
        if size < 0:
            raise ValueError(f"negative size {size}")
        return self.base <= address and address + size <= self.end

    def overlaps(self, other: MemoryRegion) -> bool:
        """Whether the two regions share at least one address."""
        return self.base < other.end and other.base < self.end


@dataclass(frozen=True)
class Board:
    """Everything the build and the emulator need to know about one board."""

    name: str
    description: str
    cpu: str
    arch: str
    gcc_cpu: str
    float_abi: str
    mpu_regions: int
    mpu_model: str
    clock_hz: int
    flash: MemoryRegion
    sram: MemoryRegion

    @property
    def defconfig(self) -> Path:
        """The Kconfig fragment the build merges for this board, before prj.conf."""
        return BOARDS_DIR / f"{self.name}_defconfig"

    @property
    def memory(self) -> tuple[MemoryRegion, ...]:
        """All memory regions, in address order."""
        return tuple(sorted((self.flash, self.sram), key=lambda region: region.base))


def board_names() -> list[str]:
    """Names of the bundled boards, sorted."""
    return sorted(path.stem for path in BOARDS_DIR.glob("*.toml"))


def load_board(name: str) -> Board:
    """Load the bundled board called ``name``; raise ConfigError if there is none."""
    known = board_names()
    if name not in known:
        raise ConfigError(f"unknown board '{name}' (known: {', '.join(known)})")
    board = load_board_file(BOARDS_DIR / f"{name}.toml")
    if board.name != name:
        raise ConfigError(f"{name}.toml: 'name' is '{board.name}', expected '{name}'")
    return board


def load_board_file(path: Path) -> Board:
    """Read and validate one board description (TOML); errors name the file."""
    label = path.name
    data = _read_toml(path, label)
    _reject_unknown_keys(data, label)
    board = Board(
        name=_require_str(data, "name", label),
        description=_require_str(data, "description", label),
        cpu=_require_str(data, "cpu", label),
        arch=_require_str(data, "arch", label),
        gcc_cpu=_require_str(data, "gcc_cpu", label),
        float_abi=_require_choice(data, "float_abi", _FLOAT_ABIS, label),
        mpu_regions=_require_positive_int(data, "mpu_regions", label),
        mpu_model=_require_choice(data, "mpu_model", _MPU_MODELS, label),
        clock_hz=_require_positive_int(data, "clock_hz", label),
        flash=_require_region(data, "flash", label),
        sram=_require_region(data, "sram", label),
    )
    if board.flash.overlaps(board.sram):
        raise ConfigError(f"{label}: memory regions 'flash' and 'sram' overlap")
    return board


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except OSError as error:
        raise ConfigError(
            f"{label}: cannot read board file: {error.strerror}"
        ) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{label}: invalid TOML: {error}") from error


def _reject_unknown_keys(data: dict[str, Any], label: str) -> None:
    known = {*_STRING_KEYS, *_INT_KEYS, "memory"}
    for key in data:
        if key not in known:
            raise ConfigError(f"{label}: unknown key '{key}'")
    memory = data.get("memory")
    if isinstance(memory, dict):
        for region in memory:
            if region not in _MEMORY_REGIONS:
                raise ConfigError(f"{label}: unknown memory region 'memory.{region}'")


def _require(table: dict[str, Any], key: str, dotted: str, label: str) -> object:
    if key not in table:
        raise ConfigError(f"{label}: missing key '{dotted}'")
    value: object = table[key]
    return value


def _require_str(data: dict[str, Any], key: str, label: str) -> str:
    value = _require(data, key, key, label)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{label}: '{key}' must be a non-empty string")
    return value


def _require_choice(
    data: dict[str, Any], key: str, allowed: tuple[str, ...], label: str
) -> str:
    value = _require_str(data, key, label)
    if value not in allowed:
        raise ConfigError(
            f"{label}: '{key}' is '{value}', expected one of: {', '.join(allowed)}"
        )
    return value


def _require_int(table: dict[str, Any], key: str, dotted: str, label: str) -> int:
    value = _require(table, key, dotted, label)
    # bool is a subclass of int, but 'size = true' is certainly a mistake.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(
            f"{label}: '{dotted}' must be an integer, not {type(value).__name__}"
        )
    return value


def _require_positive_int(data: dict[str, Any], key: str, label: str) -> int:
    value = _require_int(data, key, key, label)
    if value <= 0:
        raise ConfigError(f"{label}: '{key}' must be positive, not {value}")
    return value


def _require_region(data: dict[str, Any], region: str, label: str) -> MemoryRegion:
    memory = _require(data, "memory", "memory", label)
    if not isinstance(memory, dict):
        raise ConfigError(f"{label}: 'memory' must be a table")
    table = _require(memory, region, f"memory.{region}", label)
    if not isinstance(table, dict):
        raise ConfigError(f"{label}: 'memory.{region}' must be a table")
    for key in table:
        if key not in _REGION_KEYS:
            raise ConfigError(f"{label}: unknown key 'memory.{region}.{key}'")
    base = _require_int(table, "base", f"memory.{region}.base", label)
    size = _require_int(table, "size", f"memory.{region}.size", label)
    if base < 0:
        raise ConfigError(f"{label}: 'memory.{region}.base' must not be negative")
    if size <= 0:
        raise ConfigError(
            f"{label}: 'memory.{region}.size' must be positive, not {size}"
        )
    if base + size > _ADDRESS_SPACE_END:
        raise ConfigError(
            f"{label}: 'memory.{region}' extends past the 32-bit address space"
        )
    return MemoryRegion(name=region, base=base, size=size)
