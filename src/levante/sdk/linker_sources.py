"""An application's additions to Levante's linker script, as its CMakeLists.txt asks.

Zephyr's `zephyr_linker_sources(<location> <files>)` puts linker-script text at a named
place of the image's script, and `zephyr_iterable_section(NAME ...)` declares an
iterable section (for Zephyr's CMake linker generator).  Levante's CMake package records
both (one tab-separated line each) and levante build reads them here: the texts are run
through the C preprocessor, as Zephyr does, with Levante's <zephyr/linker/*.h> and the
configuration's CONFIG_ macros, and go into the placeholders of sdk/linker/levante.ld.in;
the declared sections join the iterable sections the build lays out itself.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from levante.config import Config
from levante.errors import BuildError

# The places of levante.ld.in, by Zephyr's names (cmake/modules/extensions.cmake).
LOCATIONS = ("ROM_START", "ROM_SECTIONS", "RODATA", "RAM_SECTIONS", "DATA_SECTIONS",
             "NOINIT", "SECTIONS")
# zephyr_iterable_section's regions whose records change at run time: laid out in RAM.
RAM_REGIONS = ("DATA_REGION", "RAM_REGION", "RAMABLE_REGION", "NOINIT_REGION")
ROM_REGIONS = ("RODATA_REGION", "ROM_REGION", "ROMABLE_REGION", "TEXT_REGION")
# What an iterable section of the text defines: its start symbol.
_LIST_START = re.compile(r"\b_(\w+)_list_start\s*=")
_CONFIG_NAME = re.compile(r"CONFIG_(\w+)")


@dataclass(frozen=True)
class LinkerSource:
    location: str
    sort_key: str
    path: Path


@dataclass(frozen=True)
class DeclaredIterable:
    """An iterable section zephyr_iterable_section declared."""

    name: str
    ram: bool
    subalign: int
    numeric: bool


@dataclass(frozen=True)
class LinkerAdditions:
    sources: tuple[LinkerSource, ...] = ()
    iterables: tuple[DeclaredIterable, ...] = ()
    # Preprocessed text per location, filled by `preprocess`.
    texts: dict[str, str] = field(default_factory=dict)

    def defined_sections(self) -> set[str]:
        """The iterable types the texts lay out themselves (their _<type>_list_start)."""
        return {match.group(1) for text in self.texts.values()
                for match in _LIST_START.finditer(text)}


def _alignment(value: str, config: Config, name: str) -> int:
    """SUBALIGN's value: a number, or a CONFIG_ integer symbol (by name, as Zephyr 3.7's
    samples pass it, or already expanded by CMake)."""
    text = value.strip()
    if (match := _CONFIG_NAME.fullmatch(text)) is not None:
        symbol = match.group(1)
        if symbol not in config.values:
            raise BuildError(f"zephyr_iterable_section({name}): SUBALIGN {text} is not a "
                             "symbol of this configuration")
        text = str(config.values[symbol])
    try:
        alignment = int(text, 0)
    except ValueError:
        raise BuildError(f"zephyr_iterable_section({name}): SUBALIGN {value!r} is not an "
                         "alignment") from None
    if alignment <= 0 or alignment & (alignment - 1) or alignment > 4096:
        raise BuildError(f"zephyr_iterable_section({name}): SUBALIGN {alignment} is not a "
                         "power of two up to 4096")
    return alignment


def read_additions(path: Path, config: Config) -> LinkerAdditions:
    """The additions the CMake package recorded in `path` (none when it is absent)."""
    if not path.is_file():
        return LinkerAdditions()
    sources: list[LinkerSource] = []
    iterables: dict[str, DeclaredIterable] = {}
    for line in path.read_text().splitlines():
        fields = line.split("\t")
        if fields[0] == "source" and len(fields) == 4:
            sources.append(LinkerSource(fields[1], fields[2], Path(fields[3])))
        elif fields[0] == "iterable" and len(fields) == 5:
            name, region = fields[1], fields[2]
            if not re.fullmatch(r"\w+", name):
                raise BuildError(f"zephyr_iterable_section(NAME {name}): not a C identifier")
            if region not in RAM_REGIONS + ROM_REGIONS:
                raise BuildError(f"zephyr_iterable_section({name}): GROUP/VMA {region} is "
                                 f"not one of {', '.join(RAM_REGIONS + ROM_REGIONS)}")
            iterables[name] = DeclaredIterable(name, region in RAM_REGIONS,
                                               _alignment(fields[3], config, name),
                                               fields[4] == "numeric")
    return LinkerAdditions(tuple(sources), tuple(iterables.values()))


def preprocess(additions: LinkerAdditions, cc: str, options: Sequence[str]) -> LinkerAdditions:
    """The additions with each location's text: its files, in Zephyr's order (by sort key,
    then as given), each through the C preprocessor with `options` (-I, -imacros)."""
    texts: dict[str, list[str]] = {}
    ordered = sorted(enumerate(additions.sources), key=lambda item: (item[1].sort_key, item[0]))
    for _, source in ordered:
        command = [cc, "-E", "-P", "-x", "assembler-with-cpp", "-D_LINKER", "-D_ASMLANGUAGE",
                   *options, str(source.path)]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            errors = [line for line in completed.stderr.splitlines() if "error" in line]
            first = errors[0] if errors else completed.stderr.strip() or "failed"
            raise BuildError(f"zephyr_linker_sources({source.location}): {first}")
        body = "\n".join(line for line in completed.stdout.splitlines() if line.strip())
        texts.setdefault(source.location, []).append(
            f"\t/* zephyr_linker_sources({source.location}): {source.path.name} */\n{body}")
    return LinkerAdditions(additions.sources, additions.iterables,
                           {location: "\n".join(parts) for location, parts in texts.items()})
