"""The GPIO controller's pin model: levels from outputs, the outside and pulls; active-low
configuration; which level changes raise which pin interrupts; the checks of the calls."""

from __future__ import annotations

from levante.kernel.objects.gpio import (
    GPIO_ACTIVE_LOW,
    GPIO_INPUT,
    GPIO_INT_EDGE,
    GPIO_INT_ENABLE,
    GPIO_INT_HIGH_1,
    GPIO_INT_LEVELS_LOGICAL,
    GPIO_INT_LOW_0,
    GPIO_OUTPUT,
    GPIO_OUTPUT_INIT_HIGH,
    GPIO_OUTPUT_INIT_LOGICAL,
    GPIO_PULL_DOWN,
    GPIO_PULL_UP,
    GPIO_SINGLE_ENDED,
    GpioController,
    configuration_problem,
    interrupt_problem,
)

EDGE_RISING = GPIO_INT_ENABLE | GPIO_INT_EDGE | GPIO_INT_HIGH_1
EDGE_TO_ACTIVE = EDGE_RISING | GPIO_INT_LEVELS_LOGICAL
LEVEL_LOW = GPIO_INT_ENABLE | GPIO_INT_LOW_0


def test_an_input_reads_its_pull_until_driven() -> None:
    port = GpioController(0x4001_0000, "gpio")
    port.configure(3, GPIO_INPUT | GPIO_PULL_UP)
    assert port.levels() >> 3 & 1 == 1
    port.drive(1 << 3, 0)
    assert port.levels() >> 3 & 1 == 0
    port.release(1 << 3)
    assert port.levels() >> 3 & 1 == 1
    port.configure(3, GPIO_INPUT | GPIO_PULL_DOWN)
    assert port.levels() >> 3 & 1 == 0


def test_a_logical_initial_level_inverts_on_an_active_low_pin() -> None:
    port = GpioController(0x4001_0000, "gpio")
    active = GPIO_OUTPUT | GPIO_OUTPUT_INIT_HIGH | GPIO_OUTPUT_INIT_LOGICAL
    port.configure(1, active | GPIO_ACTIVE_LOW)
    port.configure(2, active)
    assert port.levels() & 0b110 == 0b100


def test_an_active_low_button_interrupts_when_pressed_not_released() -> None:
    port = GpioController(0x4001_0000, "gpio")
    port.configure(8, GPIO_INPUT | GPIO_PULL_UP | GPIO_ACTIVE_LOW)
    port.configure_interrupt(8, EDGE_TO_ACTIVE)
    port.drive(1 << 8, 0)  # pressed: the wire goes low, the logical level high
    assert port.take_pending() == 1 << 8
    port.release(1 << 8)
    assert port.take_pending() == 0


def test_a_level_interrupt_that_holds_fires_when_enabled() -> None:
    port = GpioController(0x4001_0000, "gpio")
    port.configure(4, GPIO_INPUT)  # no pull: low
    port.configure_interrupt(4, LEVEL_LOW)
    assert port.take_pending() == 1 << 4


def test_outputs_report_their_changes_and_only_changes() -> None:
    seen: list[tuple[int, int]] = []
    port = GpioController(0x4001_0000, "gpio",
                          on_output=lambda model, pins, levels: seen.append((pins, levels)))
    port.configure(0, GPIO_OUTPUT)
    port.set_outputs(1, 1)
    port.set_outputs(1, 1)
    port.set_outputs(1, 0)
    assert seen == [(1, 1), (1, 0)]


def test_the_calls_refuse_what_the_controller_cannot_do() -> None:
    port = GpioController(0x4001_0000, "gpio", ngpios=16)
    assert configuration_problem(port, 16, GPIO_INPUT) == "pin"
    assert configuration_problem(port, 1, GPIO_OUTPUT | GPIO_SINGLE_ENDED) == "flags"
    assert configuration_problem(port, 1, GPIO_INPUT | GPIO_PULL_UP | GPIO_PULL_DOWN) == "flags"
    assert configuration_problem(port, 1, 1 << 30) == "flags"
    assert configuration_problem(port, 1, GPIO_INPUT | GPIO_PULL_UP) is None
    assert interrupt_problem(port, 1, EDGE_RISING) == "not-input"
    port.configure(1, GPIO_INPUT)
    assert interrupt_problem(port, 1, EDGE_RISING) is None
    assert interrupt_problem(port, 1, GPIO_INT_ENABLE) == "flags"
