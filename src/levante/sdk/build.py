"""`levante build`: configure an application with Kconfig, then compile and link it for a board.

Steps: Kconfig (prj.conf over the board's defconfig over the defaults) → .config and
autoconf.h; the ABI headers generated from levante.abi; every `src/*.c` of the
application plus the Levante C runtime compiled with arm-none-eabi-gcc; a link with the
board's memory map; levante.elf and levante.bin in the build folder.

With CONFIG_USERSPACE the link lays out the application memory partitions as Zephyr's
gen_app_partitions.py does: the partitions are the `data_smem_<name>_data/_bss` input
sections of the objects (K_APP_DMEM / K_APP_BMEM) plus the C library's globals
(z_libc_partition); each becomes one output section that is a legal MPU region for the
board.  Their sizes are known only once the linker has picked the library members, so a
first link measures them and a second one gives each its final size and alignment.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from levante.abi import (
    BSS_ZERO_SECTION,
    HEAP_SYMBOLS,
    OPTION_SYMBOLS,
    RUNTIME_SYMBOLS,
    STATIC_SECTIONS,
    USERSPACE_SYMBOLS,
)
from levante.arch.mpu import GRANULE, mpu_for
from levante.boot.layout import partition_label
from levante.config import Board, Config, configure
from levante.config.devicetree import (
    DTS_INCLUDE_DIR,
    Devicetree,
    FlashPartition,
    build_devicetree,
)
from levante.config.heap import heap_size_warning, system_heap_size
from levante.errors import BuildError
from levante.sdk import cmake_app, generate
from levante.sdk.app_drivers import write_app_drivers
from levante.sdk.app_syscalls import write_app_syscalls
from levante.sdk.defines import DEVICETREE_VARIABLES, Definitions, overlay_files
from levante.sdk.devices_gen import write_device_files
from levante.sdk.devicetree_header import devicetree_header
from levante.sdk.domain_build import build_domains
from levante.sdk.idl_build import build_interfaces
from levante.sdk.linker_sources import LOCATIONS, LinkerAdditions, preprocess, read_additions
from levante.sdk.mcuboot import (
    SIGNED_IMAGE,
    application_flash,
    board_layout,
    sign_build,
    uses_mcuboot,
)
from levante.sdk.parallel import run_in_parallel
from levante.sdk.policy_build import build_policy
from levante.sdk.unsupported import first_error

SDK_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = SDK_DIR / "include"
RUNTIME_DIR = SDK_DIR / "runtime"
LINKER_TEMPLATE = SDK_DIR / "linker" / "levante.ld.in"

CC = "arm-none-eabi-gcc"
OBJCOPY = "arm-none-eabi-objcopy"

# Zephyr builds for size by default; -g keeps symbols for fault reports.  A call to a
# function no header declares is an error, not a guess at its type.
# -fno-ipa-reference: a system call is an inline SVC, and GCC would otherwise assume it
# leaves alone a static variable whose address never escapes, though a timer callback or
# another thread that runs during the call writes it (in Zephyr a call into the kernel is
# an opaque function call, after which such a variable is read again).
_COMMON_FLAGS = (
    # -Wno-pointer-sign as Zephyr's warning base: its samples pass uint8_t buffers where
    # char is declared (and the other way round) by design.
    "-Os", "-g", "-std=c99", "-Wall", "-Wno-main", "-Wno-pointer-sign", "-fno-common",
    "-ffunction-sections", "-fdata-sections", "-fno-strict-aliasing",
    "-fno-builtin-printf", "-Werror=implicit-function-declaration", "-fno-ipa-reference",
)


@dataclass(frozen=True)
class BuildResult:
    """What a successful build produced."""

    build_dir: Path
    elf: Path
    binary: Path
    config: Config
    signed: Path | None = None  # levante.signed.bin, with CONFIG_BOOTLOADER_MCUBOOT
    signing: str = ""  # how it was signed, in a few words
    warnings: str = ""  # the compiler's warnings, one per line (the build succeeded)


def _tool_path(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BuildError(f"{name} not found: install gcc-arm-none-eabi (`make setup` does)")
    return path


# What marks the line of a compiler's or linker's output that names the problem.
_ERROR_MARKS = ("error:", ": undefined reference to ", ": multiple definition of ")


def _run_tool(command: list[str], what: str) -> str:
    """Run a tool; its output (warnings) when it succeeds, a BuildError when not."""
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        output = (completed.stderr or completed.stdout).strip().splitlines()
        # "error:" and not "error": a path (a folder named test_error_...) may hold the word.
        errors = [line for line in output if any(mark in line for mark in _ERROR_MARKS)]
        errors = errors or output or [""]
        raise BuildError(f"{what} failed: {first_error(errors)}", tuple(output))
    return completed.stderr + completed.stdout


def application_sources(app_dir: Path) -> list[Path]:
    sources = sorted((app_dir / "src").glob("*.c"))
    if not sources:
        raise BuildError(f"{app_dir}: no C sources in src/ (an application is prj.conf + src/*.c)")
    return sources


def _write_generated_headers(build_dir: Path, board: Board, config: Config) -> Path:
    generated = build_dir / "include" / "generated" / "levante"
    generated.mkdir(parents=True, exist_ok=True)
    (generated / "abi.h").write_text(generate.abi_header())
    (generated / "syscalls.h").write_text(generate.syscalls_header())
    (generated / "struct_check.h").write_text(generate.struct_check_header())
    flash_map = generated / "flash_map.h"
    if config.is_enabled("FLASH"):
        # The fixed partitions a devicetree would give: the boot stage's own layout.
        flash_map.write_text(generate.flash_map_header(board_layout(board)))
    else:
        flash_map.unlink(missing_ok=True)  # from an earlier configuration
    return build_dir / "include"


DEVICETREE_DIR = "devicetree"  # the merged devicetree and what was generated from it


def build_app_devicetree(app_dir: Path, build_dir: Path, board: Board,
                      definitions: Mapping[str, str]) -> Devicetree:
    """The board's devicetree with the flash partitions and the app's overlays."""
    layout = board_layout(board)
    partitions = [FlashPartition(partition_label(part.name), part.offset, part.size)
                  for part in layout.partitions()]
    overlays, extra = overlay_files(definitions, app_dir)
    return build_devicetree(app_dir, board, build_dir / DEVICETREE_DIR, partitions,
                            layout.sector_size, layout.write_alignment, overlays, extra)


def _write_devicetree_files(tree: Devicetree, config: Config, build_dir: Path,
                            generated_include: Path) -> Path:
    """devicetree_generated.h, the devices' C source (returned) and devices.json."""
    (generated_include / "devicetree_generated.h").write_text(devicetree_header(tree))
    return write_device_files(tree, config, generated_include / "levante",
                              build_dir / DEVICETREE_DIR, build_dir)


