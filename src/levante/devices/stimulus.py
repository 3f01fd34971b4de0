"""A stimulus script for `levante run --stimulus FILE`: what the outside world does to the
board, at which simulated time.

One event per line, `#` starts a comment:

    500ms press sw0         the button (by devicetree label or alias) goes to active
    700ms release sw0       ... and back to what its pull gives
    1s    sensor ambient_temp 21.5   the virtual sensor's next reading of a channel

Times are a number and a unit (us, ms, s) from power-on, in order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from levante.errors import UsageError

_TIME = re.compile(r"^(\d+(?:\.\d+)?)(us|ms|s)$")
_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
ACTIONS = ("press", "release", "sensor")
# A reading becomes a struct sensor_value: its integer part must fit an int32_t.
SENSOR_VALUE_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class StimulusEvent:
    seconds: float
    action: str  # press | release | sensor
    target: str  # a button's name, or a sensor channel
    value: float = 0.0
    line: int = 0


def _seconds(text: str, where: str) -> float:
    match = _TIME.match(text)
    if match is None:
        raise UsageError(f"{where}: bad time '{text}': use a number and a unit (us, ms, s)")
    return float(match.group(1)) * _SECONDS[match.group(2)]


def parse_stimulus(text: str, source: str = "stimulus") -> list[StimulusEvent]:
    events: list[StimulusEvent] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        where = f"{source}:{number}"
        if len(words) < 3 or words[1] not in ACTIONS:
            raise UsageError(f"{where}: expected '<time> press|release <button>' or "
                             "'<time> sensor <channel> <value>'")
        seconds = _seconds(words[0], where)
        if events and seconds < events[-1].seconds:
            raise UsageError(f"{where}: events must be in time order")
        action = words[1]
        if action == "sensor":
            if len(words) != 4:
                raise UsageError(f"{where}: expected '<time> sensor <channel> <value>'")
            try:
                value = float(words[3])
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or abs(value) >= SENSOR_VALUE_LIMIT:
                raise UsageError(f"{where}: bad sensor value '{words[3]}' (a number "
                                 f"within ±{SENSOR_VALUE_LIMIT})")
            events.append(StimulusEvent(seconds, action, words[2], value, number))
        else:
            if len(words) != 3:
                raise UsageError(f"{where}: expected '<time> {action} <button>'")
            events.append(StimulusEvent(seconds, action, words[2], line=number))
    return events


@dataclass
class ScriptCursor:
    """Where a device is in its part of the script: the events it has not raised yet."""

    events: list[StimulusEvent]
    _next: int = field(default=0, init=False)

    def next_cycle(self, clock_hz: int) -> int | None:
        """The cycle of the next event, or None when the script is over."""
        if self._next >= len(self.events):
            return None
        return round(self.events[self._next].seconds * clock_hz)

    def due(self, now: int, clock_hz: int) -> Iterator[StimulusEvent]:
        """The events due at cycle `now`, in order, each once."""
        while (cycle := self.next_cycle(clock_hz)) is not None and cycle <= now:
            self._next += 1
            yield self.events[self._next - 1]


def load_stimulus(path: Path) -> list[StimulusEvent]:
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"cannot read stimulus file: {reason}: {path}") from None
    return parse_stimulus(text, str(path))
