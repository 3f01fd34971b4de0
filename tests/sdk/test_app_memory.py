"""Application memory partitions, stack objects and user-mode records in built images.

A small application with CONFIG_USERSPACE=y is built for both boards through the CLI; the
checks read its ELF: every partition struct describes a legal MPU region of the board
(ARMv7-M: power-of-two size >= 32 aligned to its size; ARMv8-M: multiples of 32) that
holds its globals, the BSS table the kernel zeroes at boot covers exactly the BSS parts,
the C library's globals are in their own partition, stacks are sized and aligned for the
MPU, and K_THREAD_ACCESS_GRANT leaves the record the kernel applies.  The k_thread field
offsets are checked by static assertions compiled into the application.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from elftools.elf.elffile import ELFFile

from conftest import Builder
from levante.abi import BSS_ZERO_SECTION, FIELD_OFFSETS, PARTITION_ATTRIBUTES, STRUCT_SIZES
from levante.config import load_board
from levante.errors import BuildError
from levante.sdk import build

BOARDS = ("lv_m4", "lv_m33")
P_RW_U_RW = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RW_U_RW"]
P_RW_U_RO = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RW_U_RO"]
PRIVILEGED_STACK_SIZE = 1100  # rounded up to 1120 by the runtime
MAX_THREAD_BYTES = 2
HEAP_MEM_POOL_SIZE = 4096

PRJ_CONF = f"""\
CONFIG_USERSPACE=y
CONFIG_DYNAMIC_OBJECTS=y
CONFIG_PRIVILEGED_STACK_SIZE={PRIVILEGED_STACK_SIZE}
CONFIG_MAX_THREAD_BYTES={MAX_THREAD_BYTES}
CONFIG_HEAP_MEM_POOL_SIZE={HEAP_MEM_POOL_SIZE}
"""

# The k_thread layout the kernel writes to, checked by the compiler.
THREAD_ASSERTS = "\n".join(
    f"BUILD_ASSERT(offsetof(struct k_thread, {member}) == {FIELD_OFFSETS[field]});"
    for field, member in (
        ("k_thread.priv_stack_start", "arch.priv_stack_start"),
        ("k_thread.stack_info_start", "stack_info.start"),
        ("k_thread.stack_info_size", "stack_info.size"),
        ("k_thread.name", "name"),
    )
) + f"\nBUILD_ASSERT(sizeof(struct k_thread) == {STRUCT_SIZES['k_thread']});\n"

MAIN_C = """\
/* Partitions, stacks and grants for test_app_memory.py. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

K_APPMEM_PARTITION_DEFINE(part_a);
K_APPMEM_PARTITION_DEFINE(part_b);

/* Odd sizes: the partition must still come out as one legal MPU region. */
K_APP_DMEM(part_a) char a_data[100] = { 0x5a, 0xa5, 0x3c };
K_APP_BMEM(part_a) char a_bss[300];
K_APP_BMEM(part_b) int b_counter;

static char __aligned(256) raw_buf[256];
K_MEM_PARTITION_DEFINE(raw_part, raw_buf, sizeof(raw_buf), K_MEM_PARTITION_P_RW_U_RO);

K_SEM_DEFINE(sem, 0, 1);
K_THREAD_STACK_DEFINE(user_stack, 600);
K_THREAD_STACK_ARRAY_DEFINE(user_stacks, 2, 300);
K_KERNEL_STACK_DEFINE(kstack, 600);
struct k_thread user_thread;
void *volatile block;

static void worker(void *p1, void *p2, void *p3)
{
	b_counter++;
	a_bss[3] = a_data[0];
	errno = 0;
	k_sem_give(&sem);
}
K_THREAD_DEFINE(worker_tid, 500, worker, NULL, NULL, NULL, 5, K_USER, 0);

@THREAD_ASSERTS@

int main(void)
{
	struct k_mem_partition *parts[] = { &part_a, &part_b, &raw_part };
	static struct k_mem_domain domain;

	k_mem_domain_init(&domain, ARRAY_SIZE(parts), parts);
	k_thread_access_grant(&user_thread, &sem, user_stack, user_stacks[1]);
	block = malloc(16); /* links newlib-nano's malloc state and the runtime's _sbrk */
	printk("%d %p %p\\n", k_is_user_context(), (void *)kstack, (void *)user_stack);
	printk("%p\\n", (void *)user_stacks[0]);
	return 0;
}
"""

# In another file than the K_THREAD_DEFINE, as Zephyr allows.
GRANT_C = """\
/* K_THREAD_ACCESS_GRANT away from its K_THREAD_DEFINE. */
#include <zephyr/kernel.h>

