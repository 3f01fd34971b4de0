"""zsock_poll: wait until sockets or eventfds are ready, or a timeout in milliseconds.

At most CONFIG_NET_SOCKETS_POLL_MAX entries (more: -ENOMEM, as Zephyr's poll gives).
Sockets are not k_poll objects in Zephyr 3.7 (their queues are the stack's own), so they
are polled here only; the poller pends like any kernel wait and a socket's change wakes
it (objects/socket_poll.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.objects.socket_poll import (
    POLL_ENTRY,
    PolledSocket,
    SocketPollWait,
    filled_array,
    returned_events,
)
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.socket_calls import K_FOREVER_TICKS, find_descriptor

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer


def _valid_poll(kernel: Inspect, caller: Caller, fds: int, count: int,
                timeout: int) -> int | Plan:
    if count < 0:
        return -ERRNO["EINVAL"]
    if count > kernel.sockets.poll_max:
        return -ERRNO["ENOMEM"]
    array = kernel.memory.buffer(caller, fds, count * POLL_ENTRY.size, AccessKind.WRITE)
    raw = array.read()
    entries = []
    for index in range(count):
        descriptor, events, _ = POLL_ENTRY.unpack_from(raw, index * POLL_ENTRY.size)
        sock = find_descriptor(kernel, caller, descriptor) if descriptor >= 0 else None
        entries.append(PolledSocket(descriptor, events & 0xFFFF,
                                    None if isinstance(sock, int) else sock))
    return tuple(entries), array, timeout


@syscall("z_levante_zsock_poll", validate=_valid_poll)
def zsock_poll(kernel: Services, caller: Caller, entries: tuple[PolledSocket, ...],
               array: UserBuffer, timeout: int) -> int | Blocked:
    revents = [returned_events(kernel.sockets, entry) for entry in entries]
    ready = sum(1 for value in revents if value)
    # Checked for this caller at the call: the copy back cannot be refused now.
    array.write(filled_array(entries, revents))
    if ready or timeout == 0:
        return ready
    wait = SocketPollWait(caller.thread, entries, array)
    wait.register()

    def timed_out() -> int | None:
        wait.unregister()
        return None

    ticks = K_FOREVER_TICKS if timeout < 0 else kernel.ms_to_ticks(timeout)
    result = kernel.pend(caller, None, ticks, 0, wait_data=wait, on_timeout=timed_out)
    if isinstance(result, int):
        wait.unregister()  # an ISR does not wait
    return result