# ---- Application memory partitions ---------------------------------------------------

LIBC_PARTITION = "z_libc_partition"
# The archives whose globals form the C library's partition (nano.specs turns -lc into
# libc_nano.a); the runtime's own objects, such as libc_glue.c's heap pointer, stay in
# kernel memory.
LIBC_ARCHIVES = ("libc.a", "libc_nano.a", "libg.a", "libg_nano.a", "libm.a", "libgcc.a")
MPU_MIN_REGION = GRANULE  # bytes: the smallest region, and ARMv8-M's grid
MEASURE_SCRIPT = "levante_measure.ld"  # the first link's script, kept for inspection

# Linker-script lines that reserve z_libc_tls, picolibc's thread-local block (see
# levante.ld.in): in the C library's partition with user mode, in .bss without it.
LIBC_TLS_BLOCK = ("z_libc_tls = ALIGN(8);", ". = z_libc_tls + __tbss_offset + __tbss_size;")

_SMEM_SECTION = re.compile(r"data_smem_(\w+)_(data|bss)")


@dataclass(frozen=True)
class PartitionLayout:
    """Where the linker is told to put one partition: its alignment and, once measured,
    its final size (None: as large as its contents, for the measuring link)."""

    name: str
    align: int = MPU_MIN_REGION
    size: int | None = None

    @property
    def section(self) -> str:
        return f"app_smem_{self.name}"


def _section_names(objects: Iterable[Path]) -> set[str]:
    """Every section name in the object files."""
    names: set[str] = set()
    for obj in objects:
        try:
            with obj.open("rb") as stream:
                names.update(section.name for section in ELFFile(stream).iter_sections())
        except (ELFError, OSError) as error:
            raise BuildError(f"{obj.name}: cannot read the object file ({error})") from None
    return names


def partition_names(objects: Iterable[Path]) -> list[str]:
    """The partitions the objects place globals in, from their section names, sorted."""
    return sorted({match.group(1) for name in _section_names(objects)
                   if (match := _SMEM_SECTION.fullmatch(name))})


