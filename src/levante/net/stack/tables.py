"""The stack's bounded tables — their sizes now, their peaks and their limits — so that a
hostile run can show that no flood grew any of them past what the configuration allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A table's name (as the trace shows it) → how to read (size, limit) from the stack.
Reading = Callable[[], tuple[int, int]]


@dataclass
class TableUse:
    """One table: its entries now, the most it ever held, and the most it may hold."""

    size: int
    peak: int
    limit: int

    def as_dict(self) -> dict[str, int]:
        return {"size": self.size, "peak": self.peak, "limit": self.limit}


class TableWatch:
    """Reads the tables after every frame and keeps each one's peak.

    Why after every frame: a flood that fills a table and is then aged out would leave
    nothing to see at the end of the run; the peak is what a limit must hold against.
    """

    def __init__(self) -> None:
        self._readings: dict[str, Reading] = {}
        self._peaks: dict[str, int] = {}

    def watch(self, name: str, reading: Reading) -> None:
        self._readings[name] = reading
        self._peaks[name] = reading()[0]

    def observe(self) -> None:
        for name, reading in self._readings.items():
            size = reading()[0]
            if size > self._peaks[name]:
                self._peaks[name] = size

    def uses(self) -> dict[str, TableUse]:
        """Every watched table by name, sorted."""
        result = {}
        for name in sorted(self._readings):
            size, limit = self._readings[name]()
            result[name] = TableUse(size, max(self._peaks[name], size), limit)
        return result

    def snapshot(self) -> dict[str, dict[str, int]]:
        """The trace's form: name → {size, peak, limit}."""
        return {name: use.as_dict() for name, use in self.uses().items()}

    def overflowing(self) -> list[str]:
        """The tables whose peak went past their limit (none, unless the stack is wrong)."""
        return [name for name, use in self.uses().items() if use.peak > use.limit]
