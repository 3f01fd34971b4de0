"""Mailboxes (k_mbox): messages wait for receivers and receivers for messages; a message
goes to the first waiting party whose descriptor matches (Zephyr's rules: each side may
name the other thread or accept any)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.sem import Semaphore
from levante.kernel.thread import Thread
from levante.kernel.usermem import UserBuffer
from levante.kernel.waitq import WaitQueue

ANY_THREAD = 0  # K_ANY


@dataclass(eq=False)
class MailboxSend:
    """A message on its way, as its sender's descriptor gave it when it was put."""

    size: int
    info: int
    data_address: int  # tx_data, which the receiver's descriptor is told
    data: UserBuffer | None  # the sender's bytes (None: no data)
    source: int  # the sending thread's struct k_thread
    target: int  # the thread it is for, or ANY_THREAD
    descriptor: int  # the sender's struct k_mbox_msg; 0 for k_mbox_async_put's copy
    sender: Thread | None  # waiting until the message is received; None when asynchronous
    async_sem: Semaphore | None = None  # given when an asynchronous message is received
    async_priority: int = 0  # an asynchronous message's place among waiting senders
    arrival: int = 0

    @property
    def priority(self) -> int:
        return self.sender.priority if self.sender is not None else self.async_priority

    def is_waiting(self) -> bool:
        """Still offered: an asynchronous message, or a sender still waiting with it (a
        sender that timed out or was aborted has left)."""
        return self.sender is None or self.sender.wait_data is self


@dataclass(frozen=True)
class MailboxReceive:
    """What a receiver's descriptor asks for, and where its data goes."""

    size: int
    info: int
    source: int  # the thread it accepts messages from, or ANY_THREAD
    target: int  # the receiving thread's struct k_thread
    descriptor: int
    buffer: UserBuffer | None  # None: the data is taken later (k_mbox_data_get)

    def accepts(self, message: MailboxSend) -> bool:
        return (message.target in (ANY_THREAD, self.target)
                and self.source in (ANY_THREAD, message.source))


@kind_state
@dataclass(eq=False)
class Mailbox:
    KIND: ClassVar[str] = "k_mbox"

    senders: list[MailboxSend] = field(default_factory=list)
    receivers: WaitQueue = field(default_factory=WaitQueue)
    # Asynchronous senders waiting for one of the CONFIG_NUM_MBOX_ASYNC_MSGS descriptors.
    async_waiters: WaitQueue = field(default_factory=WaitQueue)
    # Messages a receiver has but whose data it has not taken yet, by its descriptor.
    received: dict[int, MailboxSend] = field(default_factory=dict)
    arrivals: int = 0

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Mailbox:
        return cls()

    def offer(self, message: MailboxSend) -> None:
        self.arrivals += 1
        message.arrival = self.arrivals
        self.senders.append(message)

    def waiting_senders(self) -> list[MailboxSend]:
        """The messages still offered, in Zephyr's order: priority, then arrival."""
        self.senders = [message for message in self.senders if message.is_waiting()]
        return sorted(self.senders, key=lambda message: (message.priority, message.arrival))

    def asynchronous_in_use(self) -> int:
        return (sum(1 for message in self.senders if message.sender is None)
                + sum(1 for message in self.received.values() if message.sender is None))

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.receivers, self.async_waiters)
