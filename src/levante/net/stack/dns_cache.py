"""The DNS resolver's cache (CONFIG_DNS_RESOLVER_CACHE): answers kept for their TTL on
simulated time, at most a bounded number; the oldest entry makes room for a new one."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

SECOND = 1_000_000


@dataclass(frozen=True)
class CachedAnswer:
    addresses: tuple[str, ...]
    expires_at: int


class DnsCache:
    """(name, record type) → addresses until the smallest TTL among them runs out."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, int], CachedAnswer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, name: str, record_type: int, now: int) -> tuple[str, ...] | None:
        key = (name.lower().rstrip("."), record_type)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if now >= entry.expires_at:
            del self._entries[key]
            return None
        return entry.addresses

    def store(self, name: str, record_type: int, addresses: tuple[str, ...], ttl_s: int,
              now: int) -> None:
        """Keep `addresses` for `ttl_s` seconds; a TTL of 0 means do not cache (RFC 1035
        §3.2.1), and an empty answer is not kept."""
        if self.capacity <= 0 or ttl_s <= 0 or not addresses:
            return
        key = (name.lower().rstrip("."), record_type)
        self._entries.pop(key, None)
        while len(self._entries) >= self.capacity:
            self._entries.popitem(last=False)
        self._entries[key] = CachedAnswer(addresses, now + ttl_s * SECOND)

    def flush(self) -> None:
        self._entries.clear()
