"""Event descriptors (Zephyr's eventfd, struct zvfs_eventfd): a 64-bit counter behind a
descriptor, read and written 8 bytes at a time and polled beside sockets.

An eventfd takes one of the runtime's CONFIG_ZVFS_EVENTFD_MAX slots (kernel memory)
and one descriptor of the table sockets use; as a socket, it is its creator's object
and another thread needs k_object_access_grant on it (zsock_get_context_object names
it).  The counting rules are Linux's eventfd(2), which Zephyr's follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.socket_transport import Readiness
from levante.kernel.usermem import UserBuffer
from levante.kernel.waitq import WaitQueue

EFD_SEMAPHORE = 0x2
EFD_NONBLOCK = 0x4000  # O_NONBLOCK
EFD_FLAGS = EFD_SEMAPHORE | EFD_NONBLOCK
# The counter's largest value: a write that would reach 2**64 - 1 waits (or EAGAIN).
COUNT_MAX = 2**64 - 2
VALUE_SIZE = 8  # eventfd_t


@kind_state
@dataclass(eq=False)
class EventFd:
    KIND: ClassVar[str] = "zvfs_eventfd"

    descriptor: int
    count: int
    semaphore: bool  # EFD_SEMAPHORE: a read takes 1, not the whole count
    nonblocking: bool  # EFD_NONBLOCK: EAGAIN instead of waiting
    address: int = 0  # its slot
    readers: WaitQueue = field(default_factory=WaitQueue)
    writers: WaitQueue = field(default_factory=WaitQueue)
    # zsock_poll waits registered on it (socket_poll.SocketPollWait).
    pollers: list[object] = field(default_factory=list)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> EventFd:
        raise ValueError("eventfds are made by eventfd(), never defined statically")

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.readers, self.writers)

    def readiness(self) -> Readiness:
        return Readiness(readable=self.count > 0, writable=self.count < COUNT_MAX)

    def take(self) -> int | None:
        """A read: the value it returns, or None when the counter is 0 (it would wait)."""
        if self.count == 0:
            return None
        value = 1 if self.semaphore else self.count
        self.count -= value
        return value

    def add(self, value: int) -> bool:
        """A write: False when the counter cannot take `value` now (it would wait)."""
        if self.count + value > COUNT_MAX:
            return False
        self.count += value
        return True


@dataclass(frozen=True)
class EventFdRead:
    """A reader's wait: where the value goes."""

    destination: UserBuffer


@dataclass(frozen=True)
class EventFdWrite:
    """A writer's wait: the value to add once it fits."""

    value: int
