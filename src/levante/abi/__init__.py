"""The contract between C applications and the Python kernel: SVC numbers, system calls, layouts.

This module is the single source of truth.  The kernel binds a handler to every system
call listed here, and the build generates the C stubs, the numbers and the structure
sizes the C runtime checks with static assertions from the same lists, so the two sides
cannot drift apart.

Calling convention (as Zephyr on ARMv7-M): arguments in r0-r5, the call number in r6,
`svc #3`; the result comes back in r0 (and r1 for 64-bit results).  A call with more
than six arguments passes the first five in r0-r4 and, in r5, a pointer to an array
holding the rest, which the kernel copies in once.
"""

from __future__ import annotations

from dataclasses import dataclass

# SVC immediates, as Zephyr's ARM port numbers them.
SVC_EXCEPT = 2  # k_oops / k_panic / __ASSERT: r0 carries the fatal reason
SVC_SYSCALL = 3  # a system call: number in r6
SVC_CALLBACK_RETURN = 4  # a kernel-started callback (timer expiry, fatal handler) returned
SVC_APP_SYSCALL_RETURN = 5  # an application-defined system call's handler returned

# Application-defined system calls (CONFIG_APPLICATION_DEFINED_SYSCALL): call numbers from
# here on name entries of the image's table (section ._app_syscalls: pairs of words, the
# marshalling function z_mrsh_<name> or 0, and the name's string).  The caller passes a
# pointer to its arguments, packed as a struct, in r0 and their size in r1.
APP_SYSCALL_BASE = 0x10000
APP_SYSCALL_SECTION = "._app_syscalls"
# Application-defined driver subsystems (`__subsystem struct <name>_driver_api`): their
# K_OBJ_DRIVER_* numbers start here, in the order of their names; the image names them
# in this section (sdk/app_drivers.py).
APP_DRIVER_KIND_BASE = 0x100
APP_DRIVER_SECTION = "._app_drivers"
APP_SYSCALL_MAX_ARGUMENT_BYTES = 64
# CONFIG_NET_MGMT_EVENT_INFO: the most bytes of information one net_mgmt event carries
# (the C runtime's own events pass a pointer or two, as Zephyr's struct net_event_coap_*).
NET_EVENT_INFO_MAX = 32

REGISTER_ARGUMENTS = 6

# Zephyr's fatal error reasons (include/zephyr/fatal_types.h values).
FATAL_REASONS: dict[str, int] = {
    "K_ERR_CPU_EXCEPTION": 0,
    "K_ERR_SPURIOUS_IRQ": 1,
    "K_ERR_STACK_CHK_FAIL": 2,
    "K_ERR_KERNEL_OOPS": 3,
    "K_ERR_KERNEL_PANIC": 4,
}

# errno values the kernel returns: newlib's numbering, which Zephyr's libc shares.
ERRNO: dict[str, int] = {
    "EPERM": 1,
    "ENOENT": 2,
    "ESRCH": 3,
    "EINTR": 4,
    "EIO": 5,
    "EBADF": 9,
    "EAGAIN": 11,
    "ENOMEM": 12,
    "EACCES": 13,
    "EFAULT": 14,
    "EEXIST": 17,
    "EBUSY": 16,
    "ENODEV": 19,
    "EINVAL": 22,
    "EFBIG": 27,
    "ENOSPC": 28,
    "ENODATA": 61,
    "EPIPE": 32,
    "ENOMSG": 35,
    "EDEADLK": 45,
    "ENOSYS": 88,
    "EADDRINUSE": 112,
    "EINPROGRESS": 119,
    "EALREADY": 120,
    "ETIMEDOUT": 116,
    "ECONNABORTED": 113,
    "ENOTSUP": 134,
    "ECANCELED": 140,
    # The socket layer's (Zephyr's socket calls set these through errno).
    "ENFILE": 23,
    "EMFILE": 24,
    "EOPNOTSUPP": 95,
    "ENOBUFS": 105,
    "EAFNOSUPPORT": 106,
    "EPROTOTYPE": 107,
    "ENOTSOCK": 108,
    "ENOPROTOOPT": 109,
    "ENETUNREACH": 114,
    "EDESTADDRREQ": 121,
    "EMSGSIZE": 122,
    "EPROTONOSUPPORT": 123,
    "EADDRNOTAVAIL": 125,
    "EISCONN": 127,
    "ENOTCONN": 128,
    "ECONNRESET": 104,
    "ECONNREFUSED": 111,
    # A peer's protocol bytes are malformed (MQTT), coap_packet_parse's (a malformed
    # header, malformed options, more than it indexes).
    "EBADMSG": 77,
    "EILSEQ": 138,
    "E2BIG": 7,
}

# Thread options (Zephyr's bit values).
THREAD_OPTIONS: dict[str, int] = {
    "K_ESSENTIAL": 1 << 0,
    "K_FP_REGS": 1 << 1,
    "K_USER": 1 << 2,
    "K_INHERIT_PERMS": 1 << 3,
}


@dataclass(frozen=True)
class Field:
    """One field of a shared C structure: its name here, its offset, and the C member
    expression where that differs from the name."""

    name: str
    offset: int
    member: str = ""

    @property
    def c_member(self) -> str:
        return self.member or self.name


@dataclass(frozen=True)
class Struct:
    """A C structure the kernel and the C side share, declared once: its size and the
    fields the kernel reads or writes.  For a kind of kernel object also its K_OBJ name,
    whether K_*_DEFINE places instances in a linker section of their own (the kernel
    initialises them at boot), and the Kconfig option the kind needs.  The linker
    sections, the C side's BUILD_ASSERTs and the layout constants are generated from
    these records; the kernel's state class for a kind names it by `name`."""

    name: str  # the kernel's name for it, and the C struct unless `c_struct` says
    size: int
    fields: tuple[Field, ...] = ()
    c_struct: str = ""
    k_obj: str | None = None  # Zephyr's enum k_objects name: a kernel object
    static: bool = False  # K_*_DEFINE instances live in section ._<name>
    requires: str | None = None

    @property
    def c_name(self) -> str:
        return self.c_struct or self.name

    @property
    def static_section(self) -> str:
        return f"._{self.name}"


def _fields(*pairs: tuple[str, int] | tuple[str, int, str]) -> tuple[Field, ...]:
    return tuple(Field(*pair) for pair in pairs)


