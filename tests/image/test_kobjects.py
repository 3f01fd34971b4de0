"""Finding the kernel objects an image defines statically, from its DWARF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from conftest import Builder
from levante.abi import STRUCT_SIZES
from levante.image.elf import ElfImage, load_elf
from levante.image.kobjects import find_kernel_objects
from levante.image.layout import KernelObjectSymbol
from levante.sdk.build import CC, INCLUDE_DIR, OBJCOPY

STACK = "z_thread_stack_element"

APP_MAIN = """\
#include <zephyr/kernel.h>

K_SEM_DEFINE(defined_sem, 0, 1);
struct k_sem plain_sem;
struct k_mutex mutexes[3];

struct channel {
	int id;
	struct k_msgq queue;
	struct k_event events;
};
struct channel channel;
struct channel channels[2];

K_THREAD_STACK_DEFINE(stack, 512);
K_THREAD_STACK_ARRAY_DEFINE(stacks, 2, 256);

static void worker_entry(void *p1, void *p2, void *p3) { }
K_THREAD_DEFINE(worker, 384, worker_entry, NULL, NULL, NULL, 5, 0, 0);

static struct k_timer tick_timer;
extern struct k_sem shared_sem; /* defined in shared.c */
extern struct k_sem late_sem; /* defined below: its location sits on a second DIE */
struct k_sem late_sem;
extern struct k_sem missing_sem __attribute__((weak)); /* defined nowhere */
struct k_sem discarded_sem; /* never used: the linker drops it */
int counter;

void use_stacks(void);
static void *volatile sink;

int main(void)
{
	static struct k_sem local_sem;

	sink = &plain_sem;
	sink = mutexes;
	sink = &channel;
	sink = channels;
	sink = stack;
	sink = stacks;
	sink = &tick_timer;
	sink = &shared_sem;
	sink = &late_sem;
	sink = &missing_sem;
	sink = &local_sem;
	sink = &counter;
	use_stacks();
	return 0;
}
"""

APP_SHARED = """\
#include <zephyr/kernel.h>

struct k_sem shared_sem;
"""

# Without kernel.h, which may define these structures itself: a thread stack and a
# kernel-only stack side by side in one unit.
APP_KERNEL_STACK = """\
struct z_thread_stack_element {
	char data;
};
struct z_kernel_stack_element {
	char data;
};
struct z_thread_stack_element thread_stack[64];
struct z_kernel_stack_element kstack[64];

static void *volatile sink;

void use_stacks(void)
{
	sink = thread_stack;
	sink = kstack;
}
"""

APP_OBJECTS = {
    ("k_sem", "defined_sem"), ("k_sem", "plain_sem"), ("k_sem", "late_sem"),
    ("k_sem", "shared_sem"), ("k_sem", "local_sem"),
    ("k_mutex", "mutexes[0]"), ("k_mutex", "mutexes[1]"), ("k_mutex", "mutexes[2]"),
    ("k_msgq", "channel.queue"), ("k_event", "channel.events"),
    ("k_msgq", "channels[0].queue"), ("k_event", "channels[0].events"),
    ("k_msgq", "channels[1].queue"), ("k_event", "channels[1].events"),
    (STACK, "stack"), (STACK, "stacks[0]"), (STACK, "stacks[1]"),
    ("k_thread", "_k_thread_obj_worker"), (STACK, "_k_thread_stack_worker"),
    ("k_timer", "tick_timer"), (STACK, "thread_stack"),
}

# Whole variables: each object is exactly the symbol of the same name.
WHOLE_VARIABLES = (
    "defined_sem", "plain_sem", "late_sem", "shared_sem", "tick_timer", "stack",
    "_k_thread_obj_worker", "_k_thread_stack_worker", "thread_stack",
)

# Without kernel.h, so that any compiler flags can build it: the structures only need the
# names and sizes of the real ones.
STANDALONE = """\
struct k_sem { unsigned int words[4]; };
struct k_mutex { unsigned int words[4]; };
struct z_thread_stack_element { char data; };
struct z_kernel_stack_element { char data; };
struct holder {
	int id;
	struct k_mutex lock;
	struct { int flags; struct k_sem ready; };
};
typedef volatile struct k_sem sem_alias_t;
typedef struct z_thread_stack_element stack_row_t[32];

struct k_sem sem;
const sem_alias_t aliased_sem;
struct k_mutex mutexes[2];
struct holder holders[2];
struct z_thread_stack_element __attribute__((aligned(8))) stack[128];
struct z_thread_stack_element __attribute__((aligned(8))) stack_rows[2][64];
stack_row_t typed_rows[2];
struct z_kernel_stack_element kstack[64];
extern struct k_sem late;
struct k_sem late;
int counter;
void *volatile sink;