extern struct k_sem sem;
K_THREAD_STACK_EXTERN(user_stack);
K_THREAD_ACCESS_GRANT(worker_tid, &sem, user_stack);
"""

# Without user mode the same macros must place nothing anywhere special.
PLAIN_C = """\
/* K_APP_DMEM / K_APP_BMEM without CONFIG_USERSPACE: ordinary globals. */
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

K_APPMEM_PARTITION_DEFINE(part_a);
K_APP_DMEM(part_a) int plain_data = 7;
K_APP_BMEM(part_a) int plain_bss;
K_THREAD_STACK_DEFINE(user_stack, 600);

int main(void)
{
	plain_bss += plain_data;
	printk("%d %p\\n", plain_bss, (void *)user_stack);
	return 0;
}
"""

# A user thread uses its partition and the C library; main() adds the partition to the
# default domain unless ADD_PARTITION is 0.
RUN_C = """\
/* A user thread on partition data and newlib's errno. */
#include <errno.h>
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

K_APPMEM_PARTITION_DEFINE(part_a);
K_APP_DMEM(part_a) char a_data[100] = { 7 };
K_APP_BMEM(part_a) char a_bss[300];
K_SEM_DEFINE(done, 0, 1);

static void worker(void *p1, void *p2, void *p3)
{
	int user = k_is_user_context();

	printk("worker: user %d, a_data %d, a_bss %d\\n", user, a_data[0], a_bss[5]);
	a_bss[5] = 9;
	errno = 3;
	printk("worker: errno %d\\n", errno);
	k_sem_give(&done);
}
K_THREAD_DEFINE(worker_tid, 1024, worker, NULL, NULL, NULL, 5, K_USER, 0);
K_THREAD_ACCESS_GRANT(worker_tid, &done);

int main(void)
{
	printk("main: user %d\\n", k_is_user_context());
	if (ADD_PARTITION) {
		k_mem_domain_add_partition(&k_mem_domain_default, &part_a);
	}
	k_sem_take(&done, K_FOREVER);
	printk("main: a_bss %d\\n", a_bss[5]);
	return 0;
}
"""


@dataclass(frozen=True)
class Image:
    """What the tests read from a linked levante.elf."""

    symbols: dict[str, tuple[int, int]]  # name -> (address, size)
    sections: dict[str, tuple[int, int, int, bytes]]  # name -> (address, size, align, data)
    element_types: dict[str, str]  # array variable -> the struct its elements are

    def address(self, name: str) -> int:
        return self.symbols[name][0]

    def read(self, address: int, size: int) -> bytes:
        """Bytes of a loaded section at run address `address` (initial values)."""
        for start, length, _, data in self.sections.values():
            if data and start <= address and address + size <= start + length:
                return data[address - start: address - start + size]
        raise AssertionError(f"{address:#x}: not in a section with contents")

    def words(self, address: int, count: int) -> tuple[int, ...]:
        return struct.unpack(f"<{count}I", self.read(address, 4 * count))


# What may stand between an array variable and its element struct.
_ARRAY_LINKS = ("DW_TAG_variable", "DW_TAG_array_type", "DW_TAG_typedef", "DW_TAG_const_type",
                "DW_TAG_volatile_type")


def _element_struct(die: Any) -> str | None:
    """The struct an array variable's elements are (through nested arrays), or None."""
    is_array = False
    while die.tag in _ARRAY_LINKS and "DW_AT_type" in die.attributes:
        is_array = is_array or die.tag == "DW_TAG_array_type"
        die = die.get_DIE_from_attribute("DW_AT_type")
    if not is_array or die.tag != "DW_TAG_structure_type" or "DW_AT_name" not in die.attributes:
        return None
    name: bytes = die.attributes["DW_AT_name"].value
    return name.decode()


def _variables(elf: ELFFile) -> Iterator[Any]:
    for unit in elf.get_dwarf_info().iter_CUs():
        for die in unit.iter_DIEs():
            if die.tag == "DW_TAG_variable" and "DW_AT_name" in die.attributes \
                    and "DW_AT_type" in die.attributes:
                yield die


