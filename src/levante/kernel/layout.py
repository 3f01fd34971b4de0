"""The kernel's settings, taken once from the frozen Kconfig result."""

from __future__ import annotations

from dataclasses import dataclass, replace

from levante.config import Board, Config


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
    thread_names: bool = True
    thread_name_length: int = 32
    events: bool = False
    boot_banner: bool = True
    # User mode (CONFIG_USERSPACE and friends).
    userspace: bool = False
    privileged_stack_size: int = 1024
    max_thread_bytes: int = 2
    max_domain_partitions: int = 16
    execute_xor_write: bool = True
    dynamic_objects: bool = False
    heap_mem_pool_size: int = 0
    # The board: its MPU and where code and read-only data live (flash).
    mpu_model: str = "armv8m"
    mpu_regions: int = 16
    code_region: tuple[int, int] = (0, 0x100000)

    def is_enabled(self, symbol: str) -> bool:
        """Kconfig options a system call family depends on (see levante.sdk.abi)."""
        return {
            "EVENTS": self.events,
            "USERSPACE": self.userspace,
            "DYNAMIC_OBJECTS": self.dynamic_objects,
        }.get(symbol, False)

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
            thread_names=thread_names,
            thread_name_length=config.get_int("THREAD_MAX_NAME_LEN") if thread_names else 0,
            events=config.is_enabled("EVENTS"),
            boot_banner=config.is_enabled("BOOT_BANNER"),
            userspace=userspace,
            privileged_stack_size=config.get_int("PRIVILEGED_STACK_SIZE") if userspace else 0,
            max_thread_bytes=config.get_int("MAX_THREAD_BYTES") if userspace else 2,
            max_domain_partitions=(
                config.get_int("MAX_DOMAIN_PARTITIONS") if userspace else 16
            ),
            execute_xor_write=config.is_enabled("EXECUTE_XOR_WRITE"),
            dynamic_objects=dynamic_objects,
            heap_mem_pool_size=config.get_int("HEAP_MEM_POOL_SIZE") if dynamic_objects else 0,
        )
        if board is None:
            return settings
        return replace(
            settings,
            mpu_model=board.mpu_model,
            mpu_regions=board.mpu_regions,
            code_region=(board.flash.base, board.flash.size),
        )
