"""The IPv6 neighbor cache (RFC 4861 §7.3): bounded, with the reachability states on
simulated time and a bounded queue of packets per address being resolved.

Design note: at most `size` entries; a new neighbour takes the place of the entry used
longest ago that is not being resolved, so a flood of solicitations churns the cache
but never grows it, and cannot push out the packets waiting for a resolution. Timings
are RFC 4861 §10's constants; ReachableTime is BaseReachableTime itself rather than a
random multiple of it (§6.3.2), since the simulation is deterministic.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field

from levante.net.stack.stats import NetStats

MILLISECOND = 1000
REACHABLE_TIME_US = 30_000 * MILLISECOND  # REACHABLE_TIME
RETRANS_TIMER_US = 1_000 * MILLISECOND  # RETRANS_TIMER
DELAY_FIRST_PROBE_TIME_US = 5_000 * MILLISECOND
MAX_MULTICAST_SOLICIT = 3
MAX_UNICAST_SOLICIT = 3
MAX_QUEUED_PER_ADDRESS = 3  # like ARP's (RFC 4861 §7.2.2: at least one)


class NeighborState(enum.Enum):
    INCOMPLETE = "incomplete"
    REACHABLE = "reachable"
    STALE = "stale"
    DELAY = "delay"
    PROBE = "probe"


@dataclass
class Neighbor:
    address: str
    state: NeighborState
    mac: str | None = None
    is_router: bool = False
    used_at: int = 0
    deadline: int | None = None  # the state's timer (None: STALE waits for traffic)
    solicitations_sent: int = 0
    queued: deque[bytes] = field(default_factory=lambda: deque(maxlen=MAX_QUEUED_PER_ADDRESS))


class NeighborCache:
    """IPv6 address → neighbour entry, bounded."""

    def __init__(self, size: int, stats: NetStats) -> None:
        self.size = size
        self.stats = stats
        self._entries: dict[str, Neighbor] = {}
        self.reachable_time_us = REACHABLE_TIME_US
        self.retrans_timer_us = RETRANS_TIMER_US

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, address: str) -> Neighbor | None:
        return self._entries.get(address)

    def entries(self) -> list[Neighbor]:
        return list(self._entries.values())

    def create(self, address: str, state: NeighborState, now: int) -> Neighbor | None:
        """A new entry, evicting the one used longest ago that waits for nothing; None
        (counted) when every entry is being resolved."""
        if len(self._entries) >= self.size:
            candidates = [entry for entry in self._entries.values()
                          if entry.state is not NeighborState.INCOMPLETE]
            if not candidates:
                self.stats.drop("ndp", "neighbor-cache-full")
                return None
            oldest = min(candidates, key=lambda entry: entry.used_at)
            del self._entries[oldest.address]
            self.stats.count("ndp.evicted")
        entry = Neighbor(address, state, used_at=now)
        self._entries[address] = entry
        return entry

    def remove(self, address: str) -> Neighbor | None:
        return self._entries.pop(address, None)

    def set_state(self, entry: Neighbor, state: NeighborState, now: int) -> None:
        """Enter `state` with its timer (RFC 4861 §7.3.3)."""
        entry.state = state
        entry.solicitations_sent = 0
        if state is NeighborState.REACHABLE:
            entry.deadline = now + self.reachable_time_us
        elif state is NeighborState.DELAY:
            entry.deadline = now + DELAY_FIRST_PROBE_TIME_US
        elif state in (NeighborState.PROBE, NeighborState.INCOMPLETE):
            entry.deadline = now  # the first solicitation is due at once
        else:
            entry.deadline = None

    def next_deadline(self) -> int | None:
        return min((entry.deadline for entry in self._entries.values()
                    if entry.deadline is not None), default=None)
