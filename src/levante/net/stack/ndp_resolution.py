"""IPv6 next-hop resolution (RFC 4861 §7.2, §7.3.3): solicitations for addresses being
resolved and probes for stale neighbours, on simulated time, and the one path every
IPv6 packet takes to the link."""

from __future__ import annotations

from collections.abc import Callable

from levante.codecs import ethernet, icmpv6, ipv6, ndp
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ndp import LinkLayerAddress, NeighborSolicitation
from levante.net.stack.ethernet import EthernetPort
from levante.net.stack.ipv6_addresses import InterfaceAddresses
from levante.net.stack.ipv6_settings import (
    UNSPECIFIED,
    is_multicast,
    multicast_mac,
    solicited_node_group,
)
from levante.net.stack.neighbors import (
    MAX_MULTICAST_SOLICIT,
    MAX_UNICAST_SOLICIT,
    Neighbor,
    NeighborCache,
    NeighborState,
)
from levante.net.stack.stats import NetStats

ETHERTYPE_IPV6 = ethernet.ETHERTYPE_IPV6
ND_HOP_LIMIT = 255  # RFC 4861 §6.1, §7.1: ND messages are sent and accepted with 255


class NeighborResolver:
    """Sends IPv6 packets on the link, resolving unicast next hops first."""

    def __init__(self, port: EthernetPort, addresses: InterfaceAddresses, size: int,
                 stats: NetStats) -> None:
        self.port = port
        self.addresses = addresses
        self.stats = stats
        self.cache = NeighborCache(size, stats)
        # Whether one more datagram may wait for its next hop: the stack's send budget
        # over every queue (send_budget.py), which the stack sets.
        self.may_hold: Callable[[bytes], bool] = lambda _datagram: True

    # --- Sending ----------------------------------------------------------------------

    def send_datagram(self, next_hop: str, datagram: bytes, now: int) -> None:
        """Send an encoded IPv6 packet to `next_hop` (a multicast group, or an on-link
        neighbour resolved first, its packet queued meanwhile)."""
        if is_multicast(next_hop):
            self.port.send(multicast_mac(next_hop), ETHERTYPE_IPV6, datagram)
            return
        entry = self.cache.get(next_hop)
        if entry is None:
            entry = self.cache.create(next_hop, NeighborState.INCOMPLETE, now)
            if entry is None:
                return
            self.cache.set_state(entry, NeighborState.INCOMPLETE, now)
        entry.used_at = now
        if entry.state is NeighborState.INCOMPLETE or entry.mac is None:
            if not self.may_hold(datagram):
                self.stats.drop("ndp", "no-send-buffer")  # CONFIG_NET_PKT/BUF_TX_COUNT
                self.advance(now)
                return
            if len(entry.queued) == entry.queued.maxlen:
                self.stats.drop("ndp", "queue-full")  # the oldest makes room
            entry.queued.append(datagram)
            self.advance(now)
            return
        # RFC 4861 §7.3.3: sending to a STALE neighbour starts the DELAY timer.
        if entry.state is NeighborState.STALE:
            self.cache.set_state(entry, NeighborState.DELAY, now)
        self.port.send(entry.mac, ETHERTYPE_IPV6, datagram)

    def send_icmp(self, source: str, destination: str, message: Icmpv6Message, now: int,
                  *, hop_limit: int = ND_HOP_LIMIT) -> None:
        data = icmpv6.encode(message, source=source, destination=destination)
        packet = ipv6.encode(ipv6.Ipv6Packet(next_header=ipv6.NEXT_ICMPV6,
                                             hop_limit=hop_limit, source=source,
                                             destination=destination, payload=data))
        self.send_datagram(destination, packet, now)

    # --- Learning ---------------------------------------------------------------------

    def learn(self, address: str, mac: str, now: int, *, is_router: bool | None = None) -> None:
        """RFC 4861 §7.2.3 / §6.3.4: a link-layer address heard in a solicitation or
        advertisement: a new entry, or a changed address, is STALE."""
        entry = self.cache.get(address)
        if entry is None:
            entry = self.cache.create(address, NeighborState.STALE, now)
            if entry is None:
                return
            entry.mac = mac
            self.cache.set_state(entry, NeighborState.STALE, now)
        elif entry.mac != mac:
            entry.mac = mac
            self.cache.set_state(entry, NeighborState.STALE, now)
            self.flush(entry)
        if is_router is not None:
            entry.is_router = is_router

    def confirm(self, entry: Neighbor, mac: str | None, solicited: bool, override: bool,
                is_router: bool, now: int) -> None:
        """RFC 4861 §7.2.5: an advertisement for an entry we hold."""
        if entry.state is NeighborState.INCOMPLETE:
            if mac is None:
                self.stats.drop("ndp", "advertisement-without-address")
                return
            entry.mac = mac
            self.cache.set_state(entry, NeighborState.REACHABLE if solicited
                                 else NeighborState.STALE, now)
            entry.is_router = is_router
            self.flush(entry)
            return
        changed = mac is not None and mac != entry.mac
        if not override and changed:
            # The advertisement does not override a known address: at most it makes a
            # REACHABLE entry suspect.
            if entry.state is NeighborState.REACHABLE:
                self.cache.set_state(entry, NeighborState.STALE, now)
            self.stats.count("ndp.advertisement_not_applied")
            return
        if changed:
            entry.mac = mac
        if solicited:
            self.cache.set_state(entry, NeighborState.REACHABLE, now)
        elif changed:
            self.cache.set_state(entry, NeighborState.STALE, now)
        entry.is_router = is_router

    def flush(self, entry: Neighbor) -> None:
        if entry.mac is None:
            return
        while entry.queued:
            self.port.send(entry.mac, ETHERTYPE_IPV6, entry.queued.popleft())

    # --- Timers -----------------------------------------------------------------------

    def advance(self, now: int) -> None:
        for entry in self.cache.entries():
            # A state whose timer ran out may enter one due at once (DELAY → PROBE).
            for _ in range(3):
                if entry.deadline is None or entry.deadline > now:
                    break
                self._timer_expired(entry, now)

    def _timer_expired(self, entry: Neighbor, now: int) -> None:
        state = entry.state
        if state is NeighborState.REACHABLE:
            self.cache.set_state(entry, NeighborState.STALE, now)
        elif state is NeighborState.DELAY:
            self.cache.set_state(entry, NeighborState.PROBE, now)
        elif state is NeighborState.INCOMPLETE:
            if entry.solicitations_sent >= MAX_MULTICAST_SOLICIT:
                self.cache.remove(entry.address)
                for _ in entry.queued:
                    self.stats.drop("ndp", "unresolved")
                entry.deadline = None
                return
            self._solicit(entry, solicited_node_group(entry.address), None, now)
        elif state is NeighborState.PROBE:
            if entry.solicitations_sent >= MAX_UNICAST_SOLICIT:
                self.cache.remove(entry.address)
                self.stats.count("ndp.neighbor_unreachable")
                entry.deadline = None
                return
            self._solicit(entry, entry.address, entry.mac, now)

    def _solicit(self, entry: Neighbor, destination: str, mac: str | None, now: int) -> None:
        source = self._solicitation_source(entry)
        entry.solicitations_sent += 1
        entry.deadline = now + self.cache.retrans_timer_us
        if source is None:
            self.stats.drop("ndp", "no-source-address")
            return
        message = ndp.encode(NeighborSolicitation(
            entry.address, (LinkLayerAddress(ndp.SOURCE_LINK_LAYER, self.port.mac),)))
        data = icmpv6.encode(message, source=source, destination=destination)
        packet = ipv6.encode(ipv6.Ipv6Packet(next_header=ipv6.NEXT_ICMPV6,
                                             hop_limit=ND_HOP_LIMIT, source=source,
                                             destination=destination, payload=data))
        target_mac = mac if mac is not None else multicast_mac(destination)
        self.port.send(target_mac, ETHERTYPE_IPV6, packet)
        self.stats.count("ndp.solicitations_sent")

    def _solicitation_source(self, entry: Neighbor) -> str | None:
        # RFC 4861 §7.2.2: the source of the packet that prompted the solicitation when
        # it is ours, else an address of ours.
        if entry.queued:
            queued_source = ipv6.decode(entry.queued[0]).source
            if self.addresses.is_assigned(queued_source):
                return queued_source
        source = self.addresses.source_for(entry.address)
        return source if source != UNSPECIFIED else None

    def next_deadline(self) -> int | None:
        return self.cache.next_deadline()

