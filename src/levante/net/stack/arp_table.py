"""The ARP cache (RFC 826, RFC 1122 §2.3.2): bounded, aged on simulated time, with a
bounded queue of datagrams per address still being resolved.

Design note: the cache holds at most `size` entries and as many addresses in resolution;
when full, the entry updated longest ago makes room, so a flood of senders can only
churn the cache, never grow it. Entries expire `ENTRY_LIFETIME_US` after they were last
confirmed (RFC 1122 §2.3.2.1: a cache without timeouts keeps stale mappings for ever).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from levante.net.stack.stats import NetStats

# RFC 1122 §2.3.2.1 leaves the timeout to the implementation, "on the order of a minute".
ENTRY_LIFETIME_US = 60_000_000
# RFC 1122 §2.3.2.1: no more than one request per second to one destination.
REQUEST_INTERVAL_US = 1_000_000
MAX_REQUESTS = 3  # then the address is unreachable and its queue is dropped
# RFC 1122 §2.3.2.2: keep at least the latest datagram for an unresolved address.
MAX_QUEUED_PER_ADDRESS = 3


@dataclass
class ArpEntry:
    mac: str
    confirmed_at: int


@dataclass
class PendingResolution:
    """An address being resolved: the datagrams waiting for it and the request schedule."""

    requests_sent: int
    next_request_at: int
    datagrams: deque[bytes] = field(
        default_factory=lambda: deque(maxlen=MAX_QUEUED_PER_ADDRESS))


class ArpTable:
    """IPv4 address → MAC, bounded and aged, plus the addresses in resolution."""

    def __init__(self, size: int, stats: NetStats) -> None:
        self.size = size
        self.stats = stats
        self._entries: dict[str, ArpEntry] = {}
        self._pending: dict[str, PendingResolution] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, address: str, now: int) -> str | None:
        """The MAC of `address` while its entry is fresh; an expired entry is removed."""
        entry = self._entries.get(address)
        if entry is None:
            return None
        if now - entry.confirmed_at >= ENTRY_LIFETIME_US:
            del self._entries[address]
            self.stats.count("arp.expired")
            return None
        return entry.mac

    def knows(self, address: str) -> bool:
        return address in self._entries

    def store(self, address: str, mac: str, now: int) -> None:
        """Record (or refresh) `address` at `mac`, evicting the stalest entry if full."""
        if address not in self._entries and len(self._entries) >= self.size:
            stalest = min(self._entries, key=lambda key: self._entries[key].confirmed_at)
            del self._entries[stalest]
            self.stats.count("arp.evicted")
        self._entries[address] = ArpEntry(mac, now)

    def entries(self) -> dict[str, str]:
        """Address → MAC of every entry (expired ones included until next looked up)."""
        return {address: entry.mac for address, entry in self._entries.items()}

    def flush(self) -> int:
        """Forget every entry (`net arp flush`); how many there were. Resolutions under
        way go on."""
        count = len(self._entries)
        self._entries.clear()
        return count

    # --- Addresses in resolution ---------------------------------------------------

    def pending(self, address: str) -> PendingResolution | None:
        return self._pending.get(address)

    def start_resolution(self, address: str, now: int) -> PendingResolution | None:
        """A new resolution, its first request due now; None when as many are under way
        as the cache can hold."""
        if len(self._pending) >= self.size:
            return None
        resolution = PendingResolution(requests_sent=0, next_request_at=now)
        self._pending[address] = resolution
        return resolution

    def finish_resolution(self, address: str) -> list[bytes]:
        """The datagrams that waited for `address` (it is resolved, or given up)."""
        resolution = self._pending.pop(address, None)
        return list(resolution.datagrams) if resolution is not None else []

    @property
    def resolving(self) -> int:
        """How many addresses are being resolved (bounded by `size` too)."""
        return len(self._pending)

    def resolutions(self) -> dict[str, PendingResolution]:
        return dict(self._pending)

    def next_deadline(self) -> int | None:
        """When the next request (or giving up) is due."""
        return min((item.next_request_at for item in self._pending.values()), default=None)
