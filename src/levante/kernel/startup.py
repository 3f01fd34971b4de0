"""Kernel start-up: the objects and threads the image defines statically, then main."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import (
    APP_DRIVER_KIND_BASE,
    APP_DRIVER_SECTION,
    DEVICE_DRIVERS_BY_NUMBER,
    FIELD_OFFSETS,
    KERNEL_OBJECT_TYPES,
    OPTION_SYMBOLS,
    PARTITION_ATTRIBUTES,
    STATIC_KINDS,
    STATIC_SECTIONS,
    STRUCT_SIZES,
)
from levante.kernel.domains import DomainError
from levante.kernel.fatal import K_ERR_KERNEL_PANIC, Oops
from levante.kernel.memdomain import MemoryDomain, Partition
from levante.kernel.objects.device import AppDevice, device_state
from levante.kernel.objects.futex import Futex
from levante.kernel.objects.heap import Heap
from levante.kernel.objects.kinds import load_all_kinds
from levante.kernel.objects.sys_mutex import SysMutex
from levante.kernel.pool import MemoryPool

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel

SYS_FOREVER_MS = -1
K_OBJ_ANY = KERNEL_OBJECT_TYPES["K_OBJ_ANY"]
SOCKET_SLOTS_SYMBOL = OPTION_SYMBOLS["NET_SOCKETS"][0]
EVENTFD_SLOTS_SYMBOL = OPTION_SYMBOLS["ZVFS_EVENTFD"][0]
_KIND_NAME_LIMIT = 64  # bytes of a driver kind's name read from the image ("device_<name>")


def _records(kernel: Kernel, kind: str) -> list[int]:
    """Addresses of the statically defined structures of one kind."""
    section = kernel.image.section(STATIC_SECTIONS[kind])
    if section is None:
        return []
    size = STRUCT_SIZES["static_thread_data" if kind == "thread" else kind]
    if section.size < size:
        return []
    return list(range(section.address, section.address + section.size - size + 1, size))


def _field(kernel: Kernel, address: int, name: str) -> int:
    return kernel.read_u32(address + FIELD_OFFSETS[name])


_LIVE_FROM_BOOT: dict[str, type[Futex] | type[SysMutex]] = {
    Futex.KIND: Futex, SysMutex.KIND: SysMutex,
}


def declare_image_objects(kernel: Kernel) -> None:
    """Every kernel object the image defines (from its debug information), as Zephyr's
    build-time object table; those in application shared memory are not objects."""
    userspace = kernel.userspace
    for symbol in kernel.image.kernel_objects:
        live_from_boot = _LIVE_FROM_BOOT.get(symbol.kind)
        if live_from_boot is not None:
            # Futexes and sys_mutexes live in their users' memory and need no
            # initialisation (Zephyr's data for them are in the build-time table).
            # Without user mode a sys_mutex is the k_mutex it holds.
            if userspace is not None or symbol.kind != SysMutex.KIND:
                kernel.objects.declare(symbol.address, symbol.kind, symbol.size)
                kernel.objects.register(symbol.address, live_from_boot())
            continue
        tracked = userspace is None or not userspace.is_shared_memory(symbol.address)
        kernel.objects.declare(symbol.address, symbol.kind, symbol.size, tracked=tracked)
    for kind in STATIC_KINDS:
        if kind.k_obj is None:
            continue  # not a kernel object: nothing a thread can be granted
        for address in _records(kernel, kind.name):
            if kernel.objects.entry(address) is None:
                kernel.objects.declare(address, kind.name, kind.size)


def declare_socket_slots(kernel: Kernel) -> None:
    """CONFIG_NET_SOCKETS: the runtime's net_context array, one slot per socket that can
    exist at once; each is a kernel object (uninitialised until zsock_socket)."""
    symbol = kernel.image.symbols.get(SOCKET_SLOTS_SYMBOL)
    if not kernel.config.net_sockets or symbol is None:
        return
    size = STRUCT_SIZES["net_context"]
    count = min(kernel.config.net_max_contexts, symbol.size // size)
    kernel.sockets.slots = tuple(symbol.address + index * size for index in range(count))
    for slot in kernel.sockets.slots:
        kernel.objects.declare(slot, "net_context", size)


def declare_eventfd_slots(kernel: Kernel) -> None:
    """CONFIG_ZVFS_EVENTFD: the runtime's zvfs_eventfd array, one slot per eventfd that
    can exist at once; each is a kernel object (uninitialised until eventfd())."""
    symbol = kernel.image.symbols.get(EVENTFD_SLOTS_SYMBOL)
    if not kernel.config.zvfs_eventfd_max or symbol is None:
        return
    size = STRUCT_SIZES["zvfs_eventfd"]
    count = min(kernel.config.zvfs_eventfd_max, symbol.size // size)
    kernel.sockets.eventfd_slots = tuple(symbol.address + index * size
                                         for index in range(count))
    for slot in kernel.sockets.eventfd_slots:
        kernel.objects.declare(slot, "zvfs_eventfd", size)


def register_static_objects(kernel: Kernel) -> None:
    """K_*_DEFINE instances of every kind, initialised from their structures' fields."""
    states = load_all_kinds()
    for kind in STATIC_KINDS:
        if kind.requires is not None and not kernel.config.is_enabled(kind.requires):
            continue
        state_class = states[kind.name]
        for address in _records(kernel, kind.name):
            fields = {field.name: kernel.read_u32(address + field.offset)
                      for field in kind.fields}
            kernel.objects.register(address, state_class.from_static(address, fields))
    register_devices(kernel)


