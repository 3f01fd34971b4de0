"""The kernel's side of MCUmgr's shell group: a command line from an SMP peer waits for
the console shell, which runs it and reports its output and result back
(z_levante_smp_shell_done); the SMP service then answers the peer."""

from __future__ import annotations

from typing import Protocol

# What marks a line the shell reads as an SMP peer's command (ASCII record separator,
# taken out of what the console's own input brings, so no one can type it).
SMP_LINE_MARK = 0x1E


class SmpShellPort(Protocol):
    """The SMP service as the shell's result call reaches it."""

    @property
    def running(self) -> bool:
        """Whether a command line was handed to the shell and is not answered yet."""
        ...

    @property
    def output_limit(self) -> int:
        """The most output octets a response carries."""
        ...

    def finish(self, result: int, output: bytes) -> None:
        """Answer the peer: the command's output and result."""
        ...