__attribute__((noinline)) struct k_sem *local(void)
{
	static struct k_sem local_sem;
	return &local_sem;
}

void _start(void)
{
	sink = local();
	sink = &late;
	sink = &sem;
	sink = (void *)&aliased_sem;
	sink = mutexes;
	sink = holders;
	sink = stack;
	sink = stack_rows;
	sink = typed_rows;
	sink = kstack;
	sink = &counter;
	for (;;) {
	}
}
"""

STANDALONE_OBJECTS = {
    ("k_sem", "sem"), ("k_sem", "aliased_sem"), ("k_sem", "late"), ("k_sem", "local_sem"),
    ("k_mutex", "mutexes[0]"), ("k_mutex", "mutexes[1]"),
    ("k_mutex", "holders[0].lock"), ("k_sem", "holders[0].ready"),
    ("k_mutex", "holders[1].lock"), ("k_sem", "holders[1].ready"),
    (STACK, "stack"), (STACK, "stack_rows[0]"), (STACK, "stack_rows[1]"),
    (STACK, "typed_rows[0]"), (STACK, "typed_rows[1]"),
}


def write_app(root: Path, sources: dict[str, str]) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "prj.conf").write_text("CONFIG_PRINTK=y\n")
    for name, text in sources.items():
        (root / "src" / name).write_text(text)
    return root


def build_image(builder: Builder, root: Path, sources: dict[str, str]) -> ElfImage:
    build_dir = builder.build(write_app(root, sources))
    return load_elf(build_dir / "levante.elf")


def kinds_and_names(objects: tuple[KernelObjectSymbol, ...]) -> set[tuple[str, str]]:
    return {(found.kind, found.name) for found in objects}


def by_name(image: ElfImage) -> dict[str, KernelObjectSymbol]:
    return {found.name: found for found in image.kernel_objects}


@pytest.fixture(scope="module")
def image(builder: Builder, tmp_path_factory: pytest.TempPathFactory) -> ElfImage:
    sources = {"main.c": APP_MAIN, "shared.c": APP_SHARED, "kstack.c": APP_KERNEL_STACK}
    return build_image(builder, tmp_path_factory.mktemp("kobjects") / "app", sources)


@pytest.fixture(scope="module")
def runtime_objects(builder: Builder, tmp_path_factory: pytest.TempPathFactory
                    ) -> set[tuple[str, str]]:
    """What the Levante C runtime defines itself, in every image (its main thread, ...)."""
    main = "#include <zephyr/kernel.h>\n\nint main(void)\n{\n\treturn 0;\n}\n"
    root = tmp_path_factory.mktemp("kobjects") / "empty"
    return kinds_and_names(build_image(builder, root, {"main.c": main}).kernel_objects)


def test_finds_exactly_the_objects_the_application_defines(
    image: ElfImage, runtime_objects: set[tuple[str, str]]
) -> None:
    found = kinds_and_names(image.kernel_objects)
    assert found - runtime_objects == APP_OBJECTS
    assert runtime_objects <= found


def test_each_object_is_reported_once_in_address_order(image: ElfImage) -> None:
    addresses = [found.address for found in image.kernel_objects]
    assert addresses == sorted(set(addresses))
    names = [found.name for found in image.kernel_objects]
    assert len(names) == len(set(names))  # shared_sem is declared in two units, defined once


def test_whole_variables_match_their_symbols(image: ElfImage) -> None:
    objects = by_name(image)
    for name in WHOLE_VARIABLES:
        assert objects[name].address == image.symbols[name].address, name
        assert objects[name].size == image.symbols[name].size, name
    local = [symbol for name, symbol in image.symbols.items() if name.startswith("local_sem.")]
    assert [objects["local_sem"].address] == [symbol.address for symbol in local]


def test_object_sizes_are_their_structures(image: ElfImage) -> None:
    for found in image.kernel_objects:
        if found.kind != STACK:
            assert found.size == STRUCT_SIZES[found.kind], found
    objects = by_name(image)
    assert (objects["stack"].size, objects["_k_thread_stack_worker"].size) == (512, 384)


def test_array_elements_are_one_object_each(image: ElfImage) -> None:
    objects = by_name(image)
    mutexes = image.symbols["mutexes"]
    size = STRUCT_SIZES["k_mutex"]
    assert [objects[f"mutexes[{i}]"].address for i in range(3)] == [
        mutexes.address + i * size for i in range(3)
    ]
    assert mutexes.size == 3 * size


def test_a_stack_array_is_one_stack_per_row(image: ElfImage) -> None:
    objects = by_name(image)
    stacks = image.symbols["stacks"]
    assert [(objects[f"stacks[{i}]"].address, objects[f"stacks[{i}]"].size) for i in (0, 1)] == [
        (stacks.address, 256), (stacks.address + 256, 256)
    ]
    assert stacks.size == 512


def test_struct_members_are_found_at_their_offsets(image: ElfImage) -> None:
    objects = by_name(image)
    # struct channel: int id at 0, the k_msgq at 4, the k_event right after it.
    queue_offset = 4
    events_offset = queue_offset + STRUCT_SIZES["k_msgq"]
    channel_size = image.symbols["channel"].size
    for variable, base in (
        ("channel", image.symbols["channel"].address),
        ("channels[0]", image.symbols["channels"].address),
        ("channels[1]", image.symbols["channels"].address + channel_size),
    ):
        assert objects[f"{variable}.queue"].address == base + queue_offset
        assert objects[f"{variable}.events"].address == base + events_offset


def test_declarations_discarded_variables_and_plain_data_are_not_objects(
    image: ElfImage,
) -> None:
    names = {found.name for found in image.kernel_objects}
    assert names.isdisjoint({"missing_sem", "discarded_sem", "counter", "kstack"})
    # The linker dropped discarded_sem, whose DWARF location it left at address 0.
    assert "discarded_sem" not in image.symbols
    assert all(found.address != 0 for found in image.kernel_objects)


def test_kernel_stack_elements_are_not_objects(image: ElfImage) -> None:
    kstack = image.symbols["kstack"]
    assert kstack.size == 64
    inside = range(kstack.address, kstack.address + kstack.size)
    assert [found for found in image.kernel_objects if found.address in inside] == []


def test_the_layout_carries_the_objects(image: ElfImage) -> None:
    with image.path.open("rb") as stream:
        direct = find_kernel_objects(ELFFile(stream))
    assert image.layout().kernel_objects == direct == image.kernel_objects
    assert len(direct) >= len(APP_OBJECTS)


def test_an_image_without_dwarf_has_no_objects(image: ElfImage, tmp_path: Path) -> None:
    stripped = tmp_path / "stripped.elf"
    subprocess.run([OBJCOPY, "--strip-debug", str(image.path), str(stripped)], check=True)
    with stripped.open("rb") as stream:
        assert find_kernel_objects(ELFFile(stream)) == ()
    assert load_elf(stripped).layout().kernel_objects == ()


@pytest.mark.skipif(
    "z_kernel_stack_element" not in (INCLUDE_DIR / "zephyr" / "kernel.h").read_text(),
    reason="kernel.h still defines kernel stacks as thread stacks",
)
def test_kernel_stacks_from_the_header_are_not_objects(
    builder: Builder, tmp_path_factory: pytest.TempPathFactory
) -> None:
    main = """\
