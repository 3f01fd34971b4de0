"""The kernel's settings, taken once from the frozen Kconfig result."""

from __future__ import annotations

from dataclasses import dataclass

from levante.config import Config


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

    def is_enabled(self, symbol: str) -> bool:
        """Kconfig options a system call family depends on (see levante.sdk.abi)."""
        return {"EVENTS": self.events}.get(symbol, False)

    @property
    def cycles_per_tick(self) -> int:
        return max(1, self.clock_hz // self.ticks_per_second)

    @classmethod
    def from_config(cls, config: Config) -> KernelConfig:
        timeslicing = config.is_enabled("TIMESLICING")
        thread_names = config.is_enabled("THREAD_NAME")
        return cls(
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
        )
