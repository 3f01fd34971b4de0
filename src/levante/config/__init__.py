"""Build configuration: boards, Kconfig merging and the frozen Config object."""

from levante.config.board import (
    Board,
    MemoryRegion,
    board_names,
    load_board,
    load_board_file,
)
from levante.config.kconfig import (
    KCONFIG_ROOT,
    Config,
    ConfigError,
    ConfigValue,
    configure,
)

__all__ = [
    "KCONFIG_ROOT",
    "Board",
    "Config",
    "ConfigError",
    "ConfigValue",
    "MemoryRegion",
    "board_names",
    "configure",
    "load_board",
    "load_board_file",
]