#include <zephyr/kernel.h>

K_KERNEL_STACK_DEFINE(kernel_only, 256);
K_THREAD_STACK_DEFINE(user_capable, 256);
static void *volatile sink;

int main(void)
{
	sink = kernel_only;
	sink = user_capable;
	return 0;
}
"""
    root = tmp_path_factory.mktemp("kobjects") / "kernel_stacks"
    objects = by_name(build_image(builder, root, {"main.c": main}))
    assert "user_capable" in objects
    assert "kernel_only" not in objects


@pytest.mark.parametrize(
    "flags",
    [["-gdwarf-2"], ["-gdwarf-3"], ["-gdwarf-4"], ["-gdwarf-5"], ["-g", "-flto"]],
    ids=["dwarf2", "dwarf3", "dwarf4", "dwarf5", "lto"],
)
def test_every_dwarf_version_and_lto_give_the_same_objects(
    tmp_path: Path, flags: list[str]
) -> None:
    # DWARF 2/3 give member offsets as expressions; LTO puts the locations in a unit of
    # their own that names each variable through DW_AT_abstract_origin in another unit.
    source = tmp_path / "objects.c"
    source.write_text(STANDALONE)
    elf = tmp_path / "objects.elf"
    subprocess.run(
        [CC, "-mcpu=cortex-m4", "-mthumb", "-Os", *flags, "-nostdlib", "-Wl,-Ttext=0x0",
         "-Wl,-Tdata=0x20000000", "-Wl,--gc-sections", str(source), "-o", str(elf)],
        check=True, capture_output=True,
    )
    image = load_elf(elf)
    assert kinds_and_names(image.kernel_objects) == STANDALONE_OBJECTS
    objects = by_name(image)
    for name in ("sem", "aliased_sem", "late", "stack"):
        assert (objects[name].address, objects[name].size) == (
            image.symbols[name].address, image.symbols[name].size
        ), name
    holders = image.symbols["holders"]
    assert objects["holders[1].lock"].address == holders.address + holders.size // 2 + 4
    assert objects["holders[1].ready"].address == holders.address + holders.size // 2 + 24
    assert objects["typed_rows[1]"].address == image.symbols["typed_rows"].address + 32
