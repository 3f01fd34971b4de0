"""irq_offload (CONFIG_IRQ_OFFLOAD): run a function in interrupt context, now.

As Zephyr's software interrupt: the caller (a supervisor thread, as in Zephyr) stops,
the function runs as an ISR on the interrupt stack at the current instant, and the
caller is then ready again; whatever the ISR made ready is scheduled as after any
interrupt, by priority.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.kernel.fatal import Oops
from levante.kernel.syscalls.registry import syscall
from levante.kernel.thread import ThreadState

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan


def _valid_offload(kernel: Inspect, caller: Caller, routine: int, parameter: int) -> Plan:
    """From a thread only: an ISR is already in interrupt context, and interrupts do
    not nest on Levante's boards."""
    if caller.in_isr:
        raise Oops("irq_offload called from an ISR")
    return routine, parameter


@syscall("z_levante_irq_offload", validate=_valid_offload)
def z_levante_irq_offload(kernel: Services, caller: Caller, routine: int,
                          parameter: int) -> Blocked:
    thread = caller.thread

    def interrupt() -> None:
        kernel.run_callback(routine, (parameter,), "irq_offload")
        if thread.state is ThreadState.SLEEPING:  # not woken, aborted or ended meanwhile
            kernel.wake(thread, 0)

    kernel.timeouts.arm(kernel.now, interrupt, "irq_offload")
    return kernel.sleep(thread, None)