def register_devices(kernel: Kernel) -> None:
    """The devices of section ._device: those the build generated from the devicetree,
    each a kernel object of its driver's kind served by the board device at its address,
    and the application's (register_app_device)."""
    app_kinds = app_driver_kinds(kernel)
    kernel.app_driver_kinds.update(app_kinds)
    for record in _records(kernel, "device"):
        number = _field(kernel, record, "device.kind")
        if number == K_OBJ_ANY or number in app_kinds:
            register_app_device(kernel, record, app_kinds.get(number))
            continue
        driver = DEVICE_DRIVERS_BY_NUMBER.get(number)
        if driver is None or not kernel.config.is_enabled(driver.kconfig):
            continue
        address = _field(kernel, record, "device.address")
        state = device_state(kernel, driver.kind, address)
        if state is None:
            continue  # the board has no such device: DEVICE_DT_GET finds no object
        kernel.objects.declare(record, driver.kind, STRUCT_SIZES["device"])
        kernel.objects.register(record, state)
        kernel.device_objects.setdefault(driver.kind, []).append(record)
        model = kernel.device_models.get(address)
        if model is state:
            model.device = record  # what its interrupt callbacks get as the device


def app_driver_kinds(kernel: Kernel) -> dict[int, str]:
    """The application's driver subsystems by K_OBJ number (section ._app_drivers: the
    pointers to their names, in number order)."""
    section = kernel.image.section(APP_DRIVER_SECTION)
    if section is None:
        return {}
    return {APP_DRIVER_KIND_BASE + index:
            kernel.read_c_string(kernel.read_u32(section.address + 4 * index),
                                 _KIND_NAME_LIMIT).decode(errors="replace")
            for index in range(section.size // 4)}


def register_app_device(kernel: Kernel, record: int, kind: str | None) -> None:
    """An application's device: a kernel object of its subsystem's kind, or, when its
    API is no subsystem (`kind` None), an object no user thread can be granted."""
    state = AppDevice(kind or AppDevice.KIND, _field(kernel, record, "device.state"))
    entry = kernel.objects.declare(record, state.kind, STRUCT_SIZES["device"],
                                   tracked=kind is not None)
    entry.state = state
    kernel.device_objects.setdefault(state.kind, []).append(record)


def attach_system_heap(kernel: Kernel) -> None:
    """The system heap (CONFIG_HEAP_MEM_POOL_SIZE > 0): one pool for k_malloc (through
    the runtime's _system_heap), k_object_alloc and the threads it is assigned to."""
    pool = kernel.image.symbols.get("z_kernel_pool")
    if pool is None or not pool.size:
        return
    kernel.system_pool = MemoryPool(pool.address, pool.size)
    heap = kernel.image.symbols.get("_system_heap")
    if heap is not None:
        kernel.objects.register(heap.address, Heap(kernel.system_pool))


def create_static_threads(kernel: Kernel) -> None:
    """K_THREAD_DEFINE threads, in link order (sorted by name, as Zephyr's sections)."""
    for record in _records(kernel, "thread"):

        def field(name: str, record: int = record) -> int:
            return _field(kernel, record, f"static_thread_data.{name}")

        delay_ms = kernel.read_i32(record + FIELD_OFFSETS["static_thread_data.delay_ms"])
        priority = kernel.read_i32(record + FIELD_OFFSETS["static_thread_data.priority"])
        delay_ticks = -1 if delay_ms == SYS_FOREVER_MS else kernel.ms_to_ticks(delay_ms)
        name = kernel.read_c_string(field("name"), 64).decode(errors="replace")
        thread = kernel.create_thread(
            address=field("thread"),
            stack=field("stack"),
            stack_size=field("stack_size"),
            entry=field("entry"),
            parameters=(field("p1"), field("p2"), field("p3")),
            priority=priority,
            options=field("options"),
            delay_ticks=delay_ticks,
            name=name,
        )
        # Zephyr's thread->init_data: the record the thread was defined by.
        kernel.write_thread_field(thread, "k_thread.init_data", record)


def create_main_thread(kernel: Kernel) -> None:
    stack = kernel.image.symbols["z_main_stack"]
    kernel.create_thread(
        address=kernel.image.address_of("z_main_thread"),
        stack=stack.address,
        stack_size=stack.size,
        entry=kernel.image.address_of("z_main_thread_entry") | 1,
        parameters=(0, 0, 0),
        priority=kernel.config.main_priority,
        options=0,
        delay_ticks=0,
        name="main",
    )


def apply_static_grants(kernel: Kernel) -> None:
    """K_THREAD_ACCESS_GRANT: permissions the image gives its static threads."""
    for record in _records(kernel, "k_object_assignment"):
        thread = kernel.threads.get(_field(kernel, record, "k_object_assignment.thread"))
        objects = _field(kernel, record, "k_object_assignment.objects")
        while thread is not None and (address := kernel.read_u32(objects)) != 0:
            kernel.objects.grant(address, thread)
            objects += 4


DOMAIN_SYMBOL_PREFIX = "_levante_domain_"  # LEVANTE_DOMAIN_DEFINE(name)'s structure
_APP_PARTITION = PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RW_U_RW"]  # an app partition's


def declare_security_domains(kernel: Kernel) -> None:
    """LEVANTE_DOMAIN_DEFINE's domains, in name order; each structure gets its index."""
    symbols = kernel.image.symbols
    for symbol_name in sorted(symbols):
        if symbol_name.startswith(DOMAIN_SYMBOL_PREFIX):
            address = symbols[symbol_name].address
            try:
                domain = kernel.security_domains.declare(
                    symbol_name[len(DOMAIN_SYMBOL_PREFIX):], address)
            except DomainError as error:
                raise Oops(str(error)) from None
            kernel.memory.kernel_write(address, domain.index.to_bytes(4, "little"))


def build_domain_memory(kernel: Kernel) -> None:
    """Each security domain with partitions in the manifest gets its memory domain: the
    default domain's partitions (the C library's) and its own, judged as
    k_mem_domain_add_partition judges them."""
    for domain in kernel.security_domains.by_name.values():
        if not domain.partitions:
            continue
        where = f"domains.toml: domain {domain.name!r}"
        userspace = kernel.userspace
        if userspace is None:
            raise Oops(f"{where} has partitions, which need CONFIG_USERSPACE")
        memory = MemoryDomain(0, list(userspace.default_domain.partitions))
        symbols = kernel.image.symbols
        for name in domain.partitions:
            # The linker's bounds of the partition, as K_APPMEM_PARTITION_DEFINE's
            # structure has them (the structure itself may be collected as unused).
            start = symbols.get(f"z_data_smem_{name}_part_start")
            size = symbols.get(f"z_data_smem_{name}_part_size")
            if start is None or size is None:
                raise Oops(f"{where} names partition {name!r}, which the image does not "
                           "define (K_APPMEM_PARTITION_DEFINE)")
            partition = Partition(start.address, size.address, _APP_PARTITION, name)
            if len(memory.partitions) >= userspace.rules.max_partitions or \
                    userspace.rules.partition_error(memory, partition):
                raise Oops(f"{where}: partition {name!r} cannot join its memory (it "
                           "overlaps another, is writable and executable, or is one too "
                           "many for the MPU)")
            memory.partitions.append(partition)
        domain.memory = memory


def check_domain_threads(kernel: Kernel) -> None:
    """Every thread the domain manifest names is one the image defines."""
    names = {thread.name for thread in kernel.threads.values()}
    for thread, domain in sorted(kernel.security_domains.initial.items()):
        if thread not in names:
            raise Oops(f"domains.toml: domain {domain!r} names thread {thread!r}, which "
                       "the image does not define (K_THREAD_DEFINE or main)")


def start_system(kernel: Kernel) -> None:
    """Zephyr's order: objects first, then main (queued first), then static threads."""
    config = kernel.config
    kernel.scheduler.set_time_slice(kernel.ms_to_ticks(config.timeslice_ms),
                                    config.timeslice_priority)
    if kernel.userspace is not None:
        kernel.userspace.boot()
    attach_system_heap(kernel)
    declare_image_objects(kernel)
    declare_socket_slots(kernel)
    declare_eventfd_slots(kernel)
    register_static_objects(kernel)
    kernel.stacks.boot()
    kernel.banner()
    if kernel.random.insecure:
        kernel.print("W: insecure RNG: CONFIG_TEST_RANDOM_GENERATOR is set, random numbers "
                      "are predictable (never use this configuration in a product)\n")
        kernel.trace("insecure_rng")
    try:
        declare_security_domains(kernel)
        build_domain_memory(kernel)
        create_main_thread(kernel)
        create_static_threads(kernel)
        check_domain_threads(kernel)
    except Oops as error:
        # Nothing ran yet: the image asks for a thread the system cannot have.
        kernel.print(f"E: boot: {error.message}\n")
        kernel.halt(K_ERR_KERNEL_PANIC)
        return
    if kernel.userspace is not None:
        apply_static_grants(kernel)
    kernel.trace("boot", threads=len(kernel.threads), objects=len(kernel.objects))
