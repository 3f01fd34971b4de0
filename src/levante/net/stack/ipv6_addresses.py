"""The interface's IPv6 addresses, on-link prefixes and multicast groups, all bounded.

Design note: unicast addresses start tentative while Duplicate Address Detection runs
(RFC 4862 §5.4) and receive nothing but DAD's messages; autoconfigured ones carry the
lifetimes of their prefix (RFC 4862 §5.5.4: deprecated when preferred runs out, removed
when valid does). Groups count their users, since an address and its solicited-node
group may share one (a SLAAC address has the link-local one's identifier).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from levante.net.stack.ipv6_settings import (
    ALL_NODES,
    is_link_local,
    is_link_scope_multicast,
    same_prefix,
    solicited_node_group,
)
from levante.net.stack.stats import NetStats

SECOND = 1_000_000


class AddressState(enum.Enum):
    TENTATIVE = "tentative"
    PREFERRED = "preferred"
    DEPRECATED = "deprecated"


class Origin(enum.Enum):
    LINK_LOCAL = "link-local"
    STATIC = "static"
    AUTOCONF = "autoconf"
    MANUAL = "manual"  # added by the application (net_if_ipv6_addr_add)


@dataclass
class UnicastAddress:
    address: str
    prefix_length: int
    origin: Origin
    state: AddressState = AddressState.TENTATIVE
    preferred_until: int | None = None  # None: for ever
    valid_until: int | None = None
    probes_sent: int = 0
    next_probe_at: int | None = None  # DAD's next step


@dataclass
class OnLinkPrefix:
    prefix: str
    length: int
    valid_until: int | None


# A group joined (True) or left (False): what MLD reports.
GroupChange = Callable[[str, bool, int], None]


class InterfaceAddresses:
    """Unicast addresses, on-link prefixes and joined groups of one interface."""

    def __init__(self, unicast_limit: int, multicast_limit: int, prefix_limit: int,
                 stats: NetStats) -> None:
        self.unicast_limit = unicast_limit
        self.multicast_limit = multicast_limit
        self.prefix_limit = prefix_limit
        self.stats = stats
        self.unicast: list[UnicastAddress] = []
        self.prefixes: list[OnLinkPrefix] = []
        self.groups: Counter[str] = Counter()
        self.on_group_change: GroupChange | None = None

    # --- Unicast ----------------------------------------------------------------------

    def find(self, address: str) -> UnicastAddress | None:
        return next((entry for entry in self.unicast if entry.address == address), None)

    def is_ours(self, address: str) -> bool:
        """Whether `address` is one of ours, tentative ones included (RFC 4862 §5.4:
        nobody else may use it as a source either)."""
        return self.find(address) is not None

    def is_assigned(self, address: str) -> bool:
        """Ours and past DAD: packets to it are received."""
        entry = self.find(address)
        return entry is not None and entry.state is not AddressState.TENTATIVE

    def add(self, entry: UnicastAddress, now: int) -> bool:
        """Add an address and join its solicited-node group; False (counted) when the
        table or the group table is full."""
        if self.find(entry.address) is not None:
            return True
        if len(self.unicast) >= self.unicast_limit:
            self.stats.drop("ipv6", "address-table-full")
            return False
        if not self.join(solicited_node_group(entry.address), now):
            return False
        self.unicast.append(entry)
        return True

    def remove(self, address: str, now: int) -> None:
        entry = self.find(address)
        if entry is None:
            return
        self.unicast.remove(entry)
        self.leave(solicited_node_group(address), now)

    def preferred(self) -> list[UnicastAddress]:
        return [entry for entry in self.unicast if entry.state is AddressState.PREFERRED]

    def source_for(self, destination: str) -> str | None:
        """RFC 6724 §5, the rules that matter on one interface: the same scope (rule 2),
        preferred over deprecated (rule 3), the longest matching prefix (rule 8)."""
        link_scope = is_link_local(destination) or is_link_scope_multicast(destination)
        candidates = [entry for entry in self.unicast
                      if entry.state is not AddressState.TENTATIVE
                      and is_link_local(entry.address) == link_scope]
        if not candidates:
            return None

        def rank(entry: UnicastAddress) -> tuple[bool, int]:
            matching = max((length for length in range(128, -1, -1)
                            if same_prefix(entry.address, destination, length)), default=0)
            return entry.state is AddressState.PREFERRED, matching

        return max(candidates, key=rank).address

    # --- On-link prefixes -------------------------------------------------------------

    def is_on_link(self, destination: str) -> bool:
        """RFC 4861 §5.2: link-local addresses, and those in an on-link prefix (the
        static address's and those routers advertise with the L flag)."""
        if is_link_local(destination):
            return True
        if any(entry.origin in (Origin.STATIC, Origin.MANUAL)
               and same_prefix(entry.address, destination, entry.prefix_length)
               for entry in self.unicast):
            return True
        return any(same_prefix(prefix.prefix, destination, prefix.length)
                   for prefix in self.prefixes)

    def update_prefix(self, prefix: str, length: int, valid_until: int | None) -> None:
        """RFC 4861 §6.3.4: add, refresh, or (valid lifetime 0) remove an on-link prefix."""
        existing = next((item for item in self.prefixes
                         if item.prefix == prefix and item.length == length), None)
        if valid_until is not None and existing is None and valid_until <= 0:
            return
        if existing is not None:
            existing.valid_until = valid_until
            return
        if len(self.prefixes) >= self.prefix_limit:
            self.stats.drop("ndp", "prefix-list-full")
            return
        self.prefixes.append(OnLinkPrefix(prefix, length, valid_until))

    # --- Multicast --------------------------------------------------------------------

    def listens_to(self, group: str) -> bool:
        return group == ALL_NODES or self.groups[group] > 0

    def join(self, group: str, now: int) -> bool:
        """Join `group` (the all-nodes group is always joined); False when full."""
        if group == ALL_NODES:
            return True
        if self.groups[group] == 0:
            # The all-nodes group takes one of Zephyr's multicast slots.
            if len(self.groups) + 1 >= self.multicast_limit:
                self.stats.drop("ipv6", "multicast-table-full")
                return False
            self.groups[group] += 1
            if self.on_group_change is not None:
                self.on_group_change(group, True, now)
            return True
        self.groups[group] += 1
        return True

    def leave(self, group: str, now: int) -> None:
        if self.groups[group] <= 0:
            return
        self.groups[group] -= 1
        if self.groups[group] == 0:
            del self.groups[group]
            if self.on_group_change is not None:
                self.on_group_change(group, False, now)

    def joined_groups(self) -> list[str]:
        """The groups MLD reports (never the all-nodes group, RFC 3810 §6)."""
        return sorted(group for group, users in self.groups.items() if users > 0)

    # --- Lifetimes ----------------------------------------------------------------------

    def expire(self, now: int) -> None:
        """RFC 4862 §5.5.4: deprecate and remove autoconfigured addresses; drop prefixes."""
        for entry in list(self.unicast):
            if entry.valid_until is not None and entry.valid_until <= now:
                self.remove(entry.address, now)
                self.stats.count("ipv6.address_expired")
            elif entry.preferred_until is not None and entry.preferred_until <= now and \
                    entry.state is AddressState.PREFERRED:
                entry.state = AddressState.DEPRECATED
        self.prefixes = [prefix for prefix in self.prefixes
                         if prefix.valid_until is None or prefix.valid_until > now]

    def next_deadline(self) -> int | None:
        instants = [instant for entry in self.unicast
                    for instant in (entry.valid_until, entry.next_probe_at,
                                    entry.preferred_until
                                    if entry.state is AddressState.PREFERRED else None)
                    if instant is not None]
        instants += [prefix.valid_until for prefix in self.prefixes
                     if prefix.valid_until is not None]
        return min(instants, default=None)
