"""Load an application ELF: its loadable bytes, symbols, sections, functions and kernel objects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import DWARFError, ELFError
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from levante.errors import ImageError
from levante.image.kobjects import find_kernel_objects
from levante.image.layout import ImageLayout, KernelObjectSymbol, Symbol

_EM_ARM = "EM_ARM"


@dataclass(frozen=True)
class Segment:
    """Bytes to place at an address before boot (code, constants, initial data)."""

    address: int
    data: bytes
    loaded_from: int | None = None  # initialised data: the flash address it is copied from


@dataclass(frozen=True)
class ElfImage:
    path: Path
    segments: tuple[Segment, ...]
    symbols: dict[str, Symbol]
    sections: dict[str, Symbol]
    functions: tuple[Symbol, ...]
    code: tuple[Segment, ...]  # executable section contents, for instruction scans
    kernel_objects: tuple[KernelObjectSymbol, ...] = ()

    def layout(self) -> ImageLayout:
        return ImageLayout(
            symbols=self.symbols, sections=self.sections, kernel_objects=self.kernel_objects
        )


def _segments(elf: ELFFile) -> list[Segment]:
    """Each PT_LOAD at its load address and, for initialised data, at its run address
    too: what a C start-up would copy from flash to RAM, done before boot."""
    segments = []
    for segment in elf.iter_segments():
        if segment["p_type"] != "PT_LOAD" or segment["p_filesz"] == 0:
            continue
        data = segment.data()
        segments.append(Segment(segment["p_paddr"], data))
        if segment["p_vaddr"] != segment["p_paddr"]:
            segments.append(Segment(segment["p_vaddr"], data, segment["p_paddr"]))
    return segments


def _symbols(elf: ELFFile, path: Path) -> tuple[dict[str, Symbol], list[Symbol]]:
    table = elf.get_section_by_name(".symtab")
    if not isinstance(table, SymbolTableSection):
        raise ImageError(f"{path}: the image has no symbol table (was it stripped?)")
    symbols: dict[str, Symbol] = {}
    functions: list[Symbol] = []
    for entry in table.iter_symbols():
        if not entry.name or entry["st_shndx"] == "SHN_UNDEF":
            continue
        symbol = Symbol(entry["st_value"], entry["st_size"])
        if entry["st_info"]["bind"] != "STB_LOCAL" or entry.name not in symbols:
            symbols[entry.name] = symbol
        if entry["st_info"]["type"] == "STT_FUNC" and entry["st_size"]:
            functions.append(Symbol(entry["st_value"] & ~1, entry["st_size"]))
    return symbols, functions


def load_elf(path: Path) -> ElfImage:
    """Read an ELF built for Cortex-M; raise ImageError with one line if it is not one."""
    try:
        with path.open("rb") as stream:
            elf = ELFFile(stream)
            if elf["e_machine"] != _EM_ARM or elf.elfclass != 32 or not elf.little_endian:
                raise ImageError(f"{path}: not a 32-bit little-endian ARM ELF")
            segments = _segments(elf)
            symbols, functions = _symbols(elf, path)
            sections = {
                section.name: Symbol(section["sh_addr"], section["sh_size"])
                for section in elf.iter_sections()
                if section.name and section["sh_addr"]
            }
            code = tuple(
                Segment(section["sh_addr"], section.data())
                for section in elf.iter_sections()
                if section["sh_flags"] & SH_FLAGS.SHF_EXECINSTR and section["sh_size"]
            )
            kernel_objects = find_kernel_objects(elf)
    except FileNotFoundError:
        raise ImageError(f"{path}: no such image (run `levante build` first)") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: is a directory, not an ELF image") from None
    except (ELFError, DWARFError, ValueError, KeyError, OSError) as error:
        raise ImageError(f"{path}: not a valid ELF image ({error})") from None
    if not segments:
        raise ImageError(f"{path}: the image has nothing to load")
    return ElfImage(
        path, tuple(segments), symbols, sections, tuple(functions), code, kernel_objects
    )
