"""The board's virtual sensor (Zephyr's K_OBJ_DRIVER_SENSOR): channels with live readings
the outside world sets (`levante run --stimulus`), the sample the last fetch took,
threshold attributes, and the triggers whose handlers run when readings cross them.

Values are Zephyr's units (°C, kPa, %RH, m/s², rad/s, gauss, lux); a channel the sensor
does not measure is -ENOTSUP, as a real driver says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

# Zephyr's enum sensor_channel values for the channels the virtual sensor measures.
CHANNELS: dict[str, int] = {
    "accel_x": 0, "accel_y": 1, "accel_z": 2,
    "gyro_x": 4, "gyro_y": 5, "gyro_z": 6,
    "magn_x": 8, "magn_y": 9, "magn_z": 10,
    "die_temp": 12, "ambient_temp": 13, "press": 14, "humidity": 16, "light": 17,
}
# The XYZ channels read three values at once.
XYZ_CHANNELS: dict[int, tuple[int, int, int]] = {
    3: (0, 1, 2), 7: (4, 5, 6), 11: (8, 9, 10),
}
SENSOR_CHAN_ALL = 60  # Zephyr's SENSOR_CHAN_ALL: every channel
# Readings before any stimulus: a room, a board at rest, lying flat.
DEFAULT_READINGS: dict[int, float] = {
    0: 0.0, 1: 0.0, 2: 9.80665, 4: 0.0, 5: 0.0, 6: 0.0, 8: 0.2, 9: 0.0, 10: 0.4,
    12: 35.0, 13: 21.0, 14: 101.325, 16: 45.0, 17: 300.0,
}
# enum sensor_attribute and enum sensor_trigger_type values the sensor serves.
ATTR_LOWER_THRESH, ATTR_UPPER_THRESH = 1, 2
TRIG_DATA_READY, TRIG_THRESHOLD = 1, 4


@dataclass(frozen=True)
class Trigger:
    kind: int  # TRIG_DATA_READY or TRIG_THRESHOLD
    channel: int
    handler: int  # sensor_trigger_handler_t
    trigger: int  # the caller's struct sensor_trigger, passed back to the handler


@dataclass(eq=False)
class VirtualSensor:
    KIND: ClassVar[str] = "device_sensor"

    address: int
    name: str
    device: int = 0  # the image's struct device for it (set when boot registers it)
    live: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_READINGS))
    sample: dict[int, float] = field(default_factory=dict)  # what the last fetch took
    thresholds: dict[tuple[int, int], float] = field(default_factory=dict)
    triggers: dict[tuple[int, int], Trigger] = field(default_factory=dict)

    @staticmethod
    def measures(channel: int) -> bool:
        return channel in DEFAULT_READINGS or channel in XYZ_CHANNELS \
            or channel == SENSOR_CHAN_ALL

    def fetch(self, channel: int) -> None:
        """Take a sample of `channel` (every channel for SENSOR_CHAN_ALL)."""
        if channel == SENSOR_CHAN_ALL:
            self.sample = dict(self.live)
            return
        for one in XYZ_CHANNELS.get(channel, (channel,)):
            self.sample[one] = self.live[one]

    def readings(self, channel: int) -> list[float] | None:
        """The sampled value(s) of `channel`, or None before it was fetched."""
        parts = XYZ_CHANNELS.get(channel, (channel,))
        if any(part not in self.sample for part in parts):
            return None
        return [self.sample[part] for part in parts]

    def set_live(self, channel: int, value: float) -> list[Trigger]:
        """The outside world changes a reading: the triggers it fires."""
        before = self.live[channel]
        self.live[channel] = value
        fired = []
        for (kind, trigger_channel), trigger in self.triggers.items():
            if trigger_channel not in (channel, SENSOR_CHAN_ALL) and \
                    channel not in XYZ_CHANNELS.get(trigger_channel, ()):
                continue
            if kind == TRIG_DATA_READY or (
                    kind == TRIG_THRESHOLD and self._crossed(channel, before, value)):
                fired.append(trigger)
        return fired

    def _crossed(self, channel: int, before: float, after: float) -> bool:
        lower = self.thresholds.get((channel, ATTR_LOWER_THRESH))
        upper = self.thresholds.get((channel, ATTR_UPPER_THRESH))
        below = lower is not None and after <= lower < before
        above = upper is not None and after >= upper > before
        return below or above


def to_sensor_value(value: float) -> tuple[int, int]:
    """Zephyr's struct sensor_value: an integer part and millionths, of the same sign."""
    micro = round(value * 1_000_000)
    whole = int(micro / 1_000_000)
    return whole, micro - whole * 1_000_000


def from_sensor_value(whole: int, micro: int) -> float:
    return whole + micro / 1_000_000
