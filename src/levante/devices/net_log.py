"""CONFIG_NET_LOG: the stack's drops as log lines on the console, in the runtime's layout."""

from __future__ import annotations

from dataclasses import dataclass

# Zephyr's level numbers (LOG_LEVEL_DBG): Zephyr's stack logs each drop at debug level, so
# the lines appear only where debug messages are compiled in.
DEBUG_LEVEL = 4


@dataclass(frozen=True)
class DropLog:
    """How a drop is printed: the layout of `log.c` (full or LOG_MODE_MINIMAL)."""

    minimal: bool

    def line(self, uptime_ms: int, layer: str, reason: str) -> str:
        text = f"dropped: {reason}"
        if self.minimal:
            return f"D: {text}\n"
        stamp = (f"[{uptime_ms // 3_600_000:02}:{uptime_ms // 60_000 % 60:02}:"
                 f"{uptime_ms // 1000 % 60:02}.{uptime_ms % 1000:03}]")
        return f"{stamp} <dbg> net_{layer}: {text}\n"


def drop_log(log_enabled: bool, net_log: bool, default_level: int,
             minimal: bool) -> DropLog | None:
    """The drop log a build asks for: CONFIG_NET_LOG with debug messages compiled in."""
    if not (log_enabled and net_log and default_level >= DEBUG_LEVEL):
        return None
    return DropLog(minimal)
