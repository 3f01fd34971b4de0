"""The stack's counters: what each layer received, sent and dropped, and why (`net stats`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable


class NetStats:
    """Named counters: `<layer>.received`, `<layer>.sent`, `<layer>.drop.<reason>`."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        # Told of every drop (layer, reason) as it is counted: CONFIG_NET_LOG's lines.
        self.on_drop: Callable[[str, str], None] | None = None

    def count(self, name: str) -> None:
        self._counts[name] += 1

    def drop(self, layer: str, reason: str) -> None:
        """One packet of `layer` discarded for `reason` (a short hyphenated phrase)."""
        self._counts[f"{layer}.drop.{reason}"] += 1
        if self.on_drop is not None:
            self.on_drop(layer, reason)

    def get(self, name: str) -> int:
        return self._counts[name]

    def drops(self) -> dict[str, int]:
        """Every drop counter that is not zero, by name."""
        return {name: value for name, value in sorted(self._counts.items())
                if ".drop." in name}

    def total_drops(self) -> int:
        return sum(self.drops().values())

    def snapshot(self) -> dict[str, int]:
        """Every counter that is not zero, sorted by name."""
        return dict(sorted(self._counts.items()))