# ---- Iterable sections (Zephyr's STRUCT_SECTION_ITERABLE) ------------------------------

_ITERABLE_SECTION = re.compile(r"\._(\w+?)\.static\..+")
# Types whose records live elsewhere: K_THREAD_DEFINE, K_THREAD_ACCESS_GRANT and the
# statically defined kernel objects (their own sections, in RAM).
_HANDLED_SECTIONS = frozenset(STATIC_SECTIONS.values())
# Types ztest's runner iterates over, present (maybe empty) in every ztest image.
ZTEST_ITERABLE_TYPES = ("ztest_expected_result_entry", "ztest_suite_node", "ztest_test_rule",
                        "ztest_unit_test")
# Types the runtime of every image iterates over: SYS_INIT's records (runtime/init.c).
RUNTIME_ITERABLE_TYPES = ("init_entry",)


def iterable_types(objects: Iterable[Path], config: Config,
                   additions: LinkerAdditions | None = None) -> list[str]:
    """The struct types the objects place in iterable sections (`._<type>.static.<name>`),
    plus those a configured runtime iterates over even when none is defined and those
    the application declares (zephyr_iterable_section), less those its own linker text
    lays out (zephyr_linker_sources)."""
    additions = additions or LinkerAdditions()
    found = {match.group(1) for name in _section_names(objects)
             if (match := _ITERABLE_SECTION.fullmatch(name))
             and f"._{match.group(1)}" not in _HANDLED_SECTIONS}
    found.update(declared.name for declared in additions.iterables)
    found.update(RUNTIME_ITERABLE_TYPES)
    if config.is_enabled("ZTEST"):
        found.update(ZTEST_ITERABLE_TYPES)
    if config.is_enabled("SHELL"):
        found.add("shell_root_cmds")  # the shell walks the application's commands
    if config.is_enabled("COAP_SERVER"):
        found.add("coap_service")  # the CoAP server walks the application's services
    if config.is_enabled("NET_MGMT_EVENT"):
        found.add("net_mgmt_event_static_handler")  # NET_MGMT_REGISTER_EVENT_HANDLER's
    return sorted(found - additions.defined_sections())


# Records that change at run time live in RAM (Zephyr's ITERABLE_SECTION_RAM): a CoAP
# service's resources (COAP_RESOURCE_DEFINE) keep their observers and age.
RAM_ITERABLE_PREFIXES = ("coap_resource_",)


def _in_ram(name: str, additions: LinkerAdditions) -> bool:
    declared = next((item for item in additions.iterables if item.name == name), None)
    if declared is not None:
        return declared.ram
    return name.startswith(RAM_ITERABLE_PREFIXES)


def iterable_sections(types: Sequence[str], ram: bool = False,
                      additions: LinkerAdditions | None = None) -> str:
    """One section per type, its records sorted by name between _<type>_list_start and
    _<type>_list_end: in flash (Zephyr's ITERABLE_SECTION_ROM), or with `ram` the types
    whose records change, in RAM with their initial bytes in flash.  A type declared with
    zephyr_iterable_section gets its region, SUBALIGN and NUMERIC order."""
    additions = additions or LinkerAdditions()
    lines = []
    for name in types:
        if _in_ram(name, additions) != ram:
            continue
        declared = next((item for item in additions.iterables if item.name == name), None)
        subalign = f" SUBALIGN({declared.subalign})" if declared is not None else ""
        # NUMERIC: records named ..._1 to _9 before _10 to _99 (Zephyr's order).
        patterns = ([f"*(SORT(._{name}.static.*_?))", f"*(SORT(._{name}.static.*_??))"]
                    if declared is not None and declared.numeric
                    else [f"*(SORT_BY_NAME(._{name}.static.*))"])
        lines += [
            f"\t._{name} : ALIGN(8){subalign}",
            "\t{",
            f"\t\t_{name}_list_start = .;",
            *(f"\t\tKEEP({pattern})" for pattern in patterns),
            f"\t\t_{name}_list_end = .;",
            "\t} > RAM AT > FLASH" if ram else "\t} > FLASH",
        ]
    return "\n".join(lines)


def mpu_region_layout(board: Board, contents: int) -> tuple[int, int]:
    """(size, alignment) of the smallest MPU region of `board` holding `contents` bytes,
    as the board's MPU model places one."""
    return mpu_for(board.mpu_model, board.mpu_regions).placement(contents)


def _library_inputs(sections: str) -> list[str]:
    return [f"*{archive}:*({sections})" for archive in LIBC_ARCHIVES]


