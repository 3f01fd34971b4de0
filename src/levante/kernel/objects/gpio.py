"""A GPIO controller (Zephyr's K_OBJ_DRIVER_GPIO): pin configuration, levels, interrupts.

The kernel keeps every pin's state; C code sees it only through the driver calls
(`syscalls/gpio_calls.py`).  Levels are physical (the wire) unless a call is a logical
one, where a pin configured GPIO_ACTIVE_LOW reads and writes inverted, as Zephyr's
`gpio_pin_get`/`gpio_pin_set` do.  A pin that nothing drives reads its pull: high with
GPIO_PULL_UP, else low.  The outside world (buttons) drives input pins through
`drive`; an input pin whose level changes raises its configured interrupt, and the
kernel runs the callbacks registered with `gpio_add_callback` in interrupt context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

# Zephyr's flag bits (include/zephyr/drivers/gpio.h and dt-bindings/gpio/gpio.h).
GPIO_ACTIVE_LOW = 1 << 0
GPIO_SINGLE_ENDED = 1 << 1
GPIO_PULL_UP = 1 << 4
GPIO_PULL_DOWN = 1 << 5
GPIO_INPUT = 1 << 16
GPIO_OUTPUT = 1 << 17
GPIO_OUTPUT_INIT_LOW = 1 << 18
GPIO_OUTPUT_INIT_HIGH = 1 << 19
GPIO_OUTPUT_INIT_LOGICAL = 1 << 20
GPIO_INT_DISABLE = 1 << 21
GPIO_INT_ENABLE = 1 << 22
GPIO_INT_LEVELS_LOGICAL = 1 << 23
GPIO_INT_EDGE = 1 << 24
GPIO_INT_LOW_0 = 1 << 25
GPIO_INT_HIGH_1 = 1 << 26
GPIO_INT_ENABLE_DISABLE_ONLY = 1 << 27
_INT_FLAGS = (GPIO_INT_DISABLE | GPIO_INT_ENABLE | GPIO_INT_LEVELS_LOGICAL | GPIO_INT_EDGE
              | GPIO_INT_LOW_0 | GPIO_INT_HIGH_1 | GPIO_INT_ENABLE_DISABLE_ONLY)
# What a pin configuration may hold: direction, initial level, pulls, polarity; single
# ended (open drain or source) outputs are a line this controller does not have.
_CONFIG_FLAGS = (GPIO_ACTIVE_LOW | GPIO_PULL_UP | GPIO_PULL_DOWN | GPIO_INPUT | GPIO_OUTPUT
                 | GPIO_OUTPUT_INIT_LOW | GPIO_OUTPUT_INIT_HIGH | GPIO_OUTPUT_INIT_LOGICAL)
WORD = 0xFFFF_FFFF

# (pins whose level changed, their new physical levels): what a level change reports.
LevelListener = Callable[["GpioController", int, int], None]


@dataclass(frozen=True)
class PinInterrupt:
    """A pin's interrupt, in physical levels: on an edge (to `high`, to low, or both),
    or while the level is `high`/low."""

    edge: bool
    on_high: bool
    on_low: bool

    def fires(self, old: int, new: int) -> bool:
        """Whether a change from `old` to `new` (0 or 1) raises it."""
        if self.edge:
            return old != new and ((new and self.on_high) or (not new and self.on_low))
        return (new and self.on_high) or (not new and self.on_low)


@dataclass(eq=False)
class GpioController:
    """One GPIO controller's pins."""

    KIND: ClassVar[str] = "device_gpio"

    address: int
    name: str
    ngpios: int = 32
    device: int = 0  # the image's struct device for it (set when boot registers it)
    inputs: int = 0  # pins configured as inputs (bit mask)
    outputs: int = 0  # pins configured as outputs
    active_low: int = 0  # pins whose logical level is inverted
    pull_up: int = 0
    driven_out: int = 0  # levels the outputs drive
    driven_in: int = 0  # levels the outside drives on input pins
    outside: int = 0  # pins the outside drives at all (else their pull decides)
    interrupts: dict[int, PinInterrupt] = field(default_factory=dict)
    callbacks: list[int] = field(default_factory=list)  # struct gpio_callback addresses
    pending: int = 0  # pins whose interrupt fired and is not yet delivered
    on_output: LevelListener | None = None  # the board watching the outputs

    @property
    def valid_pins(self) -> int:
        return (1 << self.ngpios) - 1

    def levels(self) -> int:
        """The physical level of every pin: what an output drives, what the outside
        drives on an input, else the pull."""
        undriven = ~(self.outputs | self.outside) & self.valid_pins
        return ((self.driven_out & self.outputs)
                | (self.driven_in & self.outside & ~self.outputs)
                | (self.pull_up & undriven))

    def configure(self, pin: int, flags: int) -> None:
        """gpio_pin_configure, once its flags are known to be valid."""
        bit = 1 << pin
        before = self.levels()
        self.inputs = self.inputs | bit if flags & GPIO_INPUT else self.inputs & ~bit
        self.outputs = self.outputs | bit if flags & GPIO_OUTPUT else self.outputs & ~bit
        self.active_low = (self.active_low | bit if flags & GPIO_ACTIVE_LOW
                           else self.active_low & ~bit)
        self.pull_up = self.pull_up | bit if flags & GPIO_PULL_UP else self.pull_up & ~bit
        if flags & GPIO_OUTPUT and flags & (GPIO_OUTPUT_INIT_LOW | GPIO_OUTPUT_INIT_HIGH):
            high = bool(flags & GPIO_OUTPUT_INIT_HIGH)
            if flags & GPIO_OUTPUT_INIT_LOGICAL and flags & GPIO_ACTIVE_LOW:
                high = not high
            self.driven_out = self.driven_out | bit if high else self.driven_out & ~bit
        if not flags & (GPIO_INPUT | GPIO_OUTPUT):
            self.interrupts.pop(pin, None)  # a disconnected pin raises nothing
        self._changed(before)

    def set_outputs(self, mask: int, value: int) -> None:
        """Drive the output latches of `mask` to `value` (physical); pins that are not
        outputs keep the value for when they become one, as a latch does."""
        before = self.levels()
        self.driven_out = (self.driven_out & ~mask) | (value & mask)
        self._changed(before)

    def drive(self, mask: int, value: int) -> None:
        """The outside world drives the pins of `mask` to `value` (physical)."""
        before = self.levels()
        self.outside |= mask
        self.driven_in = (self.driven_in & ~mask) | (value & mask)
        self._changed(before)

    def release(self, mask: int) -> None:
        """The outside world stops driving the pins of `mask`: their pull decides."""
        before = self.levels()
        self.outside &= ~mask
        self._changed(before)

    def configure_interrupt(self, pin: int, flags: int) -> None:
        """gpio_pin_interrupt_configure, once its flags are known to be valid."""
        if flags & GPIO_INT_DISABLE or not flags & GPIO_INT_ENABLE:
            self.interrupts.pop(pin, None)
            self.pending &= ~(1 << pin)
            return
        on_high, on_low = bool(flags & GPIO_INT_HIGH_1), bool(flags & GPIO_INT_LOW_0)
        if flags & GPIO_INT_LEVELS_LOGICAL and self.active_low >> pin & 1:
            on_high, on_low = on_low, on_high
        interrupt = PinInterrupt(bool(flags & GPIO_INT_EDGE), on_high, on_low)
        self.interrupts[pin] = interrupt
        level = self.levels() >> pin & 1
        if not interrupt.edge and interrupt.fires(level, level):
            self.pending |= 1 << pin  # a level interrupt whose level holds fires at once

    def take_pending(self) -> int:
        pins, self.pending = self.pending, 0
        return pins

    def _changed(self, before: int) -> None:
        after = self.levels()
        changed = before ^ after
        if not changed:
            return
        for pin, interrupt in self.interrupts.items():
            if changed >> pin & 1 and self.inputs >> pin & 1 \
                    and interrupt.fires(before >> pin & 1, after >> pin & 1):
                self.pending |= 1 << pin
        if self.on_output is not None and changed & self.outputs:
            self.on_output(self, changed & self.outputs, after)


def configuration_problem(controller: GpioController, pin: int, flags: int) -> str | None:
    """Why gpio_pin_configure refuses `flags` for `pin` (None: it accepts them)."""
    if not 0 <= pin < controller.ngpios:
        return "pin"
    if flags & ~_CONFIG_FLAGS & WORD or flags & GPIO_SINGLE_ENDED:
        return "flags"
    if flags & GPIO_PULL_UP and flags & GPIO_PULL_DOWN:
        return "flags"
    return None


def interrupt_problem(controller: GpioController, pin: int, flags: int) -> str | None:
    """Why gpio_pin_interrupt_configure refuses `flags` for `pin` (None: it accepts)."""
    if not 0 <= pin < controller.ngpios:
        return "pin"
    if flags & ~_INT_FLAGS & WORD:
        return "flags"
    if flags & GPIO_INT_ENABLE and not flags & (GPIO_INT_LOW_0 | GPIO_INT_HIGH_1):
        return "flags"
    if flags & GPIO_INT_ENABLE and not controller.inputs >> pin & 1:
        return "not-input"
    return None
