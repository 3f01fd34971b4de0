"""sys_reboot: supervisor code ends this boot; the board powers the CPU up again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Services

SYS_REBOOT_COLD = 1  # <zephyr/sys/reboot.h>; any other type is a warm reboot


@syscall("z_levante_reboot")
def z_levante_reboot(kernel: Services, caller: Caller, reboot_type: int) -> None:
    # Zephyr's Cortex-M port resets the same way for every type; here a cold reboot is a
    # power cycle (RAM lost) and anything else a system reset (.noinit kept).
    kernel.reboot(reboot_type == SYS_REBOOT_COLD, caller.in_isr)