def partition_sections(layouts: Sequence[PartitionLayout]) -> str:
    """Linker-script output sections for the partitions, in the order given (RAM)."""
    lines: list[str] = []
    for layout in layouts:
        name, symbol = layout.name, f"z_data_smem_{layout.name}"
        data, bss = [f"*(data_smem_{name}_data)"], [f"*(data_smem_{name}_bss)"]
        if name == LIBC_PARTITION:
            data += _library_inputs(".data .data.*")
            bss += _library_inputs(".bss .bss.* COMMON")
            # The one thread-local block of picolibc (empty with newlib): as large as the
            # template the linker script collects, zeroed at boot with the rest.
            bss += list(LIBC_TLS_BLOCK)
        what = "measured" if layout.size is None else f"{layout.size} bytes"
        lines += [
            f"\t/* Application memory partition {name}: {what}. */",
            f"\t{layout.section} : ALIGN({layout.align})",
            "\t{",
            f"\t\t{symbol}_part_start = .;",
            *(f"\t\t{line}" for line in data),
            f"\t\t{symbol}_bss_start = .;",
            *(f"\t\t{line}" for line in bss),
            f"\t\t{symbol}_bss_end = .;",
        ]
        if layout.size is None:
            # Never empty, so that the section exists and its size can be read back.
            lines += ["\t\t. = ALIGN(MAX(., " + f"{symbol}_part_start + 1), {MPU_MIN_REGION});"]
            size = f"SIZEOF({layout.section})"
        else:
            # Moving `.` backwards is a link error: contents that outgrew the size fail.
            lines.append(f"\t\t. = {symbol}_part_start + {layout.size:#x};")
            size = f"{layout.size:#x}"
        # Outside the section: there a number would be an offset from the section's start.
        lines += [
            "\t} > RAM AT > FLASH",
            f"\t{symbol}_part_size = {size};",
            f"\t{symbol}_bss_size = ABSOLUTE({symbol}_bss_end - {symbol}_bss_start);",
            "",
        ]
    return "\n".join(lines)


def bss_zero_table(layouts: Sequence[PartitionLayout]) -> str:
    """The flash table of (start, size) words the kernel zeroes at boot, one per partition."""
    if not layouts:
        return ""
    entries = [
        f"\t\tLONG(z_data_smem_{layout.name}_bss_start) "
        f"LONG(z_data_smem_{layout.name}_bss_end - z_data_smem_{layout.name}_bss_start)"
        for layout in layouts
    ]
    return "\n".join([
        "\t/* (start, size) of every partition's BSS part: the kernel zeroes them at boot. */",
        f"\t{BSS_ZERO_SECTION} : ALIGN(4)",
        "\t{",
        *entries,
        "\t} > FLASH",
        "",
    ])


@dataclass(frozen=True)
class _LinkedPartition:
    """A partition as it came out of a link."""

    address: int
    size: int  # of the output section
    part_start: int
    part_size: int
    bss_start: int
    bss_end: int


def _linked_partitions(elf: Path, names: Iterable[str]) -> dict[str, _LinkedPartition]:
    """Each partition's output section and symbols in a linked image."""
    with elf.open("rb") as stream:
        image = ELFFile(stream)
        table = image.get_section_by_name(".symtab")
        if not isinstance(table, SymbolTableSection):
            raise BuildError(f"{elf}: the linked image has no symbol table")
        symbols = {symbol.name: symbol["st_value"] for symbol in table.iter_symbols()}
        found = {}
        for name in names:
            prefix = f"z_data_smem_{name}"
            section = image.get_section_by_name(PartitionLayout(name).section)
            try:
                start = symbols[f"{prefix}_part_start"]
                found[name] = _LinkedPartition(
                    # A partition the linker emitted no section for is empty.
                    address=start if section is None else section["sh_addr"],
                    size=0 if section is None else section["sh_size"],
                    part_start=start,
                    part_size=symbols[f"{prefix}_part_size"],
                    bss_start=symbols[f"{prefix}_bss_start"],
                    bss_end=symbols[f"{prefix}_bss_end"],
                )
            except KeyError as missing:
                raise BuildError(f"partition {name}: the link defined no {missing}") from None
    return found


