"""Message queues (k_msgq): fixed-size messages in a ring buffer in application memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.waitq import WaitQueue


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