# The kernel keeps the real state of every object; a structure's bytes hold only what
# K_*_DEFINE initialises statically and what the kernel mirrors for C code to read.
STRUCTS: tuple[Struct, ...] = (
    # Written by the kernel when a thread is created (Zephyr's thread->arch and
    # thread->stack_info); readable by supervisor code only, like all of k_thread.
    Struct("k_thread", 80, _fields(
        ("priv_stack_start", 0, "arch.priv_stack_start"),
        ("next_thread", 4),  # CONFIG_THREAD_MONITOR: the list k_thread_foreach walks
        ("stack_info_start", 8, "stack_info.start"),
        ("stack_info_size", 12, "stack_info.size"),
        ("stack_info_delta", 16, "stack_info.delta"),  # above the initial stack pointer
        # Zephyr's thread->base, mirrored by the kernel: options, state bits, priority.
        ("base_user_options", 20, "base.user_options"),
        ("base_thread_state", 22, "base.thread_state"),
        ("base_prio", 24, "base.prio"),
        ("base_sched_locked", 25, "base.sched_locked"),
        ("name", 32),
        ("init_data", 64),  # a K_THREAD_DEFINE thread's _static_thread_data record
        ("resource_pool", 68),  # the struct k_heap the kernel allocates from for it
        ("mem_domain", 72, "mem_domain_info.mem_domain"),  # the domain it belongs to
        # CONFIG_THREAD_USERSPACE_LOCAL_DATA: the area at the top of its stack (or NULL).
        ("userspace_local_data", 76),
    ), k_obj="K_OBJ_THREAD"),
    # Zephyr keeps a user thread's errno here; Levante's errno is the C library's word,
    # switched per thread by the kernel, so the area is the thread's own to use.
    Struct("_thread_userspace_local_data", 8, requires="THREAD_USERSPACE_LOCAL_DATA"),
    Struct("k_sem", 16, _fields(("count", 0), ("limit", 4)), k_obj="K_OBJ_SEM", static=True),
    Struct("k_mutex", 16, k_obj="K_OBJ_MUTEX", static=True),
    # The kernel keeps the ring; read_ptr, write_ptr and used_msgs mirror it after every
    # change, for the C code (Zephyr's tests) that reads them.
    Struct("k_msgq", 32, _fields(("msg_size", 0), ("max_msgs", 4), ("buffer_start", 8),
                                 ("buffer_end", 12), ("read_ptr", 16), ("write_ptr", 20),
                                 ("used_msgs", 24)),
           k_obj="K_OBJ_MSGQ", static=True),
    # Zephyr's layout: the wait queue's list head, then the event set.  The kernel keeps
    # both and mirrors them after every change: `wait_q` names the first and last waiter
    # (or itself when nobody waits), as z_waitq_head reads it; `events` is the set.
    Struct("k_event", 12, _fields(("wait_q_head", 0, "wait_q.waitq.head"),
                                  ("wait_q_tail", 4, "wait_q.waitq.tail"), ("events", 8)),
           k_obj="K_OBJ_EVENT", static=True, requires="EVENTS"),
    # Mailboxes (kernel API only, not kernel objects in Zephyr).  The kernel keeps the
    # waiting senders and receivers; a message descriptor is the caller's, and the kernel
    # reads and writes its fields as Zephyr's mailbox code does.
    Struct("k_mbox", 16, static=True),
    Struct("k_mbox_msg", 28, _fields(
        ("size", 0), ("info", 4), ("tx_data", 8), ("rx_source_thread", 12),
        ("tx_target_thread", 16), ("syncing_thread", 20, "_syncing_thread"),
        ("async_sem", 24, "_async_sem"),
    )),
    # user_data is the timer's own field (Zephyr's tests set and read it directly):
    # k_timer_user_data_set/get write and read it for callers that cannot.
    Struct("k_timer", 24, _fields(("expiry_fn", 0), ("stop_fn", 4), ("user_data", 8)),
           k_obj="K_OBJ_TIMER", static=True),
    # k_fifo and k_lifo are a k_queue as their first member: the same object.
    Struct("k_queue", 16, k_obj="K_OBJ_QUEUE", static=True),
    Struct("k_stack", 24, _fields(("base", 0), ("next", 4), ("top", 8)), k_obj="K_OBJ_STACK",
           static=True),
    # Not a kernel object in Zephyr: supervisors hand heaps to threads as resource pools.
    Struct("k_heap", 16, _fields(("buffer", 0), ("size", 4)), static=True),
    Struct("k_condvar", 8, k_obj="K_OBJ_CONDVAR", static=True),
    # A futex's word is user memory; the kernel keeps its waiters (never allocated).
    Struct("k_futex", 4, k_obj="K_OBJ_FUTEX"),
    # With user mode a sys_mutex is a word in user memory that names a kernel mutex.
    Struct("sys_mutex", 4, k_obj="K_OBJ_SYS_MUTEX", requires="USERSPACE"),
    # The kernel keeps a slab's free list; it mirrors `info` for Zephyr's inline getters.
    Struct("k_mem_slab", 24, _fields(
        ("buffer", 0), ("num_blocks", 4, "info.num_blocks"),
        ("block_size", 8, "info.block_size"), ("num_used", 12, "info.num_used"),
        ("max_used", 16, "info.max_used"),
    ), k_obj="K_OBJ_MEM_SLAB", static=True),
    # One layout for both pipe APIs (CONFIG_PIPES: Zephyr 3.7's; otherwise 4.1's): the
    # kernel keeps the ring's state and mirrors it here, `flags` as the API defines it.
    Struct("k_pipe", 32, _fields(
        ("buffer", 0), ("size", 4), ("bytes_used", 8), ("read_index", 12),
        ("write_index", 16), ("flags", 20),
    ), k_obj="K_OBJ_PIPE", static=True),
    # k_poll's signal: `signaled` and `result` are its state, read and written where C
    # code reads and writes them; the kernel keeps the pollers registered on it.
    Struct("k_poll_signal", 16, _fields(("signaled", 8), ("result", 12)),
           k_obj="K_OBJ_POLL_SIGNAL", requires="POLL"),
    # One k_poll event (Zephyr's layout): the bit-field word before `obj` holds tag (8
    # bits), type (6), state (7) and mode (1), from bit 0 up; `obj` is the object polled.
    Struct("k_poll_event", 20, _fields(("obj", 16))),
    # Work queues (supervisor API, not kernel objects in Zephyr).  The kernel keeps every
    # item's and queue's state and mirrors Zephyr's fields for C code to read: an item's
    # `queue` and `flags` (K_WORK_* bits), a queue's `flags` (K_WORK_QUEUE_* bits).  The
    # queue's thread is a member, as in Zephyr, but not the first: its k_thread is an
    # object of its own, at another address.
    Struct("k_work", 16, _fields(("handler", 4), ("queue", 8), ("flags", 12))),
    Struct("k_work_delayable", 24, _fields(("work", 0), ("queue", 16))),
    Struct("k_work_q", 88, _fields(("flags", 0), ("thread", 8))),
    # Triggered work: a k_work submitted by k_poll events.  `workq` (mirrored) is the queue
    # that owns it from its submission until its handler starts; `poll_result` is what
    # the handler reads (0: an event, -EAGAIN: the timeout).
    Struct("k_work_poll", 24, _fields(("work", 0), ("workq", 16), ("poll_result", 20)),
           requires="POLL"),
    Struct("static_thread_data", 44, _fields(
        ("thread", 0, "init_thread"), ("stack", 4, "init_stack"),
        ("stack_size", 8, "init_stack_size"), ("entry", 12, "init_entry"),
        ("p1", 16, "init_p1"), ("p2", 20, "init_p2"), ("p3", 24, "init_p3"),
        ("priority", 28, "init_prio"), ("options", 32, "init_options"),
        ("delay_ms", 36, "init_delay_ms"), ("name", 40, "init_name"),
    ), c_struct="_static_thread_data"),
    Struct("k_mem_partition", 12, _fields(("start", 0), ("size", 4), ("attr", 8))),
    Struct("k_mem_domain", 8),
    Struct("k_object_assignment", 8, _fields(("thread", 0), ("objects", 4))),
    Struct("flash_pages_info", 12, _fields(("start_offset", 0), ("size", 4), ("index", 8))),
    # Zephyr's device (name, config, api, state, data), in section ._device: one the build
    # generates per enabled devicetree node a Levante driver serves (DEVICE_DT_GET names
    # it), and one per DEVICE_DEFINE / DEVICE_DT_DEFINE of the application.  `kind` is
    # its driver's K_OBJ number (0: its API is no driver subsystem, it is no kernel
    # object) and `address` a board device's register address (0 for the application's).
    # `state` is Zephyr's struct device_state: init_res (a byte), then initialized.
    Struct("device", 28, _fields(("name", 0), ("config", 4), ("api", 8), ("state", 12),
                                 ("data", 16), ("kind", 20), ("address", 24))),
    # What gpio_add_callback registers; the kernel reads it when a pin interrupt fires.
    Struct("gpio_callback", 12, _fields(("handler", 4), ("pin_mask", 8))),
    # uart_configure/uart_config_get: baudrate, then parity, stop_bits, data_bits and
    # flow_ctrl, one byte each.
    Struct("sensor_value", 8, _fields(("val1", 0), ("val2", 4))),
    # Two enums: 16 bits each with the Arm EABI toolchain's short enums.
    Struct("sensor_trigger", 4, _fields(("type", 0), ("chan", 2))),
    Struct("uart_config", 8, _fields(("baudrate", 0), ("parity", 4), ("stop_bits", 5),
                                     ("data_bits", 6), ("flow_ctrl", 7))),
    # A socket (Zephyr's net_context, tagged __net_socket): the runtime's array of
    # CONFIG_NET_MAX_CONTEXTS of them in kernel memory, so each socket has an address
    # k_object_access_grant can name.  The kernel keeps the state and mirrors the
    # socket's descriptor in `fd` (-1 while the slot is free).
    Struct("net_context", 8, _fields(("fd", 0)), k_obj="K_OBJ_NET_SOCKET",
           requires="NET_SOCKETS"),
    # An eventfd (Zephyr's struct zvfs_eventfd): the runtime's array of
    # CONFIG_ZVFS_EVENTFD_MAX of them in kernel memory, as the sockets' slots; `fd` is
    # the descriptor that names it (-1 while the slot is free).
    Struct("zvfs_eventfd", 8, _fields(("fd", 0)), k_obj="K_OBJ_ZVFS_EVENTFD",
           requires="ZVFS_EVENTFD"),
    # An IPC endpoint (docs/ipc.md): LEVANTE_IPC_ENDPOINT_DEFINE sets the interface id it
    # serves; the kernel keeps its waiting clients and servers and the calls in service.
    Struct("levante_ipc_endpoint", 16, _fields(("interface", 0)),
           k_obj="K_OBJ_IPC_ENDPOINT", static=True),
)
STRUCTS_BY_NAME: dict[str, Struct] = {struct.name: struct for struct in STRUCTS}
STRUCT_SIZES: dict[str, int] = {struct.name: struct.size for struct in STRUCTS}
FIELD_OFFSETS: dict[str, int] = {
    f"{struct.name}.{field.name}": field.offset for struct in STRUCTS for field in struct.fields
}
# Kinds whose K_*_DEFINE instances the kernel initialises at boot, from their sections.
STATIC_KINDS: tuple[Struct, ...] = tuple(struct for struct in STRUCTS if struct.static)

