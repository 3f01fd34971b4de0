"""Read a flat Kconfig `.config` file (Zephyr's or Levante's) without any Kconfig tree.

A .config holds only `CONFIG_X=value` lines, `# CONFIG_X is not set` lines, other
comments and blank lines. Anything else means the file is not a configuration, and the
error names the file and the line, because auditing half a file would give a verdict
on settings nobody read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from levante.errors import LevanteError

MAX_CONFIG_BYTES = 16 * 1024 * 1024  # real .config files are well under 1 MiB

_ASSIGNMENT = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
_NOT_SET = re.compile(r"^#\s*CONFIG_([A-Za-z0-9_]+) is not set$")
_PLAIN_VALUE = re.compile(r"^(y|n|m|-?[0-9]+|0[xX][0-9a-fA-F]+|)$")


class ConfigFileError(LevanteError):
    """A configuration file that is missing, unreadable, or not a Kconfig .config."""


@dataclass(frozen=True)
class Assignment:
    """One symbol's value as written in the file ('n' for `is not set`)."""

    symbol: str
    value: str
    line: int


@dataclass(frozen=True)
class KconfigValues:
    path: Path
    assignments: dict[str, Assignment]

    def values(self) -> dict[str, str]:
        return {symbol: entry.value for symbol, entry in self.assignments.items()}


def resolve_config_path(target: Path) -> Path:
    """A .config file itself, or the one inside a Zephyr or Levante build directory."""
    if target.is_dir():
        for candidate in (target / "zephyr" / ".config", target / ".config"):
            if candidate.is_file():
                return candidate
        raise ConfigFileError(
            f"no configuration in {target}: looked for {target}/zephyr/.config (Zephyr) "
            f"and {target}/.config (Levante)"
        )
    if not target.exists():
        raise ConfigFileError(
            f"no such file or directory: {target} (build first, or name a .config file)"
        )
    return target


def read_config(path: Path) -> KconfigValues:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigFileError(f"{path}: too large for a Kconfig .config file")
    if b"\0" in data:
        raise ConfigFileError(f"{path}: binary file, not a Kconfig .config file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigFileError(f"{path}:{line}: not UTF-8 text, not a Kconfig .config") from None
    if not text.strip():
        raise ConfigFileError(f"{path}: empty file, not a Kconfig .config file")
    return KconfigValues(path, parse_config(text, str(path)))


def parse_config(text: str, name: str) -> dict[str, Assignment]:
    """Parse .config text; a later assignment of a symbol wins, as in Kconfig fragments."""
    assignments: dict[str, Assignment] = {}
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        not_set = _NOT_SET.match(line)
        if not_set:
            assignments[not_set.group(1)] = Assignment(not_set.group(1), "n", number)
            continue
        if line.startswith("#"):
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment is None:
            raise ConfigFileError(f"{name}:{number}: not a Kconfig line: {_excerpt(line)}")
        symbol, value = assignment.groups()
        assignments[symbol] = Assignment(symbol, _parse_value(value, name, number), number)
    if not assignments:
        raise ConfigFileError(f"{name}: no CONFIG_ symbols, not a Kconfig .config file")
    return assignments


def _parse_value(value: str, name: str, number: int) -> str:
    if value.startswith('"'):
        return _parse_string(value, name, number)
    if not _PLAIN_VALUE.match(value):
        raise ConfigFileError(
            f"{name}:{number}: bad value {_excerpt(value)}: expected y, n, m, a number "
            "or a quoted string"
        )
    return value


def _parse_string(value: str, name: str, number: int) -> str:
    characters: list[str] = []
    position = 1
    while position < len(value):
        character = value[position]
        if character == "\\" and position + 1 < len(value):
            characters.append(value[position + 1])
            position += 2
            continue
        if character == '"':
            if value[position + 1:].strip():
                break  # text after the closing quote
            return "".join(characters)
        characters.append(character)
        position += 1
    raise ConfigFileError(f"{name}:{number}: badly quoted string {_excerpt(value)}")


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
