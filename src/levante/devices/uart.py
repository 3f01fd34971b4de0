"""The board's console UART with its driver API: the host's input is its receive line,
the console its transmit line, and it raises the interrupts the interrupt-driven API
asks for (an EventSource).

Received bytes wait in the kernel's console input buffer.  While the receive interrupt
is enabled and the system has nothing else to do, the UART hands the host's wait for
input to the run loop (a line at a time; wall-clock time enters only there), and raises
the interrupt at the simulated instant the bytes arrive.  A callback that leaves an
interrupt pending (the transmit interrupt stays enabled, bytes stay unread) is called
again one character time later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from levante.devices.console import wait_for_line
from levante.kernel.objects.uart import UartPort

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


@dataclass(frozen=True)
class UartNode:
    name: str
    address: int


@dataclass
class BoardUart:
    """The console UART(s) of the image, reading `read` (a line per call, b"" at the end)."""

    read: Callable[[], bytes]
    nodes: list[UartNode] = field(default_factory=list)
    kind: str = "console"
    kconfig: str = "SERIAL"

    def __post_init__(self) -> None:
        self._kernel: Kernel | None = None
        self._ports: list[UartPort] = []
        self._ended = False

    def attach(self, kernel: Kernel) -> None:
        self._kernel = kernel
        kernel.console_input = self._read
        for node in self.nodes:
            port = UartPort(node.address, node.name)
            self._ports.append(port)
            kernel.device_models[node.address] = port

    def _read(self) -> bytes:
        data = b"" if self._ended else self.read()
        self._ended = self._ended or not data
        return data

    def _received(self) -> bool:
        return self._kernel is not None and bool(self._kernel.input_buffer)

    def wait_for_line(self, seconds: float | None) -> float | None:
        """The host input's wait for a line (SMP's serial transport waits with it)."""
        return None if self._ended else wait_for_line(self.read, seconds)


@dataclass
class InterruptingUart(BoardUart):
    """The UART with the interrupt-driven API (CONFIG_UART_INTERRUPT_DRIVEN): an event
    source.  Without that option the board has a BoardUart, and the run loop never asks
    it for events."""

    def next_event(self) -> int | None:
        received = self._received()
        due = [port.next_irq for port in self._ports if port.wants_interrupt(received)]
        return min(due) if due else None

    def deliver(self, kernel: Kernel) -> None:
        for port in self._ports:
            if port.wants_interrupt(bool(kernel.input_buffer)) and port.next_irq <= kernel.now:
                port.next_irq = kernel.now + port.character_cycles(kernel.config.clock_hz)
                kernel.run_callback(port.callback, (port.device, port.user_data),
                                    f"uart {port.name}")

    def awaits_outside_input(self) -> bool:
        return not self._ended and any(port.rx_irq and port.callback for port in self._ports)

    def wait_for_outside_input(self) -> None:
        kernel = self._kernel
        if kernel is None:
            return
        data = self._read()
        if data:
            kernel.input_buffer += data
            for port in self._ports:
                port.next_irq = max(port.next_irq, kernel.now)