# Zephyr's enum k_objects, for the kinds of kernel object Levante has, and the C type of
# each (what the image's debug information names).
# As in Zephyr, the kernel's own kinds come first and the drivers last, so that
# K_OBJ_LAST - 1 is a driver; the values follow from the order.
_KERNEL_KINDS = (
    "K_OBJ_ANY", "K_OBJ_EVENT", "K_OBJ_MSGQ", "K_OBJ_MUTEX", "K_OBJ_SEM", "K_OBJ_THREAD",
    "K_OBJ_TIMER", "K_OBJ_THREAD_STACK_ELEMENT", "K_OBJ_QUEUE", "K_OBJ_STACK",
    "K_OBJ_CONDVAR", "K_OBJ_MEM_SLAB", "K_OBJ_PIPE", "K_OBJ_POLL_SIGNAL", "K_OBJ_FUTEX",
    "K_OBJ_SYS_MUTEX", "K_OBJ_NET_SOCKET", "K_OBJ_ZVFS_EVENTFD", "K_OBJ_IPC_ENDPOINT",
)
_DRIVER_KINDS = ("K_OBJ_DRIVER_ENTROPY", "K_OBJ_DRIVER_FLASH", "K_OBJ_DRIVER_GPIO",
                 "K_OBJ_DRIVER_UART", "K_OBJ_DRIVER_SENSOR")
KERNEL_OBJECT_TYPES: dict[str, int] = {
    name: number for number, name in enumerate(_KERNEL_KINDS + _DRIVER_KINDS)
}
OBJECT_KINDS: dict[str, str] = {  # K_OBJ_* name -> kind (the C struct it is)
    **{struct.k_obj: struct.name for struct in STRUCTS if struct.k_obj is not None},
    "K_OBJ_THREAD_STACK_ELEMENT": "z_thread_stack_element",
    "K_OBJ_DRIVER_ENTROPY": "device_entropy",
    "K_OBJ_DRIVER_FLASH": "device_flash",
    "K_OBJ_DRIVER_GPIO": "device_gpio",
    "K_OBJ_DRIVER_UART": "device_uart",
    "K_OBJ_DRIVER_SENSOR": "device_sensor",
}


@dataclass(frozen=True)
class DeviceDriver:
    """A driver the kernel has: the devicetree compatible it serves, the kind of kernel
    object its devices are, and the Kconfig option that enables it."""

    compatible: str
    k_obj: str
    kconfig: str

    @property
    def kind(self) -> str:
        return OBJECT_KINDS[self.k_obj]

    @property
    def number(self) -> int:
        return KERNEL_OBJECT_TYPES[self.k_obj]


DEVICE_DRIVERS: tuple[DeviceDriver, ...] = (
    DeviceDriver("levante,trng", "K_OBJ_DRIVER_ENTROPY", "ENTROPY_GENERATOR"),
    DeviceDriver("levante,flash-controller", "K_OBJ_DRIVER_FLASH", "FLASH"),
    DeviceDriver("levante,gpio", "K_OBJ_DRIVER_GPIO", "GPIO"),
    DeviceDriver("levante,uart", "K_OBJ_DRIVER_UART", "SERIAL"),
    DeviceDriver("levante,virtual-sensor", "K_OBJ_DRIVER_SENSOR", "SENSOR"),
)
DEVICE_DRIVERS_BY_NUMBER: dict[int, DeviceDriver] = {
    driver.number: driver for driver in DEVICE_DRIVERS}
assert set(OBJECT_KINDS) == set(KERNEL_OBJECT_TYPES) - {"K_OBJ_ANY"}, "every K_OBJ is a kind"

# Memory partition attributes: who may read, write, execute (U_ = user, P_ = privileged).
PARTITION_ACCESS_BITS: dict[str, int] = {
    "U_READ": 1 << 0,
    "U_WRITE": 1 << 1,
    "U_EXECUTE": 1 << 2,
    "P_READ": 1 << 3,
    "P_WRITE": 1 << 4,
    "P_EXECUTE": 1 << 5,
}
_U_R, _U_W, _U_X, _P_R, _P_W, _P_X = PARTITION_ACCESS_BITS.values()
PARTITION_ATTRIBUTES: dict[str, int] = {  # Zephyr's K_MEM_PARTITION_* names for ARM
    "K_MEM_PARTITION_P_NA_U_NA": 0,
    "K_MEM_PARTITION_P_RW_U_RW": _P_R | _P_W | _U_R | _U_W,
    "K_MEM_PARTITION_P_RW_U_RO": _P_R | _P_W | _U_R,
    "K_MEM_PARTITION_P_RW_U_NA": _P_R | _P_W,
    "K_MEM_PARTITION_P_RO_U_RO": _P_R | _U_R,
    "K_MEM_PARTITION_P_RO_U_NA": _P_R,
    "K_MEM_PARTITION_P_RWX_U_RWX": _P_R | _P_W | _P_X | _U_R | _U_W | _U_X,
    "K_MEM_PARTITION_P_RWX_U_RX": _P_R | _P_W | _P_X | _U_R | _U_X,
    "K_MEM_PARTITION_P_RX_U_RX": _P_R | _P_X | _U_R | _U_X,
}

# Linker sections holding statically defined records: K_THREAD_DEFINE and
# K_THREAD_ACCESS_GRANT records (in flash), and every static kind's objects.
STATIC_SECTIONS: dict[str, str] = {
    "thread": "._static_thread_data",
    "k_object_assignment": "._k_object_assignment",  # K_THREAD_ACCESS_GRANT records
    "device": "._device",  # the devices the build generated from the devicetree
    **{kind.name: kind.static_section for kind in STATIC_KINDS},
}

# (start, size) word pairs the build emits for every application-memory BSS part; the
# kernel zeroes each at boot (Zephyr's z_app_shmem_bss_zero).
BSS_ZERO_SECTION = "._app_smem_bss_zero"

# Symbols the runtime defines when CONFIG_USERSPACE / CONFIG_DYNAMIC_OBJECTS are on.
USERSPACE_SYMBOLS = (
    "k_mem_domain_default",  # struct k_mem_domain: the domain threads start in
    "z_libc_partition",  # struct k_mem_partition: the C library's globals
    "z_priv_stacks",  # 8 * MAX_THREAD_BYTES privileged stacks, one per thread slot
    "z_object_records",  # struct k_object records k_object_find hands out
    "_thread_idx_map",  # a bit per thread slot, set while it is free
)
# With CONFIG_HEAP_MEM_POOL_SIZE > 0: the system heap's memory (kernel memory) and the
# k_heap that k_malloc and k_free use; k_object_alloc takes its objects from the same.
HEAP_SYMBOLS = ("z_kernel_pool", "_system_heap")

# Symbols of the hardening and debug options, by the Kconfig option that brings them.
OPTION_SYMBOLS: dict[str, tuple[str, ...]] = {
    "STACK_CANARIES": ("__stack_chk_guard",),  # the canary the kernel draws at boot
    "THREAD_MONITOR": ("z_thread_monitor_head",),  # the first k_thread of the list
    # `svc #5`: where an application-defined call's handler returns to.
    "APPLICATION_DEFINED_SYSCALL": ("z_app_syscall_return",),
    # The pool k_thread_stack_alloc hands stacks out of (with a DYNAMIC_THREAD_POOL_SIZE).
    "DYNAMIC_THREAD": ("z_dynamic_thread_stacks",),
    # The socket objects' slots, CONFIG_NET_MAX_CONTEXTS of them (runtime/net_sockets.c).
    "NET_SOCKETS": ("z_net_contexts",),
    # The eventfds' slots, CONFIG_ZVFS_EVENTFD_MAX of them (runtime/eventfd.c).
    "ZVFS_EVENTFD": ("z_zvfs_eventfds",),
}
STACK_SENTINEL_VALUE = 0xF0F0F0F0  # Zephyr's STACK_SENTINEL word
STACK_FILL_BYTE = 0xAA  # CONFIG_INIT_STACKS