def load_image(build_dir: Path) -> Image:
    with (build_dir / "levante.elf").open("rb") as stream:
        elf = ELFFile(stream)
        symbols = {
            symbol.name: (symbol["st_value"], symbol["st_size"])
            for symbol in elf.get_section_by_name(".symtab").iter_symbols()
            if symbol.name
        }
        sections = {
            section.name: (
                section["sh_addr"], section["sh_size"], section["sh_addralign"],
                section.data() if section["sh_type"] == "SHT_PROGBITS" else b"",
            )
            for section in elf.iter_sections()
            if section["sh_flags"] & 2  # SHF_ALLOC
        }
        element_types: dict[str, str] = {}
        for die in _variables(elf):
            kind = _element_struct(die)
            if kind is not None:
                element_types[die.attributes["DW_AT_name"].value.decode()] = kind
    return Image(symbols, sections, element_types)


def mpu_legal(board: str, start: int, size: int) -> bool:
    """The board's MPU rule for one region, stated independently of the build's code."""
    if board == "lv_m4":
        return size >= 32 and size & (size - 1) == 0 and start % size == 0
    return size >= 32 and size % 32 == 0 and start % 32 == 0


def smallest_legal_size(board: str, contents: int) -> int:
    size = 32
    if board == "lv_m4":
        while size < contents:
            size *= 2
        return size
    while size < contents:
        size += 32
    return size


