"""The console UART (Zephyr's K_OBJ_DRIVER_UART): polled bytes and the interrupt-driven API.

Received bytes are the console input the kernel already buffers (`Kernel.input_buffer`,
what the shell's console_getchar reads too): one stream, one buffer.  Transmitted bytes
go to the console.  The interrupt state is here: the callback uart_irq_callback_set
registered, which interrupts are enabled, and when the line last raised one, so that a
callback that leaves its interrupt pending is called again one character time later
rather than at the same instant forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

TX_FIFO_BYTES = 16  # what one uart_fifo_fill may take, as a 16-byte FIFO would
BITS_PER_CHARACTER = 10  # start, 8 data, stop


@dataclass(eq=False)
class UartPort:
    """One UART's driver state."""

    KIND: ClassVar[str] = "device_uart"

    address: int
    name: str
    baud: int = 115200
    device: int = 0  # the image's struct device for it (set when boot registers it)
    callback: int = 0  # uart_irq_callback_user_data_t, 0: none
    user_data: int = 0
    rx_irq: bool = False
    tx_irq: bool = False
    error_irq: bool = False
    next_irq: int = 0  # the earliest cycle the line may interrupt again

    def character_cycles(self, clock_hz: int) -> int:
        """How long one character takes on the line, in CPU cycles."""
        return max(1, clock_hz * BITS_PER_CHARACTER // self.baud)

    def wants_interrupt(self, received: bool) -> bool:
        """Whether the line has an interrupt to raise (`received`: bytes are waiting)."""
        return self.callback != 0 and (self.tx_irq or (self.rx_irq and received))