# Runtime symbols the kernel needs to start threads and callbacks.
RUNTIME_SYMBOLS = (
    "z_thread_entry",  # (entry, p1, p2, p3): calls entry, then aborts the thread
    "z_main_thread_entry",  # calls main()
    "z_main_thread",  # the main thread's struct k_thread
    "z_callback_return",  # `svc #4`: where kernel-started callbacks return to
    "z_main_stack",
    "z_interrupt_stack",
    "k_sys_fatal_error_handler",
)


@dataclass(frozen=True)
class Parameter:
    """One argument of a system call: its C type and name."""

    c_type: str
    name: str

    @property
    def is_timeout(self) -> bool:
        return self.c_type == "k_timeout_t"


@dataclass(frozen=True)
class Syscall:
    """One system call: its number, C return type, name and parameters."""

    number: int
    return_type: str
    name: str
    parameters: tuple[Parameter, ...]
    requires: str | None = None  # Kconfig symbol that must be enabled, as in Zephyr
    # Not a system call in Zephyr (a kernel function touching kernel memory): a user
    # thread that calls it oopses.
    supervisor_only: bool = False
    # An initialisation whose object a user thread must never have initialised before
    # (Zephyr's K_SYSCALL_OBJ_NEVER_INIT); other k_*_init calls accept either.
    never_initialised: bool = False

    @property
    def returns_64_bits(self) -> bool:
        return self.return_type in ("int64_t", "uint64_t")

    @property
    def returns_nothing(self) -> bool:
        return self.return_type == "void"


def _parse(number: int, declaration: str) -> Syscall:
    """Turn 'int k_sem_take(struct k_sem *sem, k_timeout_t timeout)' into a Syscall."""
    head, _, rest = declaration.partition("(")
    return_type, name = head.rsplit(" ", 1)
    while name.startswith("*"):
        return_type += " *"
        name = name[1:]
    parameters = []
    for text in rest.rstrip(")").split(","):
        text = text.strip()
        if text in ("", "void"):
            continue
        c_type, _, param_name = text.rpartition(" ")
        while param_name.startswith("*"):
            c_type += " *"
            param_name = param_name[1:]
        parameters.append(Parameter(c_type.strip(), param_name))
    name = name.strip()
    requires = next(
        (symbol for prefix, symbol in _REQUIRES.items() if name.startswith(prefix)), None
    )
    return Syscall(number, return_type.strip(), name, tuple(parameters), requires,
                   name in _SUPERVISOR_ONLY, name in _NEVER_INITIALISED)


# API families that exist only when their Kconfig option is on (by name prefix).
_REQUIRES = {
    "k_event_": "EVENTS",
    "k_object_alloc": "DYNAMIC_OBJECTS",
    "k_object_free": "DYNAMIC_OBJECTS",
    "k_mem_domain_": "USERSPACE",
    "entropy_": "ENTROPY_HAS_DRIVER",
    "k_thread_stack_space_get": "INIT_STACKS",
    "console_getchar": "SHELL",
    # More specific prefixes first: the first that matches decides.
    "flash_get_page_": "FLASH_PAGE_LAYOUT",
    "flash_": "FLASH",
    "boot_": "MCUBOOT_IMG_MANAGER",
    "mcuboot_": "MCUBOOT_IMG_MANAGER",
    "z_levante_irq_offload": "IRQ_OFFLOAD",
    "k_thread_custom_data_": "THREAD_CUSTOM_DATA",
    "k_thread_runtime_stats_": "THREAD_RUNTIME_STATS",
    "k_sys_runtime_stats_": "THREAD_RUNTIME_STATS",
    "z_levante_user_": "APPLICATION_DEFINED_SYSCALL",
    "k_usermode_": "APPLICATION_DEFINED_SYSCALL",
    "gpio_": "GPIO",
    "uart_irq_": "UART_INTERRUPT_DRIVEN",
    "uart_fifo_": "UART_INTERRUPT_DRIVEN",
    "uart_": "SERIAL",
    "sensor_": "SENSOR",
    # Zephyr 4.1's gating of the two pipe APIs: CONFIG_PIPES keeps 3.7's put/get calls,
    # and without it the read/write calls replace them (PIPE_READ_WRITE is !PIPES).
    "k_pipe_alloc_init": "PIPES",
    "k_pipe_put": "PIPES",
    "k_pipe_get": "PIPES",
    "z_pipe_read_avail": "PIPES",
    "z_pipe_write_avail": "PIPES",
    "k_pipe_flush": "PIPES",
    "k_pipe_buffer_flush": "PIPES",
    "k_pipe_cleanup": "PIPES",
    "k_pipe_write": "PIPE_READ_WRITE",
    "k_pipe_read": "PIPE_READ_WRITE",
    "k_pipe_reset": "PIPE_READ_WRITE",
    "k_pipe_close": "PIPE_READ_WRITE",
    "z_mem_slab_stats_reset_max": "MEM_SLAB_TRACE_MAX_UTILIZATION",
    "k_poll": "POLL",  # and k_poll_signal_*
    "k_work_poll_": "POLL",
    "z_levante_cpu_mask_mod": "SCHED_CPU_MASK",
    "k_thread_deadline_set": "SCHED_DEADLINE",
    "k_thread_stack_alloc": "DYNAMIC_THREAD",
    "k_thread_stack_free": "DYNAMIC_THREAD",
    "k_thread_time_slice_set": "TIMESLICE_PER_THREAD",
    "z_levante_reboot": "REBOOT",
    "z_levante_zsock_": "NET_SOCKETS",
    "zsock_": "NET_SOCKETS",
    "z_levante_net_shell": "NET_SHELL",
    "z_levante_net_ping": "NET_SHELL",
    "z_levante_net_if_ipv6": "NET_IPV6",  # before the family's own prefix: first wins
    "z_levante_net_if_": "NETWORKING",
    "z_levante_net_config_": "NETWORKING",
    "z_levante_net_dhcpv4_": "NET_DHCPV4",
    "z_levante_net_mgmt_": "NET_MGMT_EVENT",
    "z_levante_conn_mgr": "NET_CONNECTION_MANAGER",
    "z_levante_eventfd": "ZVFS_EVENTFD",
    "tls_credential_": "TLS_CREDENTIALS",
    "z_levante_mqtt_": "MQTT_LIB",
    "z_levante_dns_": "DNS_RESOLVER",
    "z_levante_coap_": "COAP",
}

# Initialisations whose object must be new to a user caller (K_SYSCALL_OBJ_NEVER_INIT).
_NEVER_INITIALISED = frozenset({"k_msgq_alloc_init", "k_queue_init", "k_stack_alloc_init",
                                "k_pipe_alloc_init", "k_event_init"})

