"""Sockets (Zephyr's net_context, K_OBJ_NET_SOCKET): a descriptor's kernel object.

A socket is made by zsock_socket in one of the runtime's CONFIG_NET_MAX_CONTEXTS slots
(kernel memory the image reserves), granted to its creator only: another thread needs
k_object_access_grant on it (zsock_get_context_object names it), however it learnt the
descriptor number (CVE-2020-10072).  The kernel keeps the options and the waiters; the
network keeps the endpoint (`TransportSocket`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from levante.abi import ERRNO
from levante.kernel.objects.eventfd import EventFd
from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.socket_transport import NetworkService, TransportSocket
from levante.kernel.waitq import WaitQueue

if TYPE_CHECKING:
    from levante.kernel.objects.mqtt_session import MqttSession

FIRST_DESCRIPTOR = 3


@kind_state
@dataclass(eq=False)
class NetSocket:
    KIND: ClassVar[str] = "net_context"

    descriptor: int
    family: int
    kind: int  # SOCK_STREAM, SOCK_DGRAM
    protocol: int
    transport: TransportSocket
    address: int = 0  # its slot
    nonblocking: bool = False  # O_NONBLOCK (fcntl)
    receive_timeout: int | None = None  # SO_RCVTIMEO in ticks (None: wait forever)
    send_timeout: int | None = None  # SO_SNDTIMEO
    reuse_address: bool = False  # SO_REUSEADDR
    receive_buffer: int = 0  # SO_RCVBUF as set (0: the transport's own)
    listening: bool = False
    connecting: bool = False  # a stream's connect is under way
    readers: WaitQueue = field(default_factory=WaitQueue)  # recv, accept
    writers: WaitQueue = field(default_factory=WaitQueue)  # send, connect
    # zsock_poll waits registered on it (socket_poll.SocketPollWait).
    pollers: list[object] = field(default_factory=list)
    # The MQTT client session running over it (syscalls/mqtt_calls.py), if any: it
    # lives and ends with the socket, under the socket's permissions.
    mqtt: MqttSession | None = None

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> NetSocket:
        raise ValueError("sockets are made by zsock_socket, never defined statically")

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.readers, self.writers)


@dataclass
class SocketTable:
    """Descriptors and the slots behind them, and the network they reach."""

    slots: tuple[int, ...] = ()  # the addresses of the runtime's net_context array
    poll_max: int = 3  # CONFIG_NET_SOCKETS_POLL_MAX
    descriptor_limit: int = 4  # CONFIG_ZVFS_OPEN_MAX
    network: NetworkService | None = None  # the board's network, once attached
    by_descriptor: dict[int, NetSocket] = field(default_factory=dict)
    # Eventfds share the descriptor numbers (CONFIG_ZVFS_EVENTFD_MAX slots of their own).
    eventfd_slots: tuple[int, ...] = ()
    eventfds: dict[int, EventFd] = field(default_factory=dict)

    def socket(self, descriptor: int) -> NetSocket | None:
        return self.by_descriptor.get(descriptor)

    def lookup(self, descriptor: int) -> NetSocket | EventFd | None:
        """Whatever `descriptor` names: a socket, an eventfd, or nothing."""
        return self.by_descriptor.get(descriptor) or self.eventfds.get(descriptor)

    def free_eventfd_slot(self) -> int | None:
        used = {event.address for event in self.eventfds.values()}
        return next((slot for slot in self.eventfd_slots if slot not in used), None)

    def free_descriptor(self) -> int | None:
        """The lowest descriptor free, as Zephyr's fd table hands them (None: the table
        is full); 0 to 2 stay the console's (Zephyr's table with POSIX device I/O
        reserves them), so the C library's close/read/write can tell a socket's."""
        if len(self.by_descriptor) + len(self.eventfds) >= self.descriptor_limit:
            return None
        return next(number for number in range(FIRST_DESCRIPTOR,
                                               FIRST_DESCRIPTOR + self.descriptor_limit + 1)
                    if number not in self.by_descriptor and number not in self.eventfds)

    def unavailable(self) -> int:
        """0, or why no socket can be made now: -ENFILE (the descriptor table is full,
        Zephyr's zvfs_reserve_fd) or -ENOENT (every net_context is taken)."""
        if self.free_descriptor() is None:
            return -ERRNO["ENFILE"]
        if self.free_slot() is None:
            return -ERRNO["ENOENT"]
        return 0

    def free_slot(self) -> int | None:
        used = {sock.address for sock in self.by_descriptor.values()}
        return next((slot for slot in self.slots if slot not in used), None)
