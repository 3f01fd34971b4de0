"""Zephyr's kernel-internal timeouts (timeout_q.h: z_add_timeout, z_abort_timeout), which
supervisor code uses for tick-precise events: the function runs in interrupt context
with the struct _timeout's address when the timeout expires.  The kernel keeps the
timeout; the C structure only names it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Services

K_FOREVER_TICKS = -1


@syscall("z_levante_add_timeout")
def z_levante_add_timeout(kernel: Services, caller: Caller, to: int, fn: int,
                          ticks: int) -> None:
    """Arm `to` (re-arming it if it was armed, as a fresh start); K_FOREVER arms nothing."""
    kernel.timeouts.cancel(kernel.internal_timeouts.pop(to, None))
    if ticks == K_FOREVER_TICKS or fn == 0:
        return

    def expire() -> None:
        del kernel.internal_timeouts[to]  # expired: it may be added again from fn
        kernel.run_callback(fn, (to,), "timeout")

    kernel.internal_timeouts[to] = kernel.timeouts.arm(
        kernel.deadline_after_ticks(ticks), expire, "internal timeout")


@syscall("z_levante_abort_timeout")
def z_levante_abort_timeout(kernel: Services, caller: Caller, to: int) -> int:
    """0 if `to` was armed and is no more, -EINVAL if it was not armed."""
    timeout = kernel.internal_timeouts.pop(to, None)
    if timeout is None:
        return -ERRNO["EINVAL"]
    kernel.timeouts.cancel(timeout)
    return 0