_SUPERVISOR_ONLY = frozenset({
    "k_sched_time_slice_set", "k_fatal_halt", "k_timer_init", "k_thread_user_mode_enter",
    "k_object_access_revoke", "k_object_access_all_grant", "k_object_free",
    "k_mem_domain_init", "k_mem_domain_add_partition", "k_mem_domain_remove_partition",
    "k_mem_domain_add_thread", "z_levante_thread_state_str", "k_msgq_init", "k_msgq_cleanup",
    "k_thread_heap_assign", "k_thread_system_pool_assign", "z_levante_irq_offload",
    # Kernel functions of k_queue and k_stack that are not system calls in Zephyr.
    "k_queue_append", "k_queue_prepend", "k_queue_insert", "k_queue_append_list",
    "k_queue_remove", "k_queue_unique_append", "k_stack_init", "k_stack_cleanup",
    "k_heap_init", "k_heap_alloc", "k_heap_aligned_alloc", "k_heap_calloc", "k_heap_free",
    # Mailboxes are a kernel API only in Zephyr.
    "k_mbox_init", "k_mbox_put", "k_mbox_async_put", "k_mbox_get", "k_mbox_data_get",
    # A callback runs in interrupt context with the kernel's rights: supervisors only.
    "gpio_add_callback", "gpio_remove_callback",
    # Called from the UART's interrupt callback, or to set it: kernel functions.
    "uart_irq_callback_user_data_set", "uart_fifo_fill", "uart_fifo_read",
    "uart_irq_tx_ready", "uart_irq_tx_complete", "uart_irq_rx_ready",
    "sensor_trigger_set",  # its handler runs in interrupt context
    # Keeping the CPU is for the kernel's threads (in Zephyr irq_lock does nothing in
    # user mode; here a user thread's call oopses).
    "k_sched_lock", "k_sched_unlock", "irq_lock", "irq_unlock",
    # The checks of an application-defined call's handler: privileged code only.
    "z_thread_aligned_alloc", "k_free",  # the kernel's heaps: kernel functions
    "k_thread_runtime_stats_get", "k_thread_runtime_stats_all_get",
    # Whether a fault of a thread halts the system (kthread.h's z_thread_essential_*).
    "z_levante_set_essential",
    "z_levante_cpu_mask_mod",  # k_thread_cpu_mask_*: kernel functions in Zephyr
    "k_thread_time_slice_set",  # its function runs in interrupt context
    "k_thread_runtime_stats_enable", "k_thread_runtime_stats_disable",
    "k_sys_runtime_stats_enable", "k_sys_runtime_stats_disable",
    "z_levante_reschedule",  # kswap.h's z_swap_unlocked: a kernel function
    # timeout_q.h's kernel-internal timeouts: the function runs in interrupt context.
    "z_levante_add_timeout", "z_levante_abort_timeout",
    # Kernel functions on the object table (Zephyr's kobject.h).
    "k_object_find", "k_object_recycle", "z_priv_stack_find", "k_object_init",
    "k_object_is_valid", "k_object_validate", "arch_mem_domain_max_partitions_get",
    "z_levante_user_buffer_check", "z_levante_user_object_check", "k_usermode_from_copy",
    "k_usermode_to_copy", "k_usermode_string_nlen", "k_usermode_string_copy",
    # k_mem_slab is a kernel API in Zephyr, and k_pipe_cleanup a kernel function.
    "k_mem_slab_init", "k_mem_slab_alloc", "k_mem_slab_free",
    "z_mem_slab_stats_reset_max", "k_pipe_cleanup",
    # Work queues are a kernel API in Zephyr (user threads have k_work_user_*).
    "k_work_init", "k_work_init_delayable", "k_work_busy_get", "k_work_submit_to_queue",
    "k_work_flush", "k_work_cancel", "k_work_cancel_sync", "k_work_queue_init",
    "z_work_queue_start", "z_work_queue_next", "k_work_queue_drain", "k_work_queue_unplug",
    "k_work_schedule_for_queue", "k_work_reschedule_for_queue", "k_work_cancel_delayable",
    "k_work_cancel_delayable_sync", "k_work_flush_delayable",
    "k_work_delayable_remaining_get", "k_work_delayable_expires_get",
    "k_work_poll_init", "k_work_poll_submit_to_queue", "k_work_poll_cancel",
    # sys_reboot is a kernel function in Zephyr, not a system call.
    "z_levante_reboot",
    # The network shell's ways into the stack: kernel code in Zephyr.
    "z_levante_net_shell", "z_levante_net_ping", "z_levante_net_ping_reply",
    # net_if, net_mgmt and dhcpv4 are kernel APIs in Zephyr, not system calls.
    "z_levante_net_if_state", "z_levante_net_if_ipv4_set", "z_levante_net_dhcpv4_start",
    "z_levante_net_dhcpv4_stop", "z_levante_net_dhcpv4_option",
    "z_levante_net_dhcpv4_request_option", "z_levante_net_mgmt_wait",
    "z_levante_net_mgmt_take", "z_levante_net_mgmt_raise", "z_levante_net_mgmt_take_info",
    "z_levante_net_if_ipv6_set",
    "z_levante_conn_mgr",  # the connection manager is a kernel API in Zephyr
    "z_levante_net_config_wait",  # net_config_init runs at boot, in the kernel
    # Provisioning the device's TLS identity is the system's (tls_credential_calls.py).
    "tls_credential_add", "tls_credential_delete",
    "z_levante_stats_register",  # stats_register is a kernel function in Zephyr
    "z_levante_smp_shell_done",  # the shell thread's report: a kernel thread
    "levante_domain_add_thread",  # placing a thread is a privileged act
})


