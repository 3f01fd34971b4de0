"""IPC endpoints: where clients call and servers receive and reply (seL4, Hubris).

A client's call waits on the endpoint until a server receives it, then waits, off every
queue, for the reply; the server answers with the token its receive returned.  The
kernel checks each message against its method's description (`MessageChecking`, made by
the build from the `.idl` files) before delivering it; the endpoint itself only keeps who
waits and which calls are in service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.waitq import WaitQueue

if TYPE_CHECKING:
    from levante.kernel.thread import Thread
    from levante.kernel.usermem import UserBuffer

# The calls in service on one endpoint at once: each holds a blocked client, so the
# number of threads bounds it already; this bounds it whatever the threads do.
MAX_IN_SERVICE = 64
# The longest message (header and payload) a call copies in; the interface compiler
# refuses a method whose message could be longer.
MAX_MESSAGE = 2048
HEADER_SIZE = 16
TOKEN_MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class HandleSlot:
    """A handle parameter of a checked message: its name, where its u32 is, the value
    the sender put there (0: no handle) and the rights its `handle<...>` declares as a
    mask of the handle rights (0: none declared)."""

    name: str
    offset: int
    value: int
    rights: int = 0


@dataclass(frozen=True)
class CheckedMessage:
    """A message that matched its method: names, the decoded parameters (what the
    policy judges) and its handle slots, zero ones included."""

    interface: str
    method: str
    method_id: int
    fields: Mapping[str, object]
    handles: tuple[HandleSlot, ...] = ()

    @property
    def moves(self) -> tuple[HandleSlot, ...]:
        """The slots that carry a handle (a zero slot carries none)."""
        return tuple(slot for slot in self.handles if slot.value)


class MessageChecking(Protocol):
    """The build's interfaces, as the kernel checks messages against them."""

    def knows(self, interface: int) -> bool: ...

    def check(self, message: bytes, interface: int,
              request: CheckedMessage | None = None) -> CheckedMessage | str:
        """The decoded message, or why it is malformed; `request` is the call a reply
        answers (None for a request)."""
        ...


@dataclass(eq=False)
class PendingCall:
    """A client's call: its request (copied in when it called), where its reply goes,
    and, once a server received it, that server and the call's token."""

    client: Thread
    request: bytes
    checked: CheckedMessage
    reply_buffer: UserBuffer
    server: Thread | None = None
    token: int = 0
    # The server's priority before it served this call (restored at the reply), and
    # its own (base) priority then: if k_thread_priority_set changes that meanwhile,
    # the new one is restored instead.
    server_priority: int = 0
    server_base: int = 0

    def own_priority(self) -> int:
        """The priority the server returns to when it serves nothing more."""
        assert self.server is not None
        if self.server.base_priority != self.server_base:
            return self.server.base_priority
        return self.server_priority

    def client_waits(self) -> bool:
        """The client is still blocked in this call (not timed out, not aborted)."""
        return self.client.wait_data is self


@dataclass(frozen=True)
class PendingReceive:
    """A server waiting in receive: where the request and its token go."""

    buffer: UserBuffer
    token: UserBuffer  # 4 bytes


@kind_state
@dataclass(eq=False)
class IpcEndpoint:
    KIND: ClassVar[str] = "levante_ipc_endpoint"

    interface: int
    callers: WaitQueue = field(default_factory=WaitQueue)
    receivers: WaitQueue = field(default_factory=WaitQueue)
    in_service: dict[int, PendingCall] = field(default_factory=dict)
    # Tokens of calls whose client is gone (aborted, timed out) with the server that
    # had them: a reply to one gets -EPIPE; the oldest are forgotten past the bound.
    abandoned: dict[int, Thread] = field(default_factory=dict)
    tokens_issued: int = 0

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> IpcEndpoint:
        return cls(fields["interface"])

    def new_token(self) -> int:
        """A token no call in service has and none had recently: a counter, skipping
        0 (never a valid token) and any still in use after it wraps."""
        while True:
            self.tokens_issued = (self.tokens_issued + 1) & TOKEN_MASK
            if self.tokens_issued and self.tokens_issued not in self.in_service:
                return self.tokens_issued

    def abandon(self, pending: PendingCall) -> None:
        """The call's client is gone: forget the call, remember its token."""
        if self.in_service.get(pending.token) is pending:
            del self.in_service[pending.token]
        if pending.server is not None:
            self.abandoned[pending.token] = pending.server
            while len(self.abandoned) > MAX_IN_SERVICE:
                del self.abandoned[next(iter(self.abandoned))]

    def served_by(self, server: Thread) -> list[PendingCall]:
        return [pending for pending in self.in_service.values() if pending.server is server]

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.callers, self.receivers)
