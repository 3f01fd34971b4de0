"""The GPIO driver's system calls (Zephyr's drivers/gpio.h) and the delivery of pin
interrupts to the callbacks registered with gpio_add_callback.

Zephyr's checks: the device first (a user thread needs a grant on the controller), then
every pointer the call writes through, then the pin and the flags (-EINVAL for a pin
the controller does not have, -ENOTSUP for what it cannot do).  A logical call
(`gpio_port_get`, `gpio_port_set_masked`) inverts the pins configured GPIO_ACTIVE_LOW;
in Zephyr those are inline functions over the raw calls and the driver's data, which
here is the kernel's.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS
from levante.arch.interface import AccessKind
from levante.kernel.objects.gpio import (
    GPIO_ACTIVE_LOW,
    GPIO_INPUT,
    GPIO_OUTPUT,
    GPIO_OUTPUT_INIT_HIGH,
    GPIO_OUTPUT_INIT_LOW,
    GPIO_PULL_UP,
    WORD,
    GpioController,
    configuration_problem,
    interrupt_problem,
)
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, ENOTSUP = (-ERRNO[name] for name in ("EINVAL", "ENOTSUP"))
_PROBLEM_ERRNO = {"pin": EINVAL, "flags": ENOTSUP, "not-input": ENOTSUP}
_HANDLER = FIELD_OFFSETS["gpio_callback.handler"]
_PIN_MASK = FIELD_OFFSETS["gpio_callback.pin_mask"]
_CALLBACK_SIZE = 12


def deliver_gpio_interrupts(kernel: Services, port_address: int,
                            controller: GpioController) -> None:
    """Run the callbacks of the pins whose interrupt fired, newest registration first
    (Zephyr prepends to the list), each with the fired pins it asked for."""
    pins = controller.take_pending()
    if not pins:
        return
    kernel.trace("gpio_interrupt", device=controller.name, pins=pins)
    for callback in list(controller.callbacks):
        if callback not in controller.callbacks:
            continue  # an earlier callback removed it
        handler = int.from_bytes(kernel.memory.kernel_read(callback + _HANDLER, 4), "little")
        mask = int.from_bytes(kernel.memory.kernel_read(callback + _PIN_MASK, 4), "little")
        if mask & pins:
            kernel.run_callback(handler, (port_address, callback, mask & pins),
                                f"gpio {controller.name}")


def _pin_number(pin: int) -> int:
    return pin & 0xFF  # gpio_pin_t is a uint8_t


@syscall("gpio_pin_configure")
def gpio_pin_configure(kernel: Services, caller: Caller, port: GpioController, pin: int,
                       flags: int) -> int:
    pin = _pin_number(pin)
    problem = configuration_problem(port, pin, flags)
    if problem is not None:
        return _PROBLEM_ERRNO[problem]
    port.configure(pin, flags)
    return 0


@syscall("gpio_pin_interrupt_configure")
def gpio_pin_interrupt_configure(kernel: Services, caller: Caller, port: GpioController,
                                 pin: int, flags: int) -> int:
    pin = _pin_number(pin)
    problem = interrupt_problem(port, pin, flags)
    if problem is not None:
        return _PROBLEM_ERRNO[problem]
    port.configure_interrupt(pin, flags)
    return 0


def _valid_out_word(kernel: Inspect, caller: Caller, port: GpioController,
                    pointer: int) -> Plan:
    kernel.memory.check(caller, pointer, 4, AccessKind.WRITE)
    return port, pointer


@syscall("gpio_port_get_raw", validate=_valid_out_word)
def gpio_port_get_raw(kernel: Services, caller: Caller, port: GpioController,
                      pointer: int) -> int:
    kernel.memory.write(caller, pointer, struct.pack("<I", port.levels()))
    return 0


@syscall("gpio_port_get", validate=_valid_out_word)
def gpio_port_get(kernel: Services, caller: Caller, port: GpioController,
                  pointer: int) -> int:
    kernel.memory.write(caller, pointer, struct.pack("<I", port.levels() ^ port.active_low))
    return 0


@syscall("gpio_port_set_masked_raw")
def gpio_port_set_masked_raw(kernel: Services, caller: Caller, port: GpioController,
                             mask: int, value: int) -> int:
    port.set_outputs(mask, value)
    return 0


@syscall("gpio_port_set_masked")
def gpio_port_set_masked(kernel: Services, caller: Caller, port: GpioController,
                         mask: int, value: int) -> int:
    port.set_outputs(mask, value ^ port.active_low)
    return 0


@syscall("gpio_port_set_bits_raw")
def gpio_port_set_bits_raw(kernel: Services, caller: Caller, port: GpioController,
                           pins: int) -> int:
    port.set_outputs(pins, WORD)
    return 0


@syscall("gpio_port_clear_bits_raw")
def gpio_port_clear_bits_raw(kernel: Services, caller: Caller, port: GpioController,
                             pins: int) -> int:
    port.set_outputs(pins, 0)
    return 0


@syscall("gpio_port_toggle_bits")
def gpio_port_toggle_bits(kernel: Services, caller: Caller, port: GpioController,
                          pins: int) -> int:
    port.set_outputs(pins, ~port.driven_out & WORD)
    return 0


def _valid_direction(kernel: Inspect, caller: Caller, port: GpioController, pin_map: int,
                     inputs: int, outputs: int) -> Plan:
    for pointer in (inputs, outputs):
        if pointer:
            kernel.memory.check(caller, pointer, 4, AccessKind.WRITE)
    return port, pin_map, inputs, outputs


@syscall("gpio_port_get_direction", validate=_valid_direction)
def gpio_port_get_direction(kernel: Services, caller: Caller, port: GpioController,
                            pin_map: int, inputs: int, outputs: int) -> int:
    for pointer, pins in ((inputs, port.inputs), (outputs, port.outputs)):
        if pointer:
            kernel.memory.write(caller, pointer, struct.pack("<I", pins & pin_map))
    return 0


def _valid_get_config(kernel: Inspect, caller: Caller, port: GpioController, pin: int,
                      pointer: int) -> int | Plan:
    kernel.memory.check(caller, pointer, 4, AccessKind.WRITE)
    pin = _pin_number(pin)
    return EINVAL if pin >= port.ngpios else (port, pin, pointer)


@syscall("gpio_pin_get_config", validate=_valid_get_config)
def gpio_pin_get_config(kernel: Services, caller: Caller, port: GpioController, pin: int,
                        pointer: int) -> int:
    bit = 1 << pin
    flags = (GPIO_INPUT if port.inputs & bit else 0) | (GPIO_OUTPUT if port.outputs & bit else 0)
    flags |= GPIO_ACTIVE_LOW if port.active_low & bit else 0
    flags |= GPIO_PULL_UP if port.pull_up & bit else 0
    if port.outputs & bit:
        flags |= GPIO_OUTPUT_INIT_HIGH if port.driven_out & bit else GPIO_OUTPUT_INIT_LOW
    kernel.memory.write(caller, pointer, struct.pack("<I", flags))
    return 0


@syscall("gpio_get_pending_int")
def gpio_get_pending_int(kernel: Services, caller: Caller, port: GpioController) -> int:
    return 1 if port.pending else 0


def _valid_callback(kernel: Inspect, caller: Caller, port: GpioController,
                    callback: int) -> Plan:
    # The kernel reads the structure whenever the interrupt fires: it must be memory a
    # supervisor may read (the caller is one: these calls are supervisor-only).
    kernel.memory.check(caller, callback, _CALLBACK_SIZE, AccessKind.READ)
    return port, callback


@syscall("gpio_add_callback", validate=_valid_callback)
def gpio_add_callback(kernel: Services, caller: Caller, port: GpioController,
                      callback: int) -> int:
    if callback in port.callbacks:
        port.callbacks.remove(callback)
    port.callbacks.insert(0, callback)
    return 0


def _valid_remove(kernel: Inspect, caller: Caller, port: GpioController,
                  callback: int) -> int | Plan:
    return _valid_callback(kernel, caller, port, callback) \
        if callback in port.callbacks else EINVAL


@syscall("gpio_remove_callback", validate=_valid_remove)
def gpio_remove_callback(kernel: Services, caller: Caller, port: GpioController,
                         callback: int) -> int:
    port.callbacks.remove(callback)
    return 0