# Numbering starts at 1 so that a zeroed r6 is never a valid call.  New calls are
# appended: numbers are part of the ABI of built images.
_DECLARATIONS = (
    "void k_str_out(const char *c, size_t n)",
    "k_tid_t k_thread_create(struct k_thread *new_thread, k_thread_stack_t *stack, "
    "size_t stack_size, k_thread_entry_t entry, void *p1, void *p2, void *p3, "
    "int prio, uint32_t options, k_timeout_t delay)",
    "void k_thread_abort(k_tid_t thread)",
    "int k_thread_join(struct k_thread *thread, k_timeout_t timeout)",
    "void k_thread_start(k_tid_t thread)",
    "void k_thread_suspend(k_tid_t thread)",
    "void k_thread_resume(k_tid_t thread)",
    "int k_thread_priority_get(k_tid_t thread)",
    "void k_thread_priority_set(k_tid_t thread, int prio)",
    "int k_thread_name_set(k_tid_t thread, const char *str)",
    "int k_thread_name_copy(k_tid_t thread, char *buf, size_t size)",
    "k_tid_t k_current_get(void)",
    "int32_t k_sleep(k_timeout_t timeout)",
    "int32_t k_usleep(int32_t us)",
    "void k_busy_wait(uint32_t usec_to_wait)",
    "void k_yield(void)",
    "void k_wakeup(k_tid_t thread)",
    "int64_t k_uptime_ticks(void)",
    "uint32_t k_cycle_get_32(void)",
    "void k_sched_time_slice_set(int32_t slice, int prio)",
    "int k_is_in_isr(void)",
    "void k_fatal_halt(unsigned int reason)",
    "int k_sem_init(struct k_sem *sem, unsigned int initial_count, unsigned int limit)",
    "int k_sem_take(struct k_sem *sem, k_timeout_t timeout)",
    "void k_sem_give(struct k_sem *sem)",
    "void k_sem_reset(struct k_sem *sem)",
    "unsigned int k_sem_count_get(struct k_sem *sem)",
    "int k_mutex_init(struct k_mutex *mutex)",
    "int k_mutex_lock(struct k_mutex *mutex, k_timeout_t timeout)",
    "int k_mutex_unlock(struct k_mutex *mutex)",
    "int k_msgq_init(struct k_msgq *msgq, char *buffer, size_t msg_size, uint32_t max_msgs)",
    "int k_msgq_put(struct k_msgq *msgq, const void *data, k_timeout_t timeout)",
    "int k_msgq_get(struct k_msgq *msgq, void *data, k_timeout_t timeout)",
    "int k_msgq_peek(struct k_msgq *msgq, void *data)",
    "void k_msgq_purge(struct k_msgq *msgq)",
    "uint32_t k_msgq_num_free_get(struct k_msgq *msgq)",
    "uint32_t k_msgq_num_used_get(struct k_msgq *msgq)",
    "void k_event_init(struct k_event *event)",
    "uint32_t k_event_post(struct k_event *event, uint32_t events)",
    "uint32_t k_event_set(struct k_event *event, uint32_t events)",
    "uint32_t k_event_set_masked(struct k_event *event, uint32_t events, uint32_t events_mask)",
    "uint32_t k_event_clear(struct k_event *event, uint32_t events)",
    "uint32_t k_event_wait(struct k_event *event, uint32_t events, int reset, "
    "k_timeout_t timeout)",
    "uint32_t k_event_wait_all(struct k_event *event, uint32_t events, int reset, "
    "k_timeout_t timeout)",
    "void k_timer_init(struct k_timer *timer, k_timer_expiry_t expiry_fn, "
    "k_timer_stop_t stop_fn)",
    "void k_timer_start(struct k_timer *timer, k_timeout_t duration, k_timeout_t period)",
    "k_timer_stop_t z_timer_stop(struct k_timer *timer)",
    "uint32_t k_timer_status_get(struct k_timer *timer)",
    "uint32_t k_timer_status_sync(struct k_timer *timer)",
    "int32_t k_timer_remaining_ticks(struct k_timer *timer)",
    "void k_timer_user_data_set(struct k_timer *timer, void *user_data)",
    "void *k_timer_user_data_get(struct k_timer *timer)",
    "void k_thread_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, "
    "void *p3)",
    "void k_object_access_grant(const void *object, struct k_thread *thread)",
    "void k_object_access_revoke(const void *object, struct k_thread *thread)",
    "void k_object_release(const void *object)",
    "void k_object_access_all_grant(const void *object)",
    "void *k_object_alloc(enum k_objects otype)",
    "void *k_object_alloc_size(enum k_objects otype, size_t size)",
    "void k_object_free(void *obj)",
    "int k_mem_domain_init(struct k_mem_domain *domain, uint8_t num_parts, "
    "struct k_mem_partition **parts)",
    "int k_mem_domain_add_partition(struct k_mem_domain *domain, "
    "struct k_mem_partition *part)",
    "int k_mem_domain_remove_partition(struct k_mem_domain *domain, "
    "struct k_mem_partition *part)",
    "int k_mem_domain_add_thread(struct k_mem_domain *domain, k_tid_t thread)",
    "int entropy_get_entropy(const struct device *dev, uint8_t *buffer, uint16_t length)",
    "void sys_rand_get(void *dst, size_t len)",
    "int sys_csrand_get(void *dst, size_t len)",
    "int k_thread_stack_space_get(const struct k_thread *thread, size_t *unused_ptr)",
    "const char *z_levante_thread_state_str(k_tid_t thread_id, char *buf, size_t buf_size)",
    "int console_getchar(void)",
    "int flash_read(const struct device *dev, off_t offset, void *data, size_t len)",
    "int flash_write(const struct device *dev, off_t offset, const void *data, size_t len)",
    "int flash_erase(const struct device *dev, off_t offset, size_t size)",
    "size_t flash_get_write_block_size(const struct device *dev)",
    "int flash_get_page_info_by_offs(const struct device *dev, off_t offset, "
    "struct flash_pages_info *info)",
    "size_t flash_get_page_count(const struct device *dev)",
    "int boot_write_img_confirmed(void)",
    "bool boot_is_img_confirmed(void)",
    "int boot_request_upgrade(int permanent)",
    "int mcuboot_swap_type(void)",
    "int k_msgq_alloc_init(struct k_msgq *msgq, size_t msg_size, uint32_t max_msgs)",
    "int k_msgq_cleanup(struct k_msgq *msgq)",
    "void k_thread_heap_assign(struct k_thread *thread, struct k_heap *heap)",
    "void k_thread_system_pool_assign(struct k_thread *thread)",
    "void z_levante_irq_offload(irq_offload_routine_t routine, const void *parameter)",
    "void k_queue_init(struct k_queue *queue)",
    "void k_queue_cancel_wait(struct k_queue *queue)",
    "void k_queue_append(struct k_queue *queue, void *data)",
    "int32_t k_queue_alloc_append(struct k_queue *queue, void *data)",
    "void k_queue_prepend(struct k_queue *queue, void *data)",
    "int32_t k_queue_alloc_prepend(struct k_queue *queue, void *data)",
    "void k_queue_insert(struct k_queue *queue, void *prev, void *data)",
    "int k_queue_append_list(struct k_queue *queue, void *head, void *tail)",
    "void *k_queue_get(struct k_queue *queue, k_timeout_t timeout)",
    "bool k_queue_remove(struct k_queue *queue, void *data)",
    "bool k_queue_unique_append(struct k_queue *queue, void *data)",
    "int k_queue_is_empty(struct k_queue *queue)",
    "void *k_queue_peek_head(struct k_queue *queue)",
    "void *k_queue_peek_tail(struct k_queue *queue)",
    "void k_stack_init(struct k_stack *stack, stack_data_t *buffer, uint32_t num_entries)",
    "int32_t k_stack_alloc_init(struct k_stack *stack, uint32_t num_entries)",
    "int k_stack_cleanup(struct k_stack *stack)",
    "int k_stack_push(struct k_stack *stack, stack_data_t data)",
    "int k_stack_pop(struct k_stack *stack, stack_data_t *data, k_timeout_t timeout)",
    "void k_heap_init(struct k_heap *h, void *mem, size_t bytes)",
    "void *k_heap_alloc(struct k_heap *h, size_t bytes, k_timeout_t timeout)",
    "void *k_heap_aligned_alloc(struct k_heap *h, size_t align, size_t bytes, "
    "k_timeout_t timeout)",
    "void *k_heap_calloc(struct k_heap *h, size_t num, size_t size, k_timeout_t timeout)",
    "void k_heap_free(struct k_heap *h, void *mem)",
    # GPIO (drivers/gpio.h): pin numbers are gpio_pin_t (uint8_t), flags gpio_flags_t
    # and pin sets gpio_port_pins_t / gpio_port_value_t (uint32_t).
    "int gpio_pin_configure(const struct device *port, uint8_t pin, uint32_t flags)",
    "int gpio_pin_interrupt_configure(const struct device *port, uint8_t pin, "
    "uint32_t flags)",
    "int gpio_port_get_raw(const struct device *port, uint32_t *value)",
    "int gpio_port_set_masked_raw(const struct device *port, uint32_t mask, uint32_t value)",
    "int gpio_port_set_bits_raw(const struct device *port, uint32_t pins)",
    "int gpio_port_clear_bits_raw(const struct device *port, uint32_t pins)",
    "int gpio_port_toggle_bits(const struct device *port, uint32_t pins)",
    "int gpio_port_get(const struct device *port, uint32_t *value)",
    "int gpio_port_set_masked(const struct device *port, uint32_t mask, uint32_t value)",
    "int gpio_port_get_direction(const struct device *port, uint32_t map, "
    "uint32_t *inputs, uint32_t *outputs)",
    "int gpio_pin_get_config(const struct device *port, uint8_t pin, uint32_t *flags)",
    "int gpio_get_pending_int(const struct device *dev)",
    "int gpio_add_callback(const struct device *port, struct gpio_callback *callback)",
    "int gpio_remove_callback(const struct device *port, struct gpio_callback *callback)",
    "int k_condvar_init(struct k_condvar *condvar)",
    "int k_condvar_signal(struct k_condvar *condvar)",
    "int k_condvar_broadcast(struct k_condvar *condvar)",
    "int z_condvar_wait(struct k_condvar *condvar, struct k_mutex *mutex, k_timeout_t timeout)",
    "int k_mem_slab_init(struct k_mem_slab *slab, void *buffer, size_t block_size, "
    "uint32_t num_blocks)",
    "int k_mem_slab_alloc(struct k_mem_slab *slab, void **mem, k_timeout_t timeout)",
    "void k_mem_slab_free(struct k_mem_slab *slab, void *mem)",
    "int z_mem_slab_stats_reset_max(struct k_mem_slab *slab)",
    "void k_pipe_init(struct k_pipe *pipe, unsigned char *buffer, size_t size)",
    "int k_pipe_alloc_init(struct k_pipe *pipe, size_t size)",
    "int k_pipe_cleanup(struct k_pipe *pipe)",
    "int k_pipe_put(struct k_pipe *pipe, const void *data, size_t bytes_to_write, "
    "size_t *bytes_written, size_t min_xfer, k_timeout_t timeout)",
    "int k_pipe_get(struct k_pipe *pipe, void *data, size_t bytes_to_read, "
    "size_t *bytes_read, size_t min_xfer, k_timeout_t timeout)",
    "size_t z_pipe_read_avail(struct k_pipe *pipe)",
    "size_t z_pipe_write_avail(struct k_pipe *pipe)",
    "void k_pipe_flush(struct k_pipe *pipe)",
    "void k_pipe_buffer_flush(struct k_pipe *pipe)",
    "int k_pipe_write(struct k_pipe *pipe, const uint8_t *data, size_t len, "
    "k_timeout_t timeout)",
    "int k_pipe_read(struct k_pipe *pipe, uint8_t *data, size_t len, k_timeout_t timeout)",
    "void k_pipe_reset(struct k_pipe *pipe)",
    "void k_pipe_close(struct k_pipe *pipe)",
    # UART (drivers/uart.h): the console UART, polled and interrupt-driven.
    "int uart_poll_in(const struct device *dev, unsigned char *p_char)",
    "void uart_poll_out(const struct device *dev, unsigned char out_char)",
    "int uart_err_check(const struct device *dev)",
    "int uart_configure(const struct device *dev, const struct uart_config *cfg)",
    "int uart_config_get(const struct device *dev, struct uart_config *cfg)",
    "int uart_irq_callback_user_data_set(const struct device *dev, "
    "uart_irq_callback_user_data_t cb, void *user_data)",
    "int uart_fifo_fill(const struct device *dev, const uint8_t *tx_data, int size)",
    "int uart_fifo_read(const struct device *dev, uint8_t *rx_data, const int size)",
    "void uart_irq_tx_enable(const struct device *dev)",
    "void uart_irq_tx_disable(const struct device *dev)",
    "void uart_irq_rx_enable(const struct device *dev)",
    "void uart_irq_rx_disable(const struct device *dev)",
    "void uart_irq_err_enable(const struct device *dev)",
    "void uart_irq_err_disable(const struct device *dev)",
    "int uart_irq_tx_ready(const struct device *dev)",
    "int uart_irq_tx_complete(const struct device *dev)",
    "int uart_irq_rx_ready(const struct device *dev)",
    "int uart_irq_is_pending(const struct device *dev)",
    "int uart_irq_update(const struct device *dev)",
    # Sensors (drivers/sensor.h): the virtual sensor.  Channels, attributes and trigger
    # types are Zephyr's enum values.
    "int sensor_sample_fetch(const struct device *dev)",
    "int sensor_sample_fetch_chan(const struct device *dev, int32_t type)",
    "int sensor_channel_get(const struct device *dev, int32_t chan, struct sensor_value *val)",
    "int sensor_attr_set(const struct device *dev, int32_t chan, int32_t attr, "
    "const struct sensor_value *val)",
    "int sensor_attr_get(const struct device *dev, int32_t chan, int32_t attr, "
    "struct sensor_value *val)",
    "int sensor_trigger_set(const struct device *dev, const struct sensor_trigger *trig, "
    "sensor_trigger_handler_t handler)",
    "uint64_t k_cycle_get_64(void)",
    "int k_thread_custom_data_set(void *value)",
    "void *k_thread_custom_data_get(void)",
    "void k_sched_lock(void)",
    "void k_sched_unlock(void)",
    "unsigned int irq_lock(void)",
    "void irq_unlock(unsigned int key)",
    "int k_is_preempt_thread(void)",
    "int k_poll(struct k_poll_event *events, int num_events, k_timeout_t timeout)",
    "void k_poll_signal_init(struct k_poll_signal *sig)",
    "void k_poll_signal_reset(struct k_poll_signal *sig)",
    "void k_poll_signal_check(struct k_poll_signal *sig, unsigned int *signaled, "
    "int *signal_result)",
    "int k_poll_signal_raise(struct k_poll_signal *sig, int signal_result)",
    # The checks of an application-defined call's verification (verify_calls.py).
    "int z_levante_user_buffer_check(const void *addr, size_t size, int write)",
    "int z_levante_user_object_check(const void *obj, int otype, int init)",
    "int k_usermode_from_copy(void *dst, const void *src, size_t size)",
    "int k_usermode_to_copy(void *dst, const void *src, size_t size)",
    "size_t k_usermode_string_nlen(const char *src, size_t maxlen, int *err)",
    "int k_usermode_string_copy(char *dst, const char *src, size_t maxlen)",
    "bool k_is_in_user_syscall(void)",
    "void *z_thread_aligned_alloc(size_t align, size_t size)",
    "void k_free(void *ptr)",
    # Work queues: the kernel keeps queues, item states, delays and waits; each queue's
    # thread runs the runtime's loop, which asks z_work_queue_next for its next item.
    "void k_work_init(struct k_work *work, k_work_handler_t handler)",
    "void k_work_init_delayable(struct k_work_delayable *dwork, k_work_handler_t handler)",
    "int k_work_busy_get(const struct k_work *work)",
    "int k_work_submit_to_queue(struct k_work_q *queue, struct k_work *work)",
    "bool k_work_flush(struct k_work *work, struct k_work_sync *sync)",
    "int k_work_cancel(struct k_work *work)",
    "bool k_work_cancel_sync(struct k_work *work, struct k_work_sync *sync)",
    "void k_work_queue_init(struct k_work_q *queue)",
    "void z_work_queue_start(struct k_work_q *queue, uint32_t flags)",
    "uint64_t z_work_queue_next(struct k_work_q *queue)",
    "int k_work_queue_drain(struct k_work_q *queue, bool plug)",
    "int k_work_queue_unplug(struct k_work_q *queue)",
    "int k_work_schedule_for_queue(struct k_work_q *queue, struct k_work_delayable *dwork, "
    "k_timeout_t delay)",
    "int k_work_reschedule_for_queue(struct k_work_q *queue, struct k_work_delayable *dwork, "
    "k_timeout_t delay)",
    "int k_work_cancel_delayable(struct k_work_delayable *dwork)",
    "bool k_work_cancel_delayable_sync(struct k_work_delayable *dwork, struct k_work_sync *sync)",
    "bool k_work_flush_delayable(struct k_work_delayable *dwork, struct k_work_sync *sync)",
    "k_ticks_t k_work_delayable_remaining_get(const struct k_work_delayable *dwork)",
    "k_ticks_t k_work_delayable_expires_get(const struct k_work_delayable *dwork)",
    "void k_msgq_get_attrs(struct k_msgq *msgq, struct k_msgq_attrs *attrs)",
    "int k_msgq_peek_at(struct k_msgq *msgq, void *data, uint32_t idx)",
    "int k_thread_runtime_stats_get(k_tid_t thread, k_thread_runtime_stats_t *stats)",
    "int k_thread_runtime_stats_all_get(k_thread_runtime_stats_t *stats)",
    # Triggered work (CONFIG_POLL): a work item submitted when one of its k_poll events
    # is ready, or when its timeout ends.
    "void k_work_poll_init(struct k_work_poll *work, k_work_handler_t handler)",
    "int k_work_poll_submit_to_queue(struct k_work_q *work_q, struct k_work_poll *work, "
    "struct k_poll_event *events, int num_events, k_timeout_t timeout)",
    "int k_work_poll_cancel(struct k_work_poll *work)",
    # Devices: whether one's initialisation succeeded, and finding a ready one by name.
    "bool device_is_ready(const struct device *dev)",
    "const struct device *device_get_binding(const char *name)",
    "void z_levante_set_essential(k_tid_t thread, bool essential)",
    "k_ticks_t k_thread_timeout_expires_ticks(const struct k_thread *thread)",
    "k_ticks_t k_thread_timeout_remaining_ticks(const struct k_thread *thread)",
    "int z_levante_cpu_mask_mod(k_tid_t thread, uint32_t enable_mask, uint32_t disable_mask)",
    "void k_thread_deadline_set(k_tid_t thread, int deadline)",
    "void k_thread_time_slice_set(struct k_thread *th, int32_t slice_ticks, "
    "k_thread_timeslice_fn_t expired, void *data)",
    "int k_thread_runtime_stats_enable(k_tid_t thread)",
    "int k_thread_runtime_stats_disable(k_tid_t thread)",
    "void k_sys_runtime_stats_enable(void)",
    "void k_sys_runtime_stats_disable(void)",
    "void z_levante_reschedule(void)",
    "int k_float_disable(struct k_thread *thread)",
    "int k_float_enable(struct k_thread *thread, unsigned int options)",
    "k_thread_stack_t *k_thread_stack_alloc(size_t size, int flags)",
    "int k_thread_stack_free(k_thread_stack_t *stack)",
    "void z_levante_add_timeout(struct _timeout *to, _timeout_func_t fn, k_timeout_t timeout)",
    "int z_levante_abort_timeout(struct _timeout *to)",
    "k_ticks_t k_timer_expires_ticks(struct k_timer *timer)",
    "void k_mbox_init(struct k_mbox *mbox)",
    "int k_mbox_put(struct k_mbox *mbox, struct k_mbox_msg *tx_msg, k_timeout_t timeout)",
    # `sem` may be NULL: decoded by the call, not as an object every caller must name.
    "void k_mbox_async_put(struct k_mbox *mbox, struct k_mbox_msg *tx_msg, void *sem)",
    "int k_mbox_get(struct k_mbox *mbox, struct k_mbox_msg *rx_msg, void *buffer, "
    "k_timeout_t timeout)",
    "void k_mbox_data_get(struct k_mbox_msg *rx_msg, void *buffer)",
    "struct k_object *k_object_find(const void *obj)",
    "void k_object_recycle(const void *obj)",
    "uint8_t *z_priv_stack_find(void *obj)",
    "int k_futex_wait(struct k_futex *futex, int expected, k_timeout_t timeout)",
    "int k_futex_wake(struct k_futex *futex, bool wake_all)",
    "void k_object_init(const void *obj)",
    "bool k_object_is_valid(const void *obj, enum k_objects otype)",
    "int k_object_validate(struct k_object *ko, enum k_objects otype, "
    "enum _obj_init_check init)",
    "int arch_mem_domain_max_partitions_get(void)",
    "int z_sys_mutex_kernel_lock(struct sys_mutex *mutex, k_timeout_t timeout)",
    "int z_sys_mutex_kernel_unlock(struct sys_mutex *mutex)",
    # sys_reboot's way into the kernel (the C function never returns to its caller).
    "void z_levante_reboot(int type)",
    # BSD sockets (<zephyr/net/socket.h>, CONFIG_NET_SOCKETS).  Each returns a result or
    # -errno; the header's zsock_* functions set errno from it, as Zephyr's do.  A
    # descriptor names a socket object; the caller needs a permission on it.
    "int z_levante_zsock_socket(int family, int type, int proto)",
    "int z_levante_zsock_close(int sock)",
    "int z_levante_zsock_shutdown(int sock, int how)",
    "int z_levante_zsock_bind(int sock, const struct sockaddr *addr, size_t addrlen)",
    "int z_levante_zsock_connect(int sock, const struct sockaddr *addr, size_t addrlen)",
    "int z_levante_zsock_listen(int sock, int backlog)",
    "int z_levante_zsock_accept(int sock, struct sockaddr *addr, size_t *addrlen)",
    "int z_levante_zsock_sendto(int sock, const void *buf, size_t len, int flags, "
    "const struct sockaddr *dest_addr, size_t addrlen)",
    "int z_levante_zsock_sendmsg(int sock, const struct msghdr *msg, int flags)",
    "int z_levante_zsock_recvfrom(int sock, void *buf, size_t max_len, int flags, "
    "struct sockaddr *src_addr, size_t *addrlen)",
    "int z_levante_zsock_recvmsg(int sock, struct msghdr *msg, int flags)",
    "int z_levante_zsock_fcntl(int sock, int cmd, int flags)",
    "int z_levante_zsock_poll(struct zsock_pollfd *fds, int nfds, int timeout)",
    "int z_levante_zsock_getsockopt(int sock, int level, int optname, void *optval, "
    "size_t *optlen)",
    "int z_levante_zsock_setsockopt(int sock, int level, int optname, const void *optval, "
    "size_t optlen)",
    "int z_levante_zsock_getpeername(int sock, struct sockaddr *addr, size_t *addrlen)",
    "int z_levante_zsock_getsockname(int sock, struct sockaddr *addr, size_t *addrlen)",
    "void *zsock_get_context_object(int sock)",
    # The network shell: a `net` command's text; an echo request and its reply.
    "int z_levante_net_shell(const char *command, char *text, size_t size)",
    "int z_levante_net_ping(const char *host, int sequence, int data_length)",
    "int z_levante_net_ping_reply(int sequence, uint32_t *reply)",
    # <zephyr/net/net_if.h>, <zephyr/net/dhcpv4.h>, <zephyr/net/net_mgmt.h>.
    "int z_levante_net_if_state(void *state)",
    "int z_levante_net_if_ipv4_set(int what, uint32_t address, int address_type)",
    "int z_levante_net_dhcpv4_start(void)",
    "int z_levante_net_dhcpv4_stop(void)",
    "int z_levante_net_dhcpv4_option(int code, void *data, size_t size)",
    "int z_levante_net_dhcpv4_request_option(int code)",
    "int z_levante_net_mgmt_wait(k_timeout_t timeout)",
    "int z_levante_net_mgmt_take(uint32_t *event)",
    # <zephyr/net/tls_credentials.h>: sec_tag_t is an int, the type an enum passed as int.
    "int tls_credential_add(int tag, int type, const void *cred, size_t credlen)",
    "int tls_credential_get(int tag, int type, void *cred, size_t *credlen)",
    "int tls_credential_delete(int tag, int type)",
    # <zephyr/net/mqtt.h>'s way into the kernel's MQTT sessions (runtime/mqtt.c): each
    # names the session by its socket's descriptor; records are the header's
    # struct z_levante_mqtt_connect, _message and _event.
    "int z_levante_mqtt_connect(int sock, const void *params)",
    "int z_levante_mqtt_send(int sock, const void *message)",
    "int z_levante_mqtt_input(int sock, void *event, void *rx_buf, size_t rx_size)",
    "int z_levante_mqtt_read_payload(int sock, void *buffer, size_t length)",
    "int z_levante_mqtt_live(int sock)",
    "int z_levante_mqtt_keepalive_left(int sock)",
    # getaddrinfo's and dns_get_addr_info's resolver (CONFIG_DNS_RESOLVER): the
    # addresses of `name` (AF_INET: A, AF_INET6: AAAA, AF_UNSPEC: both, A first) as
    # struct z_levante_dns_address entries; their count, or a DNS_EAI_* code.
    "int z_levante_dns_resolve(const char *name, int family, void *addresses, "
    "size_t count, k_timeout_t timeout)",
    # <zephyr/net/conn_mgr_monitor.h>: resend, ignore, watch, is-ignored (0 to 3).
    "int z_levante_conn_mgr(int request)",
    # <zephyr/posix/sys/eventfd.h>: make one (initval, EFD_* flags), read and write its
    # 8-byte value; close and poll are the descriptor table's (zsock_close, zsock_poll).
    "int z_levante_eventfd(unsigned int initval, int flags)",
    "int z_levante_eventfd_read(int fd, void *value, size_t size)",
    "int z_levante_eventfd_write(int fd, const void *value, size_t size)",
    # net_config's boot wait: 0 once the configured IPv6 address passed DAD, or -EAGAIN.
    "int z_levante_net_config_wait(k_timeout_t timeout)",
    # <zephyr/net/coap.h>: received CoAP bytes are validated by the kernel's codec, which
    # writes the packet's option index (struct coap_parsed); _recv takes one datagram
    # from a UDP socket, parses it and passes it through the services' control point.
    "int z_levante_coap_parse(const uint8_t *data, uint16_t len, struct coap_parsed *parsed)",
    "int z_levante_coap_recv(int sock, void *buf, size_t max_len, struct sockaddr *src, "
    "size_t *addrlen, struct coap_parsed *parsed, int role)",
    # <levante/policy_audit.h>: take up to `count` of the policy's oldest audit records
    # (struct levante_audit_record each) and the count dropped since the last take.
    "int z_levante_policy_audit_read(void *records, size_t count, uint32_t *dropped)",
    # <levante/ipc.h>: synchronous IPC (docs/ipc.md).  A call blocks until a server
    # replies and returns the reply's length or -errno; receive returns the request's
    # length and a token naming the call, which reply and reply_error answer.
    "int z_levante_ipc_call(struct levante_ipc_endpoint *ep, const void *request, "
    "size_t len, void *reply, size_t reply_cap, k_timeout_t timeout)",
    "int z_levante_ipc_receive(struct levante_ipc_endpoint *ep, void *buffer, size_t cap, "
    "uint32_t *token, k_timeout_t timeout)",
    "int z_levante_ipc_reply(struct levante_ipc_endpoint *ep, uint32_t token, "
    "const void *reply, size_t len)",
    "int z_levante_ipc_reply_error(struct levante_ipc_endpoint *ep, uint32_t token, "
    "int error)",
    # <zephyr/stats/stats.h>'s stats_register: publish the group at `hdr` (its header of
    # `header_size` octets, then its counters) under `name`, with `map_count` entries of
    # struct stats_name_map at `map` naming them (NULL, 0 without CONFIG_STATS_NAMES).
    "int z_levante_stats_register(const char *name, const void *hdr, size_t header_size, "
    "const void *map, size_t map_count)",
    # MCUmgr's shell group (CONFIG_MCUMGR_GRP_SHELL): the console shell ran an SMP
    # peer's command line; its result and `length` octets of its output at `output`.
    "int z_levante_smp_shell_done(int ret, const char *output, size_t length)",
    # net_mgmt_event_notify_with_info for the C runtime's own events (the CoAP service's):
    # queued behind the interface's; _take_info takes an event with its information
    # (CONFIG_NET_MGMT_EVENT_INFO), its length written to *length.
    "int z_levante_net_mgmt_raise(uint32_t event, const void *info, size_t length)",
    "int z_levante_net_mgmt_take_info(uint32_t *event, void *info, size_t size, "
    "size_t *length)",
    # <zephyr/net/net_if.h>'s IPv6 addresses and <zephyr/net/mld.h>'s groups: add (by
    # hand) or remove the unicast `address` (16 bytes), join or leave the group `address`,
    # or ask the unicast address's state.
    "int z_levante_net_if_ipv6_set(int what, const void *address)",
    # <levante/domain.h>: place a thread not started yet in a security domain
    # (supervisor-only); the name of a thread's domain.
    "int levante_domain_add_thread(struct levante_domain *into, k_tid_t target)",
    "int levante_domain_name_get(k_tid_t target, char *buf, size_t size)",
    # <levante/handle.h>: handles with rights in the caller's domain's table.
    "int levante_handle_create(void *object, uint32_t rights)",
    "int levante_handle_duplicate(uint32_t handle, uint32_t rights)",
    "int levante_handle_replace(uint32_t handle, uint32_t rights)",
    "int levante_handle_close(uint32_t handle)",
    "int levante_handle_revoke(uint32_t handle)",
    "int levante_handle_info(uint32_t handle, struct levante_handle_info *info)",
    # <levante/policy.h>: an explicit query from code, judged as the policy's event
    # `query NAME` with `count` fields (struct levante_policy_field each); 0 granted.
    "int levante_policy_query(const char *name, const struct levante_policy_field *fields, "
    "size_t count)",
)

SYSCALLS: tuple[Syscall, ...] = tuple(
    _parse(number, text) for number, text in enumerate(_DECLARATIONS, start=1)
)
SYSCALLS_BY_NAME: dict[str, Syscall] = {call.name: call for call in SYSCALLS}
SYSCALLS_BY_NUMBER: dict[int, Syscall] = {call.number: call for call in SYSCALLS}
