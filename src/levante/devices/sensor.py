"""The board's virtual sensor(s): readings the stimulus script sets at simulated-time
edges (`<time> sensor <channel> <value>`), raising the triggers they fire."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from levante.devices.stimulus import ScriptCursor, StimulusEvent
from levante.errors import UsageError
from levante.kernel.objects.sensor import CHANNELS, VirtualSensor
from levante.kernel.syscalls.sensor_calls import run_triggers

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


@dataclass(frozen=True)
class SensorNode:
    name: str
    address: int


@dataclass
class BoardSensor:
    """The image's virtual sensors; the script's readings go to every one of them."""

    nodes: list[SensorNode]
    events: list[StimulusEvent] = field(default_factory=list)
    kind: str = "sensor"
    kconfig: str = "SENSOR"

    def __post_init__(self) -> None:
        for event in self.events:
            if event.target not in CHANNELS:
                known = ", ".join(CHANNELS)
                raise UsageError(f"stimulus line {event.line}: no sensor channel "
                                 f"'{event.target}' (channels: {known})")
        self._kernel: Kernel | None = None
        self._sensors: list[VirtualSensor] = []
        self._script = ScriptCursor(self.events)

    def attach(self, kernel: Kernel) -> None:
        self._kernel = kernel
        for node in self.nodes:
            sensor = VirtualSensor(node.address, node.name)
            self._sensors.append(sensor)
            kernel.device_models[node.address] = sensor

    def next_event(self) -> int | None:
        if self._kernel is None:
            return None
        return self._script.next_cycle(self._kernel.config.clock_hz)

    def deliver(self, kernel: Kernel) -> None:
        for event in self._script.due(kernel.now, kernel.config.clock_hz):
            kernel.trace("sensor", channel=event.target, value=event.value)
            for sensor in self._sensors:
                run_triggers(kernel, sensor, sensor.set_live(CHANNELS[event.target],
                                                             event.value))

    def awaits_outside_input(self) -> bool:
        return False

    def wait_for_outside_input(self) -> None:
        """Never called: the script is known in advance."""
