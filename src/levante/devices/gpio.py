"""The board's GPIO controllers, with the LEDs and buttons the devicetree wires to them.

The controllers' pin state is the kernel's (`kernel/objects/gpio.py`); this device
creates one per devicetree node, watches the outputs (an LED that changes is traced, and
shown on the console with `levante run --show-gpio`), and presses and releases buttons
as a stimulus script says, at simulated-time edges, raising the pins' interrupts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from levante.devices.stimulus import ScriptCursor, StimulusEvent
from levante.errors import UsageError
from levante.kernel.objects.gpio import GPIO_ACTIVE_LOW, GpioController
from levante.kernel.syscalls.gpio_calls import deliver_gpio_interrupts

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


@dataclass(frozen=True)
class GpioLine:
    """An LED or a button: its names (devicetree labels and aliases), its controller's
    register address, its pin and the devicetree flags of the pin."""

    role: str  # "led" or "button"
    names: tuple[str, ...]
    label: str
    controller: int
    pin: int
    flags: int

    @property
    def name(self) -> str:
        """The name a user knows it by: its alias (led0, sw0) when it has one."""
        return self.names[-1]

    @property
    def active_level(self) -> int:
        return 0 if self.flags & GPIO_ACTIVE_LOW else 1


@dataclass(frozen=True)
class ControllerNode:
    name: str
    address: int
    ngpios: int


@dataclass
class BoardGpio:
    """The board's GPIO: controllers, LEDs and buttons, and the button script."""

    controllers: list[ControllerNode]
    lines: list[GpioLine]
    events: list[StimulusEvent] = field(default_factory=list)
    show: bool = False  # print LED changes on the console
    kind: str = "gpio"
    kconfig: str = "GPIO"

    def __post_init__(self) -> None:
        self._kernel: Kernel | None = None
        self._models: dict[int, GpioController] = {}
        self._script = ScriptCursor(self.events)
        buttons = {name: line for line in self.lines if line.role == "button"
                   for name in line.names}
        for event in self.events:
            if event.target not in buttons:
                known = ", ".join(sorted(buttons)) or "none"
                raise UsageError(f"stimulus line {event.line}: no button '{event.target}' "
                                 f"on this board (buttons: {known})")
        self._buttons = buttons

    def attach(self, kernel: Kernel) -> None:
        self._kernel = kernel
        for node in self.controllers:
            model = GpioController(node.address, node.name, node.ngpios,
                                   on_output=self._outputs_changed)
            self._models[node.address] = model
            kernel.device_models[node.address] = model

    # ---- the outputs ----------------------------------------------------------------

    def _line_at(self, controller: int, pin: int) -> GpioLine | None:
        return next((line for line in self.lines
                     if line.controller == controller and line.pin == pin), None)

    def _outputs_changed(self, model: GpioController, pins: int, levels: int) -> None:
        kernel = self._kernel
        if kernel is None:
            return
        seconds = kernel.now / kernel.config.clock_hz
        for pin in range(model.ngpios):
            if not pins >> pin & 1:
                continue
            level = levels >> pin & 1
            line = self._line_at(model.address, pin)
            name = line.name if line is not None else f"{model.name} pin {pin}"
            kernel.trace("gpio", device=model.name, pin=pin, level=level, line=name)
            if self.show:
                if line is not None and line.role == "led":
                    state = "on" if level == line.active_level else "off"
                else:
                    state = "high" if level else "low"
                kernel.print(f"[gpio {seconds:.6f} s] {name} {state}\n")

    # ---- the button script (an EventSource) ------------------------------------------

    def next_event(self) -> int | None:
        kernel = self._kernel
        if kernel is None:
            return None
        if any(model.pending for model in self._models.values()):
            return kernel.now  # an interrupt a driver call raised: delivered at once
        return self._script.next_cycle(kernel.config.clock_hz)

    def deliver(self, kernel: Kernel) -> None:
        for event in self._script.due(kernel.now, kernel.config.clock_hz):
            line = self._buttons[event.target]
            model = self._models.get(line.controller)
            if model is None:
                continue  # its controller is not in this image (CONFIG_GPIO off)
            kernel.trace("button", line=line.name, action=event.action)
            if event.action == "press":
                model.drive(1 << line.pin, line.active_level << line.pin)
            else:
                model.release(1 << line.pin)
        for model in self._models.values():
            deliver_gpio_interrupts(kernel, model.device, model)  # those that fired

    def awaits_outside_input(self) -> bool:
        return False

    def wait_for_outside_input(self) -> None:
        """Never called: the script is known in advance."""