def write_app(root: Path, files: dict[str, str], conf: str) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "prj.conf").write_text(conf)
    for name, text in files.items():
        (root / "src" / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def userspace_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    main = MAIN_C.replace("@THREAD_ASSERTS@", THREAD_ASSERTS)
    return write_app(tmp_path_factory.mktemp("app_memory") / "userspace",
                     {"main.c": main, "grant.c": GRANT_C}, PRJ_CONF)


@pytest.fixture(scope="module", params=BOARDS)
def built(request: pytest.FixtureRequest, builder: Builder,
          userspace_app: Path) -> tuple[str, Image]:
    board: str = request.param
    return board, load_image(builder.build(userspace_app, board))


def partition(image: Image, name: str) -> tuple[int, int, int]:
    """(start, size, attr) of the struct k_mem_partition called `name`, as initialised."""
    start, size, attr = image.words(image.address(name), 3)
    return start, size, attr


def contains(region: tuple[int, int], image: Image, variable: str) -> bool:
    address, size = image.symbols[variable]
    return region[0] <= address and address + size <= region[0] + region[1]


# ---- Partitions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["part_a", "part_b", "z_libc_partition"])
def test_partition_structs_describe_legal_mpu_regions(built: tuple[str, Image], name: str) -> None:
    board, image = built
    start, size, attr = partition(image, name)
    assert attr == P_RW_U_RW
    assert start == image.address(f"z_data_smem_{name}_part_start")
    assert size == image.address(f"z_data_smem_{name}_part_size")
    assert mpu_legal(board, start, size), f"{name}: {start:#x}+{size:#x} on {board}"
    # No bigger than needed: the smallest legal region for what the partition holds.
    contents = image.address(f"z_data_smem_{name}_bss_end") - start
    assert size == smallest_legal_size(board, contents)
    # The struct itself is kernel memory, outside every partition.
    assert not contains((start, size), image, name)


def test_partitions_hold_their_variables_and_initial_values(built: tuple[str, Image]) -> None:
    board, image = built
    part_a = partition(image, "part_a")[:2]
    part_b = partition(image, "part_b")[:2]
    assert contains(part_a, image, "a_data") and contains(part_a, image, "a_bss")
    assert contains(part_b, image, "b_counter")
    assert not contains(part_a, image, "b_counter")
    assert image.read(image.address("a_data"), 3) == bytes([0x5A, 0xA5, 0x3C])
    # Initialised data first, then BSS.
    assert image.address("a_data") < image.address("z_data_smem_part_a_bss_start") \
        <= image.address("a_bss")
    # 100 + 300 bytes cannot fit in less than 512 (ARMv7-M) or 416 (ARMv8-M).
    assert part_a[1] == (512 if board == "lv_m4" else 416)


def test_partitions_do_not_overlap_each_other_or_kernel_memory(built: tuple[str, Image]) -> None:
    _, image = built
    regions = [partition(image, name)[:2] for name in ("part_a", "part_b", "z_libc_partition")]
    regions += [(address, size) for name, (address, size, _, _) in image.sections.items()
                if name in (".data", ".bss", ".noinit", "._k_sem")]
    regions.sort()
    for (start, size), (next_start, _) in zip(regions, regions[1:], strict=False):
        assert start + size <= next_start, f"{start:#x}+{size:#x} overlaps {next_start:#x}"


def test_bss_zero_table_covers_exactly_the_bss_parts(built: tuple[str, Image]) -> None:
    _, image = built
    address, size, _, data = image.sections[BSS_ZERO_SECTION]
    assert address < 0x2000_0000, "the table belongs in flash"
    entries = set(struct.iter_unpack("<II", data))
    expected = {
        (image.address(f"z_data_smem_{name}_bss_start"),
         image.address(f"z_data_smem_{name}_bss_end")
         - image.address(f"z_data_smem_{name}_bss_start"))
        for name in ("part_a", "part_b", "z_libc_partition")
    }
    assert entries == expected and size == 8 * len(expected)

    def zeroed(variable: str) -> bool:
        return any(contains(entry, image, variable) for entry in entries)

    assert zeroed("a_bss") and zeroed("b_counter") and zeroed("__malloc_free_list")
    assert not zeroed("a_data") and not zeroed("_impure_ptr")


def test_the_c_library_has_its_own_partition(built: tuple[str, Image]) -> None:
    _, image = built
    libc = partition(image, "z_libc_partition")[:2]
    assert contains(libc, image, "_impure_ptr")
    (impure_data,) = image.words(image.address("_impure_ptr"), 1)
    assert libc[0] <= impure_data < libc[0] + libc[1]
    assert contains(libc, image, "__malloc_free_list")  # newlib-nano's BSS
    # The runtime's heap pointer (libc_glue.c) and the kernel's records stay outside.
    for kernel_variable in ("heap_top", "part_a", "k_mem_domain_default", "sem"):
        assert not contains(libc, image, kernel_variable), kernel_variable


def test_k_mem_partition_define(built: tuple[str, Image]) -> None:
    _, image = built
    assert partition(image, "raw_part") == (image.address("raw_buf"), 256, P_RW_U_RO)


# ---- Stacks and kernel memory ---------------------------------------------------------------


@pytest.mark.parametrize(("stack", "requested", "count"), [
    ("user_stack", 600, 1),
    ("user_stacks", 300, 2),
    ("_k_thread_stack_worker_tid", 500, 1),
])
def test_user_stacks_are_mpu_regions(built: tuple[str, Image], stack: str, requested: int,
                                     count: int) -> None:
    board, image = built
    address, size = image.symbols[stack]
    element = smallest_legal_size(board, requested)
    assert size == count * element
    for index in range(count):
        assert mpu_legal(board, address + index * element, element)
    assert image.element_types[stack] == "z_thread_stack_element"


def test_main_stack_is_a_user_stack_and_the_interrupt_stack_is_not(
        built: tuple[str, Image]) -> None:
    board, image = built
    address, size = image.symbols["z_main_stack"]
    assert mpu_legal(board, address, size)
    assert image.element_types["z_main_stack"] == "z_thread_stack_element"
    assert image.element_types["z_interrupt_stack"] == "z_kernel_stack_element"


def test_kernel_stacks_keep_their_size(built: tuple[str, Image]) -> None:
    _, image = built
    address, size = image.symbols["kstack"]
    assert size == 600 and address % 8 == 0
    assert image.element_types["kstack"] == "z_kernel_stack_element"


def test_user_mode_kernel_memory(built: tuple[str, Image]) -> None:
    _, image = built
    address, size = image.symbols["z_priv_stacks"]
    assert address % 32 == 0
    assert size == 8 * MAX_THREAD_BYTES * 1120
    assert "z_priv_stacks" not in image.element_types  # plain char: not a stack object
    address, size = image.symbols["z_kernel_pool"]
    assert address % 1024 == 0 and size == HEAP_MEM_POOL_SIZE
    assert image.symbols["k_mem_domain_default"][1] == STRUCT_SIZES["k_mem_domain"]
    noinit = image.sections[".noinit"]
    for name in ("z_priv_stacks", "z_kernel_pool", "user_stack"):
        assert contains(noinit[:2], image, name), name


def test_thread_access_grant_record(built: tuple[str, Image]) -> None:
    _, image = built
    address, size, _, data = image.sections["._k_object_assignment"]
    assert size == STRUCT_SIZES["k_object_assignment"]
    thread, objects = struct.unpack("<II", data)
    assert thread == image.address("_k_thread_obj_worker_tid")
    assert objects < 0x2000_0000, "the object list belongs in flash"
    assert image.words(objects, 3) == (image.address("sem"), image.address("user_stack"), 0)


# ---- Without user mode --------------------------------------------------------------------


def test_without_userspace_there_are_no_partitions(
        builder: Builder, tmp_path_factory: pytest.TempPathFactory) -> None:
    app = write_app(tmp_path_factory.mktemp("app_memory") / "plain", {"main.c": PLAIN_C},
                    "CONFIG_PRINTK=y\n")
    build_dir = builder.build(app, "lv_m4")
    image = load_image(build_dir)
    assert not [name for name in image.sections
                if "smem" in name or name == BSS_ZERO_SECTION]
    assert not [name for name in image.symbols if "smem" in name]
    assert "z_libc_partition" not in image.symbols
    assert contains(image.sections[".data"][:2], image, "plain_data")
    assert contains(image.sections[".bss"][:2], image, "plain_bss")
    address, size = image.symbols["user_stack"]
    assert size == 600 and address % 8 == 0
    script = (build_dir / "levante.ld").read_text()
    assert "@" not in script.split("*/", 1)[1], "a placeholder was left in the linker script"
    assert not (build_dir / "levante_measure.ld").exists()


# ---- The layout rules and the second link's check -------------------------------------------


@pytest.mark.parametrize(("board", "contents", "expected"), [
    ("lv_m4", 0, (32, 32)), ("lv_m4", 32, (32, 32)), ("lv_m4", 33, (64, 64)),
    ("lv_m4", 401, (512, 512)), ("lv_m4", 4096, (4096, 4096)),
    ("lv_m33", 0, (32, 32)), ("lv_m33", 33, (64, 32)), ("lv_m33", 401, (416, 32)),
])
def test_mpu_region_layout(board: str, contents: int, expected: tuple[int, int]) -> None:
    assert build.mpu_region_layout(load_board(board), contents) == expected


def test_a_relink_that_moved_a_partition_is_an_error() -> None:
    board = load_board("lv_m4")
    layout = build.PartitionLayout("part_a", 512, 512)
    good = build._LinkedPartition(address=0x2000_0000, size=512, part_start=0x2000_0000,
                                  part_size=512, bss_start=0x2000_0064, bss_end=0x2000_0190)
    build._check_partitions(board, [layout], {"part_a": good})
    for bad in (
        good.__class__(**{**good.__dict__, "size": 1024}),
        good.__class__(**{**good.__dict__, "address": 0x2000_0100, "part_start": 0x2000_0100}),
        good.__class__(**{**good.__dict__, "bss_end": 0x2000_0300}),
    ):
        with pytest.raises(BuildError, match="partition part_a: the second link"):
            build._check_partitions(board, [layout], {"part_a": bad})


# ---- Running -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_apps(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    root = tmp_path_factory.mktemp("app_memory")
    return {
        added: write_app(root / f"run_{int(added)}",
                         {"main.c": f"#define ADD_PARTITION {int(added)}\n{RUN_C}"},
                         "CONFIG_USERSPACE=y\nCONFIG_PRINTK=y\n")
        for added in (True, False)
    }


@pytest.mark.parametrize("board", BOARDS)
def test_a_user_thread_uses_its_partition_and_the_c_library(
        builder: Builder, run_apps: dict[bool, Path], board: str) -> None:
    result = builder.run(run_apps[True], board=board)
    assert result.status == 0, result.errors
    assert result.output.splitlines()[1:] == [
        "main: user 0",
        "worker: user 1, a_data 7, a_bss 0",  # initial values, BSS zeroed
        "worker: errno 3",  # errno lives in the C library's partition
        "main: a_bss 9",
    ]


@pytest.mark.parametrize("board", BOARDS)
def test_a_user_thread_outside_its_partitions_faults(
        builder: Builder, run_apps: dict[bool, Path], board: str) -> None:
    result = builder.run(run_apps[False], board=board)
    assert result.status == 1
    assert "main: a_bss" not in result.output
    assert "worker: user 1" not in result.output
