"""The system heap's size: HEAP_MEM_POOL_SIZE raised to what the enabled subsystems ask."""

from __future__ import annotations

from levante.config.kconfig import Config

# Every symbol with this prefix is one subsystem's share of the system heap (bytes).
ADD_SIZE_PREFIX = "HEAP_MEM_POOL_ADD_SIZE_"


def heap_requirements(config: Config) -> dict[str, int]:
    """The enabled subsystems' shares: symbol name to bytes (a symbol whose subsystem
    is off is absent from the configuration, so it asks for nothing)."""
    return {name: config.get_int(name) for name in sorted(config.values)
            if name.startswith(ADD_SIZE_PREFIX)}


def system_heap_size(config: Config) -> int:
    """The bytes of the system heap, as Zephyr's build settles them: the larger of
    HEAP_MEM_POOL_SIZE and the sum of the shares, or HEAP_MEM_POOL_SIZE alone with
    HEAP_MEM_POOL_IGNORE_MIN.  Every reader of the heap's size takes it from here."""
    requested = config.get_int("HEAP_MEM_POOL_SIZE")
    if config.is_enabled("HEAP_MEM_POOL_IGNORE_MIN"):
        return requested
    return max(requested, sum(heap_requirements(config).values()))


def heap_size_warning(config: Config) -> str | None:
    """Zephyr's build warning when a HEAP_MEM_POOL_SIZE the application chose (not the
    default 0) is raised to the shares, naming them; None when nothing was raised."""
    requested = config.get_int("HEAP_MEM_POOL_SIZE")
    settled = system_heap_size(config)
    if requested == 0 or settled == requested:
        return None
    shares = ", ".join(f"{name}={size}" for name, size in heap_requirements(config).items())
    return (f"warning: CONFIG_HEAP_MEM_POOL_SIZE={requested} is below what the enabled "
            f"subsystems ask for ({shares}): the system heap is {settled} bytes "
            "(CONFIG_HEAP_MEM_POOL_IGNORE_MIN=y keeps the smaller size)")
