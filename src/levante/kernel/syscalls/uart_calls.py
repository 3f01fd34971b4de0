"""The UART driver's calls (Zephyr's drivers/uart.h) on the console UART.

Polled: uart_poll_out writes one byte to the console; uart_poll_in takes the next byte
of console input, asking the host for a line when none is buffered (as console_getchar
does: simulated time stands while an interactive terminal waits), -1 once the input has
ended.  Interrupt-driven (CONFIG_UART_INTERRUPT_DRIVEN): the callback runs in interrupt
context (devices/uart.py raises it) and moves bytes with uart_fifo_read/fill, kernel
functions as in Zephyr, where they may only be called from the callback.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.objects.uart import TX_FIFO_BYTES, UartPort
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, ENOTSUP = (-ERRNO[name] for name in ("EINVAL", "ENOTSUP"))
NO_CHARACTER = -1
_CONFIG = struct.Struct("<IBBBB")  # struct uart_config
assert _CONFIG.size == STRUCT_SIZES["uart_config"]
# Zephyr's enum values: parity NONE..SPACE, stop bits 0.5..2, data bits 5..9, flow
# control NONE..RS485.  The emulated line carries 8-bit characters without flow control.
_PARITIES, _STOP_BITS = range(5), range(4)
DATA_BITS_8, FLOW_CONTROL_NONE = 3, 0


def _valid_poll_in(kernel: Inspect, caller: Caller, port: UartPort, pointer: int) -> Plan:
    kernel.memory.check(caller, pointer, 1, AccessKind.WRITE)
    return port, pointer


@syscall("uart_poll_in", validate=_valid_poll_in)
def uart_poll_in(kernel: Services, caller: Caller, port: UartPort, pointer: int) -> int:
    if not kernel.input_buffer and kernel.console_input is not None:
        kernel.input_buffer += kernel.console_input()
    if not kernel.input_buffer:
        return NO_CHARACTER
    kernel.memory.write(caller, pointer, bytes([kernel.input_buffer.pop(0)]))
    return 0


@syscall("uart_poll_out")
def uart_poll_out(kernel: Services, caller: Caller, port: UartPort, character: int) -> None:
    kernel.console(bytes([character & 0xFF]))


@syscall("uart_err_check")
def uart_err_check(kernel: Services, caller: Caller, port: UartPort) -> int:
    return 0  # the emulated line has no framing, parity or overrun errors


def _valid_configure(kernel: Inspect, caller: Caller, port: UartPort,
                     pointer: int) -> int | Plan:
    kernel.memory.check(caller, pointer, _CONFIG.size, AccessKind.READ)
    baud, parity, stop_bits, data_bits, flow = _CONFIG.unpack(
        kernel.memory.read(caller, pointer, _CONFIG.size))
    if baud == 0 or parity not in _PARITIES or stop_bits not in _STOP_BITS:
        return EINVAL
    if data_bits != DATA_BITS_8 or flow != FLOW_CONTROL_NONE:
        return ENOTSUP
    return port, baud


@syscall("uart_configure", validate=_valid_configure)
def uart_configure(kernel: Services, caller: Caller, port: UartPort, baud: int) -> int:
    port.baud = baud
    return 0


def _valid_config_get(kernel: Inspect, caller: Caller, port: UartPort,
                      pointer: int) -> Plan:
    kernel.memory.check(caller, pointer, _CONFIG.size, AccessKind.WRITE)
    return port, pointer


@syscall("uart_config_get", validate=_valid_config_get)
def uart_config_get(kernel: Services, caller: Caller, port: UartPort, pointer: int) -> int:
    one_stop_bit = 1
    kernel.memory.write(caller, pointer, _CONFIG.pack(port.baud, 0, one_stop_bit,
                                                      DATA_BITS_8, FLOW_CONTROL_NONE))
    return 0


@syscall("uart_irq_callback_user_data_set")
def uart_irq_callback_user_data_set(kernel: Services, caller: Caller, port: UartPort,
                                    callback: int, user_data: int) -> int:
    port.callback, port.user_data = callback, user_data
    return 0


def _valid_fifo_fill(kernel: Inspect, caller: Caller, port: UartPort, data: int,
                     size: int) -> Plan:
    count = max(0, min(size, TX_FIFO_BYTES))
    kernel.memory.check(caller, data, count, AccessKind.READ)
    return port, kernel.memory.read(caller, data, count) if count else b""


@syscall("uart_fifo_fill", validate=_valid_fifo_fill)
def uart_fifo_fill(kernel: Services, caller: Caller, port: UartPort, data: bytes) -> int:
    if data:
        kernel.console(data)
    return len(data)


def _valid_fifo_read(kernel: Inspect, caller: Caller, port: UartPort, data: int,
                     size: int) -> Plan:
    count = max(0, min(size, len(kernel.input_buffer)))
    kernel.memory.check(caller, data, count, AccessKind.WRITE)
    return port, data, count


@syscall("uart_fifo_read", validate=_valid_fifo_read)
def uart_fifo_read(kernel: Services, caller: Caller, port: UartPort, data: int,
                   count: int) -> int:
    if count:
        kernel.memory.write(caller, data, bytes(kernel.input_buffer[:count]))
        del kernel.input_buffer[:count]
    return count


def _enable(kernel: Services, port: UartPort) -> None:
    port.next_irq = max(port.next_irq, kernel.now)


@syscall("uart_irq_tx_enable")
def uart_irq_tx_enable(kernel: Services, caller: Caller, port: UartPort) -> None:
    port.tx_irq = True
    _enable(kernel, port)


@syscall("uart_irq_tx_disable")
def uart_irq_tx_disable(kernel: Services, caller: Caller, port: UartPort) -> None:
    port.tx_irq = False


@syscall("uart_irq_rx_enable")
def uart_irq_rx_enable(kernel: Services, caller: Caller, port: UartPort) -> None:
    port.rx_irq = True
    _enable(kernel, port)


@syscall("uart_irq_rx_disable")
def uart_irq_rx_disable(kernel: Services, caller: Caller, port: UartPort) -> None:
    port.rx_irq = False


@syscall("uart_irq_err_enable")
def uart_irq_err_enable(kernel: Services, caller: Caller, port: UartPort) -> None:
    port.error_irq = True  # never raised: the line has no errors


@syscall("uart_irq_err_disable")
def uart_irq_err_disable(kernel: Services, caller: Caller, port: UartPort) -> None:
    port.error_irq = False


@syscall("uart_irq_tx_ready")
def uart_irq_tx_ready(kernel: Services, caller: Caller, port: UartPort) -> int:
    return 1 if port.tx_irq else 0  # the FIFO always has room: the console takes it all


@syscall("uart_irq_tx_complete")
def uart_irq_tx_complete(kernel: Services, caller: Caller, port: UartPort) -> int:
    return 1


@syscall("uart_irq_rx_ready")
def uart_irq_rx_ready(kernel: Services, caller: Caller, port: UartPort) -> int:
    return 1 if kernel.input_buffer else 0


@syscall("uart_irq_is_pending")
def uart_irq_is_pending(kernel: Services, caller: Caller, port: UartPort) -> int:
    return 1 if port.wants_interrupt(bool(kernel.input_buffer)) else 0


@syscall("uart_irq_update")
def uart_irq_update(kernel: Services, caller: Caller, port: UartPort) -> int:
    return 1
