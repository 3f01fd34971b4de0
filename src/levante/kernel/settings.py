"""The kernel's settings, taken once from the frozen Kconfig result."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from levante.arch.mpu import mpu_model
from levante.config import Board, Config
from levante.config.heap import system_heap_size


@dataclass(frozen=True)
class KernelConfig:
    """The kernel's settings, taken once from the frozen Kconfig result."""

    clock_hz: int
    ticks_per_second: int
    tickless: bool = True
    main_priority: int = 0
    coop_priorities: int = 16
    preempt_priorities: int = 15
    timeslice_ms: int = 0
    timeslice_priority: int = 0
    timeslicing: bool = True
    timeslice_per_thread: bool = False  # CONFIG_TIMESLICE_PER_THREAD
    metairq_priorities: int = 0  # CONFIG_NUM_METAIRQ_PRIORITIES
    sched_deadline: bool = False  # CONFIG_SCHED_DEADLINE
    sched_cpu_mask: bool = False  # CONFIG_SCHED_CPU_MASK
    reboot: bool = False  # CONFIG_REBOOT: sys_reboot
    # CONFIG_DYNAMIC_THREAD: k_thread_stack_alloc/free, a pool of stacks of one size,
    # allocation from the caller's resource pool, and which is tried first.
    dynamic_thread: bool = False
    dynamic_thread_alloc: bool = False
    dynamic_thread_stack_size: int = 1024
    dynamic_thread_pool_size: int = 0
    dynamic_thread_prefer_alloc: bool = False
    thread_names: bool = True
    thread_name_length: int = 32
    events: bool = False
    num_mbox_async_msgs: int = 10  # CONFIG_NUM_MBOX_ASYNC_MSGS: k_mbox_async_put's descriptors
    poll: bool = False  # CONFIG_POLL: k_poll and poll signals
    pipes: bool = False  # Zephyr 3.7's pipe API; off: 4.1's (k_pipe_write/read)
    mem_slab_max_used: bool = False  # CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION
    boot_banner: bool = True
    # User mode (CONFIG_USERSPACE and friends).
    userspace: bool = False
    privileged_stack_size: int = 1024
    max_thread_bytes: int = 2
    max_domain_partitions: int = 16
    dynamic_objects: bool = False
    heap_mem_pool_size: int = 0
    # Random numbers (CONFIG_ENTROPY_GENERATOR, the RNG and CSPRNG choices).
    entropy_driver: bool = True
    rng: str = "xoshiro"  # xoshiro | entropy | timer | none
    csprng: str = "ctr_drbg"  # ctr_drbg | hardware | test | none
    test_random_generator: bool = False
    drbg_reseed_interval: int = 10000
    # Flash driver and image manager (CONFIG_FLASH, FLASH_PAGE_LAYOUT, MCUBOOT_IMG_MANAGER).
    flash: bool = False
    flash_page_layout: bool = False
    mcuboot_img_manager: bool = False
    irq_offload: bool = False
    # Device drivers (CONFIG_GPIO, CONFIG_SERIAL, CONFIG_SENSOR).
    gpio: bool = False
    serial: bool = False
    sensor: bool = False
    uart_interrupt_driven: bool = False
    thread_custom_data: bool = False
    app_syscalls: bool = False  # CONFIG_APPLICATION_DEFINED_SYSCALL
    runtime_stats: bool = False  # CONFIG_THREAD_RUNTIME_STATS
    # BSD sockets (CONFIG_NET_SOCKETS): how many at once (CONFIG_NET_MAX_CONTEXTS), and
    # the entries one zsock_poll takes (CONFIG_NET_SOCKETS_POLL_MAX).
    net_sockets: bool = False
    net_max_contexts: int = 6
    net_sockets_poll_max: int = 3
    zvfs_open_max: int = 4  # CONFIG_ZVFS_OPEN_MAX: descriptors open at once
    mqtt_lib: bool = False  # CONFIG_MQTT_LIB: the kernel's MQTT client sessions
    zvfs_eventfd_max: int = 0  # CONFIG_ZVFS_EVENTFD_MAX (0: no eventfd)
    # Stack protection.
    stack_canaries: bool = False
    canaries_per_thread: bool = False
    hw_stack_protection: bool = False
    stack_guard_size: int = 32
    stack_sentinel: bool = False
    stack_pointer_random: int = 0
    init_stacks: bool = False
    thread_stack_info: bool = True
    thread_local_storage: bool = False
    # CONFIG_TLS_CREDENTIALS: the kernel's credential store and its bounds.
    tls_credentials: bool = False
    tls_max_credentials: int = 4
    tls_credential_max_size: int = 4096
    # CONFIG_NET_SOCKETS_SOCKOPT_TLS, CONFIG_NET_SOCKETS_ENABLE_DTLS: secure sockets, and
    # how many at once (CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS).
    net_sockets_tls: bool = False
    net_sockets_dtls: bool = False
    net_sockets_dtls_timeout_ms: int = 0  # CONFIG_NET_SOCKETS_DTLS_TIMEOUT (0: none)
    net_sockets_tls_max_contexts: int = 4
    # Memory attributes.
    execute_xor_write: bool = True
    null_guard_size: int = 0
    # Debug surface.
    thread_monitor: bool = False
    shell: bool = False
    net_shell: bool = False  # CONFIG_NET_SHELL: the shell's `net` commands
    networking: bool = False  # CONFIG_NETWORKING: net_if's kernel functions
    net_dhcpv4: bool = False
    dns_resolver: bool = False  # CONFIG_DNS_RESOLVER: getaddrinfo's resolver call
    net_mgmt_event: bool = False
    net_ipv6: bool = False
    net_connection_manager: bool = False
    coap: bool = False  # CONFIG_COAP: the kernel parses received CoAP bytes
    # The board: its MPU, flash (code and read-only data) and SRAM.
    mpu_model: str = "armv8m"
    mpu_regions: int = 16
    code_region: tuple[int, int] = (0, 0x100000)
    ram_region: tuple[int, int] = (0x2000_0000, 0x40000)

    def priority_problem(self, priority: int) -> str | None:
        """Why `priority` is not a thread priority (Zephyr's valid range is
        K_HIGHEST_THREAD_PRIO .. K_LOWEST_APPLICATION_THREAD_PRIO), or None."""
        highest, lowest = -self.coop_priorities, self.preempt_priorities - 1
        if highest <= priority <= lowest:
            return None
        return f"invalid thread priority {priority} (valid: {highest}..{lowest})"

    @property
    def metairq_below(self) -> int | None:
        """Priorities below this are meta-IRQ priorities (None: there are none)."""
        if self.metairq_priorities == 0:
            return None
        return -self.coop_priorities + self.metairq_priorities

    def is_enabled(self, symbol: str) -> bool:
        """Kconfig options a system call family depends on (see levante.abi)."""
        return {
            "EVENTS": self.events,
            "POLL": self.poll,
            "PIPES": self.pipes,
            "PIPE_READ_WRITE": not self.pipes,
            "MEM_SLAB_TRACE_MAX_UTILIZATION": self.mem_slab_max_used,
            "USERSPACE": self.userspace,
            "DYNAMIC_OBJECTS": self.dynamic_objects,
            "ENTROPY_HAS_DRIVER": self.entropy_driver,
            "INIT_STACKS": self.init_stacks and self.thread_stack_info,
            "SHELL": self.shell,
            "NET_SHELL": self.net_shell,
            "NETWORKING": self.networking,
            "NET_DHCPV4": self.net_dhcpv4,
            "DNS_RESOLVER": self.dns_resolver,
            "NET_MGMT_EVENT": self.net_mgmt_event,
            "NET_IPV6": self.networking and self.net_ipv6,
            "NET_CONNECTION_MANAGER": self.net_connection_manager,
            "ZVFS_EVENTFD": self.zvfs_eventfd_max > 0,
            "FLASH": self.flash,
            "FLASH_PAGE_LAYOUT": self.flash and self.flash_page_layout,
            "MCUBOOT_IMG_MANAGER": self.flash and self.mcuboot_img_manager,
            "IRQ_OFFLOAD": self.irq_offload,
            "ENTROPY_GENERATOR": self.entropy_driver,
            "GPIO": self.gpio,
            "SERIAL": self.serial,
            "SENSOR": self.sensor,
            "UART_INTERRUPT_DRIVEN": self.serial and self.uart_interrupt_driven,
            "THREAD_CUSTOM_DATA": self.thread_custom_data,
            "APPLICATION_DEFINED_SYSCALL": self.app_syscalls,
            "THREAD_RUNTIME_STATS": self.runtime_stats,
            "SCHED_DEADLINE": self.sched_deadline,
            "SCHED_CPU_MASK": self.sched_cpu_mask,
            "DYNAMIC_THREAD": self.dynamic_thread,
            "TIMESLICE_PER_THREAD": self.timeslice_per_thread,
            "REBOOT": self.reboot,
            "NET_SOCKETS": self.net_sockets,
            "TLS_CREDENTIALS": self.tls_credentials,
            "MQTT_LIB": self.net_sockets and self.mqtt_lib,
            "COAP": self.coap,
        }.get(symbol, False)

    @property
    def stack_limit_registers(self) -> bool:
        """HW_STACK_PROTECTION through MSPLIM/PSPLIM (ARMv8-M), not an MPU guard."""
        return self.hw_stack_protection and mpu_model(self.mpu_model).HAS_STACK_LIMIT

    @property
    def mpu_stack_guard(self) -> int:
        """Bytes of MPU guard at the bottom of supervisor stacks (ARMv7-M), or 0."""
        if self.hw_stack_protection and not mpu_model(self.mpu_model).HAS_STACK_LIMIT:
            return self.stack_guard_size
        return 0

    @property
    def max_threads(self) -> int:
        """Threads that can exist at once in user mode: one permission bit each."""
        return 8 * self.max_thread_bytes

    @property
    def cycles_per_tick(self) -> int:
        return max(1, self.clock_hz // self.ticks_per_second)

    @classmethod
    def from_config(cls, config: Config, board: Board | None = None) -> KernelConfig:
        timeslicing = config.is_enabled("TIMESLICING")
        thread_names = config.is_enabled("THREAD_NAME")
        userspace = config.is_enabled("USERSPACE")
        dynamic_objects = config.is_enabled("DYNAMIC_OBJECTS")
        settings = cls(
            clock_hz=config.get_int("SYS_CLOCK_HW_CYCLES_PER_SEC"),
            ticks_per_second=config.get_int("SYS_CLOCK_TICKS_PER_SEC"),
            tickless=config.is_enabled("TICKLESS_KERNEL"),
            main_priority=config.get_int("MAIN_THREAD_PRIORITY"),
            coop_priorities=config.get_int("NUM_COOP_PRIORITIES"),
            preempt_priorities=config.get_int("NUM_PREEMPT_PRIORITIES"),
            timeslicing=timeslicing,
            timeslice_ms=config.get_int("TIMESLICE_SIZE") if timeslicing else 0,
            timeslice_priority=config.get_int("TIMESLICE_PRIORITY") if timeslicing else 0,
            timeslice_per_thread=config.is_enabled("TIMESLICE_PER_THREAD"),
            metairq_priorities=config.get_int("NUM_METAIRQ_PRIORITIES"),
            sched_deadline=config.is_enabled("SCHED_DEADLINE"),
            sched_cpu_mask=config.is_enabled("SCHED_CPU_MASK"),
            reboot=config.is_enabled("REBOOT"),
            **_dynamic_thread_settings(config),
            thread_names=thread_names,
            thread_name_length=config.get_int("THREAD_MAX_NAME_LEN") if thread_names else 0,
            events=config.is_enabled("EVENTS"),
            num_mbox_async_msgs=config.get_int("NUM_MBOX_ASYNC_MSGS"),
            poll=config.is_enabled("POLL"),
            pipes=config.is_enabled("PIPES"),
            mem_slab_max_used=config.is_enabled("MEM_SLAB_TRACE_MAX_UTILIZATION"),
            boot_banner=config.is_enabled("BOOT_BANNER"),
            userspace=userspace,
            privileged_stack_size=config.get_int("PRIVILEGED_STACK_SIZE") if userspace else 0,
            max_thread_bytes=config.get_int("MAX_THREAD_BYTES") if userspace else 2,
            max_domain_partitions=(
                config.get_int("MAX_DOMAIN_PARTITIONS") if userspace else 16
            ),
            execute_xor_write=config.is_enabled("EXECUTE_XOR_WRITE"),
            dynamic_objects=dynamic_objects,
            heap_mem_pool_size=system_heap_size(config),
            **_random_settings(config),
            **_stack_settings(config),
            null_guard_size=(
                config.get_int("CORTEX_M_NULL_POINTER_EXCEPTION_PAGE_SIZE")
                if config.is_enabled("NULL_POINTER_EXCEPTION_DETECTION_MPU") else 0
            ),
            thread_monitor=config.is_enabled("THREAD_MONITOR"),
            shell=config.is_enabled("SHELL"),
            net_shell=config.is_enabled("NET_SHELL"),
            networking=config.is_enabled("NETWORKING"),
            net_dhcpv4=config.is_enabled("NET_DHCPV4"),
            dns_resolver=config.is_enabled("DNS_RESOLVER"),
            net_mgmt_event=config.is_enabled("NET_MGMT_EVENT"),
            net_ipv6=config.is_enabled("NET_IPV6"),
            net_connection_manager=config.is_enabled("NET_CONNECTION_MANAGER"),
            coap=config.is_enabled("COAP"),
            flash=config.is_enabled("FLASH"),
            flash_page_layout=config.is_enabled("FLASH_PAGE_LAYOUT"),
            mcuboot_img_manager=config.is_enabled("MCUBOOT_IMG_MANAGER"),
            irq_offload=config.is_enabled("IRQ_OFFLOAD"),
            gpio=config.is_enabled("GPIO"),
            serial=config.is_enabled("SERIAL"),
            sensor=config.is_enabled("SENSOR"),
            uart_interrupt_driven=config.is_enabled("UART_INTERRUPT_DRIVEN"),
            thread_custom_data=config.is_enabled("THREAD_CUSTOM_DATA"),
            app_syscalls=config.is_enabled("APPLICATION_DEFINED_SYSCALL"),
            runtime_stats=config.is_enabled("THREAD_RUNTIME_STATS"),
            **_socket_settings(config),
            **_tls_settings(config),
        )
        if board is None:
            return settings
        return replace(
            settings,
            mpu_model=board.mpu_model,
            mpu_regions=board.mpu_regions,
            code_region=(board.flash.base, board.flash.size),
            ram_region=(board.sram.base, board.sram.size),
        )


def _choice(config: Config, options: dict[str, str]) -> str:
    return next((value for symbol, value in options.items() if config.is_enabled(symbol)),
                "none")


def _tls_settings(config: Config) -> dict[str, Any]:
    if not config.is_enabled("TLS_CREDENTIALS"):
        return {}
    return {
        "tls_credentials": True,
        "tls_max_credentials": config.get_int("TLS_MAX_CREDENTIALS_NUMBER"),
        "tls_credential_max_size": config.get_int("TLS_CREDENTIAL_MAX_SIZE"),
        **({"net_sockets_tls": True,
            "net_sockets_dtls": config.is_enabled("NET_SOCKETS_ENABLE_DTLS"),
            "net_sockets_dtls_timeout_ms": config.get_int("NET_SOCKETS_DTLS_TIMEOUT")
            if config.is_enabled("NET_SOCKETS_ENABLE_DTLS") else 0,
            "net_sockets_tls_max_contexts": config.get_int("NET_SOCKETS_TLS_MAX_CONTEXTS")}
           if config.is_enabled("NET_SOCKETS_SOCKOPT_TLS") else {}),
    }


def _random_settings(config: Config) -> dict[str, Any]:
    csprng = _choice(config, {
        "CTR_DRBG_CSPRNG_GENERATOR": "ctr_drbg",
        "HARDWARE_DEVICE_CS_GENERATOR": "hardware",
        "TEST_CSPRNG_GENERATOR": "test",
    })
    return {
        "entropy_driver": config.is_enabled("ENTROPY_HAS_DRIVER"),
        "rng": _choice(config, {
            "XOSHIRO_RANDOM_GENERATOR": "xoshiro",
            "ENTROPY_DEVICE_RANDOM_GENERATOR": "entropy",
            "TIMER_RANDOM_GENERATOR": "timer",
        }),
        "csprng": csprng,
        "test_random_generator": config.is_enabled("TEST_RANDOM_GENERATOR"),
        "drbg_reseed_interval": (
            config.get_int("CTR_DRBG_RESEED_INTERVAL") if csprng == "ctr_drbg" else 10000
        ),
    }


def _socket_settings(config: Config) -> dict[str, Any]:
    if not config.is_enabled("NET_SOCKETS"):
        return {}
    return {
        "net_sockets": True,
        "net_max_contexts": config.get_int("NET_MAX_CONTEXTS"),
        "net_sockets_poll_max": config.get_int("NET_SOCKETS_POLL_MAX"),
        "zvfs_open_max": config.get_int("ZVFS_OPEN_MAX"),
        "mqtt_lib": config.is_enabled("MQTT_LIB"),
        "zvfs_eventfd_max": config.get_int("ZVFS_EVENTFD_MAX")
        if config.is_enabled("ZVFS_EVENTFD") else 0,
    }


def _dynamic_thread_settings(config: Config) -> dict[str, Any]:
    if not config.is_enabled("DYNAMIC_THREAD"):
        return {}
    return {
        "dynamic_thread": True,
        "dynamic_thread_alloc": config.is_enabled("DYNAMIC_THREAD_ALLOC"),
        "dynamic_thread_stack_size": config.get_int("DYNAMIC_THREAD_STACK_SIZE"),
        "dynamic_thread_pool_size": config.get_int("DYNAMIC_THREAD_POOL_SIZE"),
        "dynamic_thread_prefer_alloc": config.is_enabled("DYNAMIC_THREAD_PREFER_ALLOC"),
    }


def _stack_settings(config: Config) -> dict[str, Any]:
    return {
        "stack_canaries": config.is_enabled("STACK_CANARIES"),
        "canaries_per_thread": config.is_enabled("STACK_CANARIES_TLS"),
        "hw_stack_protection": config.is_enabled("HW_STACK_PROTECTION"),
        "stack_guard_size": config.get_int("MPU_STACK_GUARD_SIZE"),
        "stack_sentinel": config.is_enabled("STACK_SENTINEL"),
        "stack_pointer_random": config.get_int("STACK_POINTER_RANDOM"),
        "init_stacks": config.is_enabled("INIT_STACKS"),
        "thread_stack_info": config.is_enabled("THREAD_STACK_INFO"),
        "thread_local_storage": config.is_enabled("THREAD_LOCAL_STORAGE"),
    }
