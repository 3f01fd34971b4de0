"""A stimulus script for `levante run --stimulus FILE`: what the outside world does to the
board, at which simulated time.

One event per line, `#` starts a comment:

    500ms press sw0         the button (by devicetree label or alias) goes to active
    700ms release sw0       ... and back to what its pull gives
    1s    sensor ambient_temp 21.5   the virtual sensor's next reading of a channel

Times are a number and a unit (us, ms, s) from power-on, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from levante.errors import UsageError

_TIME = re.compile(r"^(\d+(?:\.\d+)?)(us|ms|s)$")
_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
ACTIONS = ("press", "release", "sensor")


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
                raise UsageError(f"{where}: bad sensor value '{words[3]}'") from None
            events.append(StimulusEvent(seconds, action, words[2], value, number))
        else:
            if len(words) != 3:
                raise UsageError(f"{where}: expected '<time> {action} <button>'")
            events.append(StimulusEvent(seconds, action, words[2], line=number))
    return events


def load_stimulus(path: Path) -> list[StimulusEvent]:
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"cannot read stimulus file: {reason}: {path}") from None
    return parse_stimulus(text, str(path))
