"""z_levante_smp_shell_done: the console shell's report of an SMP peer's command (MCUmgr's
shell group), its result and output, which the SMP service sends back to the peer.

Supervisor code only (the shell's thread). With no command waiting (none was handed to
the shell, or the build has no shell group) it is -EINVAL; output past what a response
carries is cut there (Zephyr's shell group answers what its buffer holds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL = -ERRNO["EINVAL"]


def _valid_done(kernel: Inspect, caller: Caller, result: int, output: int,
                length: int) -> int | Plan:
    port = kernel.smp_shell
    if port is None or not port.running:
        return EINVAL
    kept = min(length, port.output_limit)
    return result, kernel.memory.read(caller, output, kept)


@syscall("z_levante_smp_shell_done", validate=_valid_done)
def z_levante_smp_shell_done(kernel: Services, caller: Caller, result: int,
                             output: bytes) -> int:
    port = kernel.smp_shell
    assert port is not None  # validated
    port.finish(result, output)
    return 0
