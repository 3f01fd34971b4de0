"""The console UART: what the shell reads (console_getchar), from the host's input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


@dataclass
class ConsoleUart:
    """Console input: `read` returns the next bytes typed or piped in, b"" at the end."""

    read: Callable[[], bytes]
    kind: str = "console"
    kconfig: str = "CONSOLE"

    def attach(self, kernel: Kernel) -> None:
        kernel.console_input = self.read