def _check_partitions(
    board: Board, layouts: Sequence[PartitionLayout], linked: dict[str, _LinkedPartition]
) -> None:
    """Fail unless the final link gave every partition exactly the region it was promised."""
    for layout in layouts:
        part = linked[layout.name]
        problems = []
        if part.part_start != part.address or part.size != layout.size:
            problems.append(f"section {part.address:#x}+{part.size:#x}, expected "
                            f"{layout.size:#x} bytes")
        if part.part_size != layout.size:
            problems.append(f"part_size {part.part_size:#x}, expected {layout.size:#x}")
        if part.part_start % layout.align:
            problems.append(f"start {part.part_start:#x} not aligned to {layout.align:#x}")
        if not part.part_start <= part.bss_start <= part.bss_end <= part.part_start + part.size:
            problems.append("BSS part outside the partition")
        if mpu_region_layout(board, part.size) != (layout.size, layout.align):
            problems.append(f"not a {board.mpu_model} MPU region")
        if problems:
            raise BuildError(
                f"partition {layout.name}: the second link did not give the layout of the "
                f"first ({'; '.join(problems)})"
            )


# ---- Linking -----------------------------------------------------------------------------


def _write_linker_script(
    board: Board,
    path: Path,
    flash: tuple[int, int],
    layouts: Sequence[PartitionLayout] = (),
    userspace: bool = False,
    null_guard: int = 0,
    iterable: Sequence[str] = (),
    additions: LinkerAdditions | None = None,
) -> Path:
    """The board's linker script; the application's code goes into `flash` (origin,
    length), after whatever part of the null-pointer guard falls inside it."""
    script = LINKER_TEMPLATE.read_text()
    origin, length = flash
    code_offset = max(0, board.flash.base + null_guard - origin)
    for key, value in (
        ("NULL_GUARD_SIZE", code_offset),
        ("FLASH_BASE", origin), ("FLASH_SIZE", length),
        ("RAM_BASE", board.sram.base), ("RAM_SIZE", board.sram.size),
    ):
        script = script.replace(f"@{key}@", f"{value:#x}")
    # Largest alignment first: MPU-aligned stacks then pack without padding between them.
    sorted_noinit = "\t\t*(SORT_BY_ALIGNMENT(.noinit.*))" if userspace else ""
    for key, text in (
        ("APP_SMEM_BSS_ZERO", bss_zero_table(layouts)),
        ("APP_SMEM_PARTITIONS", partition_sections(layouts)),
        ("NOINIT_SORTED", sorted_noinit),
        ("LIBC_TLS_WITHOUT_USERSPACE", "" if userspace else "\n\t\t".join(LIBC_TLS_BLOCK)),
        ("STATIC_OBJECT_SECTIONS", generate.static_object_sections()),
        ("ITERABLE_SECTIONS", iterable_sections(iterable, additions=additions)),
        ("RAM_ITERABLE_SECTIONS", iterable_sections(iterable, ram=True, additions=additions)),
        *((f"LINKER_{location}", (additions or LinkerAdditions()).texts.get(location, ""))
          for location in LOCATIONS),
    ):
        # A placeholder is a line of its own: without user mode the line goes away.
        script = script.replace(f"@{key}@\n", f"{text.rstrip()}\n" if text else "")
    path.write_text(script)
    return path


def null_guard_size(config: Config, board: Board) -> int:
    """Bytes at the start of flash kept free for the null-pointer guard (0: none)."""
    if not config.is_enabled("NULL_POINTER_EXCEPTION_DETECTION_MPU"):
        return 0
    size = config.get_int("CORTEX_M_NULL_POINTER_EXCEPTION_PAGE_SIZE")
    mpu = mpu_for(board.mpu_model, board.mpu_regions)
    if not mpu.is_expressible(board.flash.base, size):
        raise BuildError(
            f"CONFIG_CORTEX_M_NULL_POINTER_EXCEPTION_PAGE_SIZE={size:#x} is not an MPU region "
            f"for {board.name} ({mpu.SIZE_RULE})"
        )
    return size


def hardening_flags(config: Config) -> list[str]:
    """Compiler options the hardening configuration asks for (Zephyr's choices)."""
    if not config.is_enabled("STACK_CANARIES"):
        return ["-fno-stack-protector"]
    if config.is_enabled("STACK_CANARIES_ALL"):
        return ["-fstack-protector-all"]
    if config.is_enabled("STACK_CANARIES_STRONG"):
        return ["-fstack-protector-strong"]
    return ["-fstack-protector"]


