"""zsock_poll's wait: a thread polling sockets, registered on each until one is ready.

The caller's `struct zsock_pollfd` array is copied in at the call and copied back whole
with the `revents` filled (as Zephyr's verification copies it), when the call returns at
once or when a socket's change wakes the poller; a timeout returns 0 with the array as
the call left it (every `revents` cleared).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from levante.kernel.fatal import Oops
from levante.kernel.objects.eventfd import EventFd
from levante.kernel.objects.socket import NetSocket, SocketTable
from levante.kernel.usermem import UserBuffer

if TYPE_CHECKING:
    from levante.kernel.syscalls.context import Services
    from levante.kernel.thread import Thread

POLLIN = 0x01
POLLPRI = 0x02
POLLOUT = 0x04
POLLERR = 0x08
POLLHUP = 0x10
POLLNVAL = 0x20
POLL_ENTRY = struct.Struct("<ihh")  # struct zsock_pollfd: fd, events, revents


@dataclass(frozen=True)
class PolledSocket:
    """One entry of the array: its descriptor, the events asked, and the socket it
    named at the call (None: no socket or eventfd the caller may use there)."""

    descriptor: int
    events: int
    socket: NetSocket | EventFd | None


def returned_events(table: SocketTable, polled: PolledSocket) -> int:
    """The entry's `revents` now (POSIX: a negative descriptor is ignored; one that
    names no socket of the caller's is POLLNVAL; POLLERR and POLLHUP are always
    reported)."""
    if polled.descriptor < 0:
        return 0
    sock = polled.socket
    if sock is None or table.lookup(polled.descriptor) is not sock:
        return POLLNVAL
    readiness = sock.readiness() if isinstance(sock, EventFd) else sock.transport.readiness()
    events = 0
    if polled.events & POLLIN and readiness.readable:
        events |= POLLIN
    if polled.events & POLLOUT and readiness.writable:
        events |= POLLOUT
    if readiness.error:
        events |= POLLERR
    if readiness.hung_up:
        events |= POLLHUP
    return events


def filled_array(entries: tuple[PolledSocket, ...], revents: list[int]) -> bytes:
    return b"".join(POLL_ENTRY.pack(entry.descriptor, _short(entry.events), _short(result))
                    for entry, result in zip(entries, revents, strict=True))


def _short(value: int) -> int:
    value &= 0xFFFF
    return value - 0x10000 if value & 0x8000 else value


@dataclass(eq=False)
class SocketPollWait:
    """A poller blocked in zsock_poll, registered on each socket it named."""

    thread: Thread
    entries: tuple[PolledSocket, ...]
    array: UserBuffer
    registered: list[NetSocket | EventFd] = field(default_factory=list)

    def register(self) -> None:
        for entry in self.entries:
            sock = entry.socket
            if sock is not None and sock not in self.registered:
                sock.pollers.append(self)
                self.registered.append(sock)

    def unregister(self) -> None:
        for sock in self.registered:
            if self in sock.pollers:
                sock.pollers.remove(self)
        self.registered.clear()

    def recheck(self, kernel: Services) -> None:
        """A socket it polls changed: when any entry is ready, the poller gets the
        array back and the count of ready entries."""
        thread = self.thread
        if thread.wait_data is not self:
            self.unregister()  # aborted, or already finished
            return
        revents = [returned_events(kernel.sockets, entry) for entry in self.entries]
        ready = sum(1 for value in revents if value)
        if not ready:
            return
        self.unregister()
        try:
            self.array.write(filled_array(self.entries, revents))
        except Oops as refused:
            kernel.fault_on_resume(thread, kernel.refusal_fault(
                thread.context, refused, thread.caller.is_user))
            return
        kernel.wake(thread, ready)
