"""Build definitions given on the command line (`levante build -D NAME=VALUE`, or after
`--` as `-DNAME=VALUE`, as `west build -- -D...`), sorted out as Zephyr's build does:

- `CONFIG_<NAME>=<value>` is a Kconfig assignment, merged after every fragment;
- `CONF_FILE` names the configuration files used instead of prj.conf, and
  `EXTRA_CONF_FILE` (or the older `OVERLAY_CONFIG`) fragments merged after them, each a
  list separated by `;` or spaces, relative to the application;
- anything else is a CMake cache variable for the application's CMakeLists.txt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from levante.errors import UsageError

_DEFINITION = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)
# The devicetree's overlays: for the build itself, with or without a CMakeLists.txt.
DEVICETREE_VARIABLES = frozenset({"DTC_OVERLAY_FILE", "EXTRA_DTC_OVERLAY_FILE"})


@dataclass(frozen=True)
class Definitions:
    kconfig: tuple[str, ...] = ()  # CONFIG_NAME=value lines
    conf_files: tuple[Path, ...] = ()
    extra_conf_files: tuple[Path, ...] = ()
    cmake: dict[str, str] = field(default_factory=dict)

    @property
    def fragment_text(self) -> str:
        return "".join(f"{line}\n" for line in self.kconfig)


def _files(value: str, app_dir: Path) -> tuple[Path, ...]:
    names = [name for name in re.split(r"[;\s]+", value.strip().strip('"')) if name]
    return tuple(path if (path := Path(name)).is_absolute() else app_dir / path
                 for name in names)


def overlay_files(cmake: Mapping[str, str], app_dir: Path
                  ) -> tuple[tuple[Path, ...] | None, tuple[Path, ...]]:
    """The devicetree overlays the definitions name: DTC_OVERLAY_FILE (None when unset:
    the application's default overlays) and EXTRA_DTC_OVERLAY_FILE."""
    overlays = cmake.get("DTC_OVERLAY_FILE")
    extra = cmake.get("EXTRA_DTC_OVERLAY_FILE", "")
    return (_files(overlays, app_dir) if overlays is not None else None,
            _files(extra, app_dir))


def parse_definitions(texts: Iterable[str], app_dir: Path) -> Definitions:
    """`NAME=VALUE` texts (a leading `-D` allowed) in order; later ones win."""
    kconfig: dict[str, str] = {}
    conf_files: tuple[Path, ...] = ()
    extra: list[Path] = []
    cmake: dict[str, str] = {}
    for text in texts:
        match = _DEFINITION.fullmatch(text.removeprefix("-D"))
        if match is None:
            raise UsageError(f"bad definition '{text}': use NAME=VALUE")
        name, value = match[1], match[2]
        if name.startswith("CONFIG_"):
            kconfig[name] = value
        elif name == "CONF_FILE":
            conf_files = _files(value, app_dir)
        elif name in ("EXTRA_CONF_FILE", "OVERLAY_CONFIG"):
            extra += _files(value, app_dir)
        else:
            cmake[name] = value
    lines = tuple(f"{name}={value}" for name, value in kconfig.items())
    return Definitions(lines, conf_files, tuple(extra), cmake)
