"""Tell the CPU architecture of a configuration from its Kconfig symbols.

Zephyr sets one architecture symbol (CONFIG_ARM, CONFIG_X86, ...) and the string
CONFIG_ARCH; Levante configurations carry CONFIG_ARM and CONFIG_CPU_CORTEX_M. The
64-bit x86 port shares CONFIG_X86 with the 32-bit one but has different page tables,
so it is told apart: rules such as PAE apply to one and not the other.
"""

from __future__ import annotations

from collections.abc import Mapping

ARCHITECTURES = (
    "arm", "arm64", "x86", "x86_64", "riscv", "arc", "xtensa", "posix", "sparc", "mips",
    "nios2", "rx",
)

# Checked in order: CONFIG_ARM64 first because some trees also set CPU_CORTEX_A on it.
_ARCH_SYMBOLS = (
    ("ARM64", "arm64"), ("ARM", "arm"), ("X86", "x86"), ("RISCV", "riscv"), ("ARC", "arc"),
    ("XTENSA", "xtensa"), ("ARCH_POSIX", "posix"), ("SPARC", "sparc"), ("MIPS", "mips"),
    ("NIOS2", "nios2"), ("RX", "rx"),
)
# Weaker hints for configurations without an architecture symbol (older Levante ones).
_CPU_HINTS = (("CPU_CORTEX_M", "arm"), ("CPU_CORTEX_R", "arm"), ("CPU_AARCH64_CORTEX_R", "arm64"))


def _is_enabled(values: Mapping[str, str], symbol: str) -> bool:
    return values.get(symbol) in ("y", "m")


def detect_architecture(values: Mapping[str, str]) -> str | None:
    """The architecture name (one of ARCHITECTURES), or None when nothing tells it."""
    found = next((name for symbol, name in _ARCH_SYMBOLS if _is_enabled(values, symbol)), None)
    if found is None:
        arch_string = values.get("ARCH", "")
        found = arch_string if arch_string in ARCHITECTURES else None
    if found is None:
        found = next((name for symbol, name in _CPU_HINTS if _is_enabled(values, symbol)), None)
    if found == "x86" and _is_enabled(values, "X86_64"):
        return "x86_64"
    return found