def warning_flags(config: Config) -> list[str]:
    """CONFIG_COMPILER_WARNINGS_AS_ERRORS turns every warning into an error, and
    CONFIG_MISRA_SANE a variable-length array, as in Zephyr."""
    flags = ["-Werror"] if config.is_enabled("COMPILER_WARNINGS_AS_ERRORS") else []
    if config.is_enabled("MISRA_SANE"):
        flags.append("-Werror=vla")
    return flags


def _cpu_flags(board: Board) -> list[str]:
    return [f"-mcpu={board.gcc_cpu}", "-mthumb", f"-mfloat-abi={board.float_abi}"]


def _keep_symbols(config: Config) -> list[str]:
    """Symbols the kernel looks up by name, which no C code refers to."""
    symbols = list(RUNTIME_SYMBOLS)
    for option, names in OPTION_SYMBOLS.items():
        if config.is_enabled(option):
            symbols += names
    if config.is_enabled("USERSPACE"):
        symbols += USERSPACE_SYMBOLS
    if system_heap_size(config) > 0:
        symbols += HEAP_SYMBOLS
    floats = config.is_enabled("CBPRINTF_FP_SUPPORT") or config.is_enabled(
        "NEWLIB_LIBC_FLOAT_PRINTF")
    if floats and config.is_enabled("NEWLIB_LIBC"):
        symbols.append("_printf_float")  # newlib-nano's floating-point printf
    return [f"-Wl,--undefined={symbol}" for symbol in symbols]


def uses_picolibc(config: Config) -> bool:
    """CONFIG_PICOLIBC, or CONFIG_MINIMAL_LIBC, which links picolibc in place of Zephyr's
    own minimal C library."""
    return config.is_enabled("PICOLIBC") or config.is_enabled("MINIMAL_LIBC")


def libc_specs(cc: str, config: Config) -> str:
    """The GCC specs that pick the C library: its headers, archives and TLS model."""
    if not uses_picolibc(config):
        return "--specs=nano.specs"
    found = subprocess.run([cc, "-print-file-name=picolibc.specs"], capture_output=True,
                           text=True, check=False).stdout.strip()
    if not Path(found).is_absolute():
        choice = "CONFIG_PICOLIBC" if config.is_enabled("PICOLIBC") else "CONFIG_MINIMAL_LIBC"
        raise BuildError(f"{choice} links picolibc, which is not installed (the Debian "
                         "package picolibc-arm-none-eabi; `make toolchain` installs it)")
    if config.get_int("COMMON_LIBC_MALLOC_ARENA_SIZE") < 0 and config.is_enabled("USERSPACE"):
        raise BuildError("CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE=-1 (the RAM after everything "
                         "else) is not possible with CONFIG_USERSPACE: the arena must be in "
                         "the C library's partition; give its size in bytes")
    return "--specs=picolibc.specs"


def _link(
    cc: str, board: Board, script: Path, objects: Sequence[str], keep: Sequence[str],
    elf: Path, specs: str,
) -> Path:
    _run_tool(
        [
            cc, *_cpu_flags(board), "-nostartfiles", specs,
            # -n: segments start where their first section does, not on a page with the
            # ELF headers in it, so the loadable bytes are exactly levante.bin's.
            f"-T{script}", "-Wl,--gc-sections", "-Wl,-n",
            f"-Wl,-Map={elf.with_suffix('.map')}", *keep, *objects,
            # The maths library too, as Zephyr's newlib builds link it (sqrtf, ...).
            "-Wl,--start-group", "-lc", "-lm", "-lgcc", "-Wl,--end-group", "-o", str(elf),
        ],
        "linking",
    )
    return elf


def _link_with_partitions(
    cc: str, board: Board, build_dir: Path, objects: Sequence[str], keep: Sequence[str],
    names: Sequence[str], flash: tuple[int, int], null_guard: int, iterable: Sequence[str],
    specs: str, additions: LinkerAdditions,
) -> Path:
    """Measure the partitions with a first link, then relink with their final layout."""
    measuring = [PartitionLayout(name) for name in names]
    script = _write_linker_script(board, build_dir / MEASURE_SCRIPT, flash, measuring, True,
                                  null_guard, iterable, additions)
    # Its own output, so that a failed second link leaves no runnable levante.elf behind.
    probe = _link(cc, board, script, objects, keep, build_dir / "levante_measure.elf", specs)
    measured = _linked_partitions(probe, names)
    probe.unlink()
    probe.with_suffix(".map").unlink(missing_ok=True)
    layouts = []
    for name in names:
        size, align = mpu_region_layout(board, measured[name].size)
        layouts.append(PartitionLayout(name, align, size))
    # Largest alignment first: on ARMv7-M the power-of-two blocks then follow one another
    # without padding.
    layouts.sort(key=lambda layout: (-layout.align, -(layout.size or 0), layout.name))
    script = _write_linker_script(board, build_dir / "levante.ld", flash, layouts, True,
                                  null_guard, iterable, additions)
    elf = _link(cc, board, script, objects, keep, build_dir / "levante.elf", specs)
    _check_partitions(board, layouts, _linked_partitions(elf, names))
    return elf


