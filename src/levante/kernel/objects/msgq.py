"""Message queues (k_msgq): fixed-size messages in a ring the kernel reaches.

The ring is either memory a supervisor named (K_MSGQ_DEFINE, k_msgq_init: checked once
against the privileged map, then the kernel's) or a block of the initialising thread's
resource pool (k_msgq_alloc_init), which the queue owns and gives back when it is cleaned
up or freed.  User threads never name a ring: k_msgq_init is not a system call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.poll_events import PollRegistrations
from levante.kernel.pool import MemoryPool
from levante.kernel.waitq import WaitQueue


@kind_state
@dataclass(eq=False)
class MessageQueue:
    KIND: ClassVar[str] = "k_msgq"

    buffer: int
    message_size: int
    capacity: int
    read_index: int = 0
    write_index: int = 0
    used: int = 0
    senders: WaitQueue = field(default_factory=WaitQueue)
    receivers: WaitQueue = field(default_factory=WaitQueue)
    # The pool the ring came from when the queue owns it (K_MSGQ_FLAG_ALLOC).
    ring_pool: MemoryPool | None = None
    poll_events: PollRegistrations = field(default_factory=PollRegistrations)
    address: int = 0  # the struct k_msgq its ring's state is mirrored into

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> MessageQueue:
        return cls(fields["buffer_start"], fields["msg_size"], fields["max_msgs"],
                   address=address)

    def mirrored_fields(self) -> tuple[tuple[str, int], ...]:
        """What the struct k_msgq shows of the ring: Zephyr's pointer fields."""
        return (("read_ptr", self.slot_address(self.read_index)),
                ("write_ptr", self.slot_address(self.write_index)),
                ("used_msgs", self.used))

    def slot_address(self, index: int) -> int:
        return self.buffer + index * self.message_size

    def take_write_slot(self) -> int:
        address = self.slot_address(self.write_index)
        self.write_index = (self.write_index + 1) % self.capacity
        self.used += 1
        return address

    def take_read_slot(self) -> int:
        address = self.slot_address(self.read_index)
        self.read_index = (self.read_index + 1) % self.capacity
        self.used -= 1
        return address

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.senders, self.receivers)

    def take_owned_blocks(self) -> list[tuple[MemoryPool, int]]:
        """The memory the queue owns, handed over to be released (once)."""
        if self.ring_pool is None:
            return []
        owned, self.ring_pool = [(self.ring_pool, self.buffer)], None
        return owned
