"""Telling pollers an object is ready: one rule for every pollable kind (Zephyr's
z_handle_obj_poll_events).  Ordinary waiters are served first by the callers: an object
notifies its pollers only for what no waiting thread took."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.objects.poll_events import PollWait

if TYPE_CHECKING:
    from levante.kernel.objects.poll_events import PollRegistrations
    from levante.kernel.syscalls.context import Services

# K_POLL_STATE_* (Zephyr's bit values).
SIGNALED = 1 << 0
SEM_AVAILABLE = 1 << 1
DATA_AVAILABLE = 1 << 2
CANCELLED = 1 << 3
MSGQ_DATA_AVAILABLE = 1 << 4
PIPE_DATA_AVAILABLE = 1 << 5


def notify_pollers(kernel: Services, registrations: PollRegistrations, state: int) -> None:
    """The first registered event (its poller the most important, then the earliest)
    gets `state`; its poller, if it still waits, is woken (-EINTR for a cancellation),
    or its triggered work item submitted.  A poller woken already only has the state
    marked, as it has not run yet."""
    event = registrations.pop_first()
    if event is None:
        return
    event.state |= state
    wait = event.wait
    if wait is not None and wait.polling:
        wait.polling = False
        if isinstance(wait, PollWait):
            kernel.wake(wait.thread, -ERRNO["EINTR"] if state == CANCELLED else 0)
        else:
            wait.fire(0)  # any event, a cancellation included (as Zephyr)