def compile_and_link(app_dir: Path, build_dir: Path, board: Board, config: Config,
                     cmake_definitions: Mapping[str, str] | None = None) -> tuple[Path, str]:
    """Compile the application and the runtime, link levante.elf; return its path and
    the compiler's warnings.  An application with a CMakeLists.txt is built by CMake and
    Ninja (cmake_app.py); one without has its src/*.c compiled here."""
    cc = _tool_path(CC)
    # Absolute: CMake's build runs the compiler from its own folder.
    app_dir, build_dir = app_dir.resolve(), build_dir.resolve()
    generated_include = _write_generated_headers(build_dir, board, config)
    tree = build_app_devicetree(app_dir, build_dir, board, cmake_definitions or {})
    devices_source = _write_devicetree_files(tree, config, build_dir,
                                             generated_include / "generated")
    autoconf = generated_include / "generated" / "autoconf.h"
    specs = libc_specs(cc, config)
    flags = [
        *_cpu_flags(board), specs, *_COMMON_FLAGS, *hardening_flags(config), *warning_flags(config),
        # The joined form: CMake merges repeated options, and would drop one "-imacros".
        f"--imacros={INCLUDE_DIR / 'levante' / 'toolchain_types.h'}", f"--imacros={autoconf}",
        f"-I{INCLUDE_DIR}", f"-I{generated_include}", f"-I{DTS_INCLUDE_DIR}",
        f"-I{app_dir / 'include'}",
        # The system heap's settled size (HEAP_MEM_POOL_SIZE or the subsystems' sum), as
        # Zephyr's build defines it: <zephyr/kernel.h> and the runtime size the heap by it.
        f"-DK_HEAP_MEM_POOL_SIZE={system_heap_size(config)}",
    ]
    objects_dir = build_dir / "obj"
    objects_dir.mkdir(parents=True, exist_ok=True)
    objects: list[Path] = []
    additions = LinkerAdditions()  # zephyr_linker_sources / zephyr_iterable_section
    warnings: list[str] = list(tree.warnings)
    sources = [*sorted(RUNTIME_DIR.glob("*.c")), devices_source]
    drivers_table = write_app_drivers(app_dir, generated_include / "generated" / "levante",
                                      build_dir / DEVICETREE_DIR)
    if drivers_table is not None:
        sources.append(drivers_table)
    if config.is_enabled("APPLICATION_DEFINED_SYSCALL"):
        table = write_app_syscalls(app_dir, generated_include, build_dir / DEVICETREE_DIR)
        if table is not None:
            sources.append(table)
    if cmake_app.has_cmake_project(app_dir):
        built, app_warnings = cmake_app.build_objects(app_dir, build_dir, board, config, cc,
                                                      flags, cmake_definitions or {})
        objects += built
        warnings += app_warnings.splitlines()
        additions = preprocess(
            read_additions(build_dir / cmake_app.CMAKE_BUILD_DIR / cmake_app.LINKER_FILE, config),
            cc, [f"-imacros{autoconf}", f"-I{INCLUDE_DIR}", f"-I{app_dir}"])
    else:
        sources = [*application_sources(app_dir), *sources]
    compiled = [objects_dir / f"{index:03d}_{source.stem}.o"
                for index, source in enumerate(sources)]
    outputs = run_in_parallel(_run_tool, [
        ([cc, *flags, "-c", str(source), "-o", str(obj)], f"compiling {source.name}")
        for source, obj in zip(sources, compiled, strict=True)])
    for output in outputs:
        warnings += [line for line in output.splitlines() if "warning:" in line]
    objects += compiled
    keep = _keep_symbols(config)
    inputs = [str(obj) for obj in objects]
    null_guard = null_guard_size(config, board)
    flash = application_flash(config, board)
    iterable = iterable_types(objects, config, additions)
    if not config.is_enabled("USERSPACE"):
        # As Zephyr: without user mode K_APP_DMEM/K_APP_BMEM place nothing.
        (build_dir / MEASURE_SCRIPT).unlink(missing_ok=True)  # from an earlier configuration
        script = _write_linker_script(board, build_dir / "levante.ld", flash,
                                      null_guard=null_guard, iterable=iterable,
                                      additions=additions)
        return _link(cc, board, script, inputs, keep, build_dir / "levante.elf", specs), \
            "\n".join(warnings)
    names = sorted({*partition_names(objects), LIBC_PARTITION})
    return _link_with_partitions(cc, board, build_dir, inputs, keep, names, flash,
                                 null_guard, iterable, specs, additions), "\n".join(warnings)


