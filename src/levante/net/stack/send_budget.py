"""What the stack may hold while next hops are resolved: CONFIG_NET_PKT_TX_COUNT packets
in CONFIG_NET_BUF_TX_COUNT buffers of CONFIG_NET_BUF_DATA_SIZE octets, ARP's and
Neighbor Discovery's queues together (Zephyr's sending pools, where a packet waits)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SendBudget:
    """The bound; Zephyr's defaults."""

    packets: int = 14
    buffers: int = 36
    buffer_size: int = 128

    def buffers_for(self, datagram: bytes) -> int:
        return max(1, -(-len(datagram) // self.buffer_size))

    def admits(self, held: Iterable[bytes], datagram: bytes) -> bool:
        """Whether `datagram` may wait beside those `held`: a packet and its buffers
        must be free (no held one is dropped to make room, as a full pool refuses)."""
        held = list(held)
        used = sum(self.buffers_for(item) for item in held)
        return (len(held) < self.packets
                and used + self.buffers_for(datagram) <= self.buffers)