COMMAND_LINE_FRAGMENT = "levante_command_line.conf"  # the -DCONFIG_... assignments


def configure_build(app_dir: Path, build_dir: Path, board: Board,
                    extra_fragments: Sequence[Path] = (),
                    definitions: Definitions | None = None,
                    warn: Callable[[str], None] | None = None) -> Config:
    """The configuration step of `build`: .config and autoconf.h in `build_dir` from the
    board, prj.conf (or CONF_FILE), `extra_fragments`, EXTRA_CONF_FILE and the command
    line's CONFIG_ assignments, in that order."""
    definitions = definitions or Definitions()
    if not definitions.conf_files and not (app_dir / "prj.conf").is_file():
        raise BuildError(f"{app_dir}: not an application (no prj.conf)")
    cmake_only = [name for name in definitions.cmake if name not in DEVICETREE_VARIABLES]
    if cmake_only and not cmake_app.has_cmake_project(app_dir):
        name = cmake_only[0]
        raise BuildError(f"-D {name}: {app_dir} has no CMakeLists.txt to define it for")
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise BuildError(f"{build_dir}: cannot create the build folder: {reason}") from None
    fragments = [*extra_fragments, *definitions.extra_conf_files]
    command_line = build_dir / COMMAND_LINE_FRAGMENT
    command_line.unlink(missing_ok=True)
    if definitions.kconfig:
        command_line.write_text(definitions.fragment_text)
        fragments.append(command_line)
    return configure(app_dir, board, build_dir, fragments, warn, definitions.conf_files)


def build(app_dir: Path, build_dir: Path, board: Board,
          extra_fragments: Sequence[Path] = (),
          definitions: Definitions | None = None) -> BuildResult:
    """Configure, compile and link; raise BuildError/ConfigError with a one-line message.
    `extra_fragments` are Kconfig fragments merged after prj.conf, in order;
    `definitions` are the command line's (defines.py), merged last."""
    definitions = definitions or Definitions()
    config_warnings: list[str] = []
    config = configure_build(app_dir, build_dir, board, extra_fragments, definitions,
                             config_warnings.append)
    heap_warning = heap_size_warning(config)
    if heap_warning is not None:
        config_warnings.append(heap_warning)
    build_policy(app_dir, build_dir)  # before the compiler: a bad policy fails fast
    build_interfaces(app_dir, build_dir)  # the C code includes what it generates
    build_domains(app_dir, build_dir)
    elf, warnings = compile_and_link(app_dir, build_dir, board, config, definitions.cmake)
    elf = build_dir / elf.name  # as the caller named the folder
    warnings = "\n".join([*config_warnings, *warnings.splitlines()])
    binary = build_dir / "levante.bin"
    _run_tool([_tool_path(OBJCOPY), "-O", "binary", str(elf), str(binary)], "objcopy")
    (build_dir / SIGNED_IMAGE).unlink(missing_ok=True)  # never keep an earlier build's
    if not uses_mcuboot(config):
        return BuildResult(build_dir, elf, binary, config, warnings=warnings)
    _check_binary_origin(elf, application_flash(config, board)[0])
    signed, signing = sign_build(build_dir, binary, config, board, app_dir)
    return BuildResult(build_dir, elf, binary, config, signed, signing, warnings)


def _check_binary_origin(elf: Path, origin: int) -> None:
    """levante.bin starts at the lowest load address: for a signed image that must be
    the slot's load address, or the image would run at the wrong place."""
    with elf.open("rb") as stream:
        lowest = min(segment["p_paddr"] for segment in ELFFile(stream).iter_segments()
                     if segment["p_type"] == "PT_LOAD" and segment["p_filesz"])
    if lowest != origin:
        raise BuildError(f"{elf}: the image starts at {lowest:#x}, not at the primary "
                         f"slot's load address {origin:#x}")
