"""IPv6 input and output for the interface (RFC 8200), with its addresses, Neighbor
Discovery, autoconfiguration and MLD.

Input keeps what the codec checks (version, payload length against the frame, the
extension header chain of RFC 8200 §4) and adds what only the interface knows: the
destination is ours (and past DAD) or a group we listen to, and the source is no
address that can come from the wire (multicast, loopback, IPv4-mapped, or ours: the
IPv6 side of CVE-2023-7060). Fragments are reassembled in bounded memory with
CONFIG_NET_IPV6_FRAGMENT, and packets over the path MTU fragmented; without it (Zephyr's
default) fragments are dropped and counted, atomic fragments (RFC 6946) excepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from levante.codecs import ipv6
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ipv6_errors import UNRECOGNIZED_NEXT_HEADER
from levante.codecs.ipv6_extensions import HeaderChain, parse_chain
from levante.net.stack.autoconf import Autoconfiguration
from levante.net.stack.ethernet import EthernetPort
from levante.net.stack.ipv6_addresses import SECOND, InterfaceAddresses
from levante.net.stack.ipv6_reassembly import Ipv6Reassembler
from levante.net.stack.ipv6_settings import (
    ALL_NODES,
    LOOPBACK,
    UNSPECIFIED,
    Ipv6Settings,
    address_bytes,
    is_multicast,
    is_unicast_usable,
    multicast_mac,
)
from levante.net.stack.multicast_listener import MulticastListener
from levante.net.stack.ndp import MINIMUM_MTU, NeighborDiscovery
from levante.net.stack.ndp_resolution import NeighborResolver
from levante.net.stack.stats import NetStats

# A protocol's input: the packet, its upper-layer bytes, whether it came to a multicast
# address, and the instant.
Ipv6Input = Callable[[Ipv6Packet, bytes, bool, int], None]
# What answers a packet RFC 8200 refuses: the packet, the Parameter Problem code and
# pointer, whether it came to a multicast address, the instant.
ParameterProblem = Callable[[Ipv6Packet, int, int, bool, int], None]
# What is done about a reassembly that timed out with its first fragment: that fragment.
ReassemblyTimedOut = Callable[[Ipv6Packet, int], None]
# RFC 8201 §4: a Path MTU learnt from Packet Too Big is tried higher again after ten
# minutes; the cache holds as many destinations as the neighbour cache.
PATH_MTU_LIFETIME_US = 600 * SECOND


class Ipv6Layer:
    """Checks received packets and hands them to their protocol; routes and sends."""

    def __init__(self, mac: str, link_mtu: int, settings: Ipv6Settings, port: EthernetPort,
                 stats: NetStats) -> None:
        self.settings = settings
        self.port = port
        self.stats = stats
        self.addresses = InterfaceAddresses(settings.unicast_address_count,
                                            settings.multicast_address_count,
                                            settings.prefix_count, stats)
        self.resolver = NeighborResolver(port, self.addresses, settings.max_neighbors, stats)
        self.autoconf = Autoconfiguration(settings, mac, self.addresses, self.resolver, stats)
        self.nd = NeighborDiscovery(settings, mac, self.addresses, self.resolver,
                                    self.autoconf, stats, link_mtu)
        self.mld = MulticastListener(port, self.addresses, self.autoconf.link_local, stats)
        self.mld.enabled = settings.multicast_listener_discovery
        self.addresses.on_group_change = self._group_changed
        self.protocols: dict[int, Ipv6Input] = {}
        self.parameter_problem: ParameterProblem | None = None
        self.reassembly_timed_out: ReassemblyTimedOut | None = None
        self.reassembler = (Ipv6Reassembler(settings.fragments, stats)
                            if settings.fragments is not None else None)
        self._identification = 0
        self._path_mtu: dict[str, tuple[int, int]] = {}  # destination → (MTU, until)
        self._update_link_groups()

    def start(self, now: int) -> None:
        """The link came up: addresses, DAD, router solicitation."""
        self.autoconf.start(now)
        self.advance(now)

    def _group_changed(self, group: str, joined: bool, now: int) -> None:
        self._update_link_groups()
        self.mld.group_changed(group, joined, now)

    def _update_link_groups(self) -> None:
        self.port.groups = frozenset(multicast_mac(group) for group in
                                     (ALL_NODES, *self.addresses.joined_groups()))

    # --- Input ------------------------------------------------------------------------

    def receive(self, data: bytes, now: int) -> None:
        self.stats.count("ipv6.received")
        try:
            packet = ipv6.decode(data)
        except ipv6.Ipv6Error:
            self.stats.drop("ipv6", "malformed")
            return
        reason = self._source_refused(packet)
        if reason is not None:
            self.stats.drop("ipv6", reason)
            return
        to_multicast = is_multicast(packet.destination)
        if to_multicast:
            if not self.addresses.listens_to(packet.destination):
                self.stats.drop("ipv6", "not-our-group")
                return
        elif not self.addresses.is_assigned(packet.destination):
            # RFC 4862 §5.4: nothing is received for a tentative address.
            self.stats.drop("ipv6", "tentative-destination"
                            if self.addresses.is_ours(packet.destination) else "not-for-us")
            return
        chain = self._walk(packet, to_multicast, now)
        if chain is None:
            return
        if chain.fragment is not None and not chain.fragment.is_atomic:
            if self.reassembler is None:
                self.stats.drop("ipv6", "fragment")
                return
            whole = self.reassembler.add(packet, chain.fragment, now)
            if whole is None:
                return
            packet = whole
            chain = self._walk(packet, to_multicast, now)
            if chain is None:
                return
        if chain.upper_layer == ipv6.NEXT_NONE:
            self.stats.count("ipv6.no_next_header")  # RFC 8200 §4.7: nothing follows
            return
        if packet.source == UNSPECIFIED and chain.upper_layer != ipv6.NEXT_ICMPV6:
            # Only DAD's solicitations and MLD's reports come from the unspecified address.
            self.stats.drop("ipv6", "unspecified-source")
            return
        handler = self.protocols.get(chain.upper_layer)
        if handler is None:
            self.stats.drop("ipv6", "unknown-next-header")
            if self.parameter_problem is not None:
                self.parameter_problem(packet, UNRECOGNIZED_NEXT_HEADER,
                                       chain.upper_pointer, to_multicast, now)
            return
        self.stats.count("ipv6.delivered")
        handler(packet, chain.upper_data(packet), to_multicast, now)

    def _walk(self, packet: Ipv6Packet, to_multicast: bool, now: int) -> HeaderChain | None:
        """The packet's extension header chain; None (counted, answered where RFC 8200
        asks) when it is refused."""
        try:
            return parse_chain(packet, destination_is_multicast=to_multicast)
        except ipv6.Ipv6ParameterProblem as problem:
            self.stats.drop("ipv6", "parameter-problem")
            if self.parameter_problem is not None:
                self.parameter_problem(packet, problem.code, problem.pointer, to_multicast,
                                       now)
        except ipv6.Ipv6Error:
            self.stats.drop("ipv6", "bad-extension-header")
        return None

    def _source_refused(self, packet: Ipv6Packet) -> str | None:
        source = address_bytes(packet.source)
        if source[0] == 0xFF:
            return "multicast-source"  # RFC 4291 §2.7: never a source
        # RFC 4291 §2.5.3: ::1 never leaves a node (CVE-2023-7060's IPv4 lesson).
        if LOOPBACK in (packet.source, packet.destination):
            return "loopback-address"
        # RFC 4291 §2.5.5.2: IPv4-mapped addresses are not used on the wire.
        if source[:12] == bytes(10) + b"\xff\xff" or \
                address_bytes(packet.destination)[:12] == bytes(10) + b"\xff\xff":
            return "mapped-address"
        if self.addresses.is_ours(packet.source):
            return "own-source"
        return None

    # --- Output -----------------------------------------------------------------------

    @property
    def hop_limit(self) -> int:
        """RFC 4861 §6.3.4: a router's Cur Hop Limit replaces the configured one."""
        return self.nd.advertised_hop_limit or self.settings.hop_limit

    def source_for(self, destination: str) -> str | None:
        return self.addresses.source_for(destination)

    def send(self, destination: str, next_header: int, payload: bytes, now: int, *,
             source: str) -> bool:
        """Send an upper-layer payload (its checksum already made for `source`)."""
        packet = Ipv6Packet(next_header=next_header, hop_limit=self.hop_limit,
                            source=source, destination=destination, payload=payload)
        return self.send_packet(packet, now)

    def send_packet(self, packet: Ipv6Packet, now: int) -> bool:
        if not self.addresses.is_assigned(packet.source):
            self.stats.drop("ipv6", "no-address")
            return False
        # Never onto the wire: ::, ::1 and IPv4-mapped destinations (RFC 4291 §2.5).
        if not is_multicast(packet.destination) and \
                not is_unicast_usable(packet.destination):
            self.stats.drop("ipv6", "bad-destination")
            return False
        next_hop = self.next_hop(packet.destination, now)
        if next_hop is None:
            self.stats.drop("ipv6", "no-route")
            return False
        try:
            datagrams = self._fragments_of(packet, self.path_mtu(packet.destination, now))
        except ipv6.Ipv6Error:
            self.stats.drop("ipv6", "unsendable")
            return False
        if datagrams is None:
            self.stats.drop("ipv6", "over-mtu")
            return False
        for datagram in datagrams:
            self.resolver.send_datagram(next_hop, datagram, now)
        self.stats.count("ipv6.sent")
        return True

    def _fragments_of(self, packet: Ipv6Packet, mtu: int) -> list[bytes] | None:
        """The packet's bytes, or its fragments (RFC 8200 §4.5) when it exceeds `mtu`;
        None when it does and fragmentation is off. The packets this host builds have no
        extension headers to keep unfragmented but MLD's, which are never this large."""
        encoded = ipv6.encode(packet)
        if len(encoded) <= mtu:
            return [encoded]
        if self.reassembler is None or packet.next_header == ipv6.NEXT_HOP_BY_HOP:
            return None
        # A counter: RFC 7739 asks for identifications that are hard to guess, which a
        # deterministic simulation cannot give; it only has to be unique per destination.
        self._identification = (self._identification + 1) & 0xFFFF_FFFF
        step = (mtu - ipv6.HEADER_LENGTH - 8) // 8 * 8
        data = packet.payload
        fragments = []
        for start in range(0, len(data), step):
            more = start + step < len(data)
            header = bytes((packet.next_header, 0)) + \
                ((start // 8) << 3 | int(more)).to_bytes(2, "big") + \
                self._identification.to_bytes(4, "big")
            fragments.append(ipv6.encode(replace(packet, next_header=ipv6.NEXT_FRAGMENT,
                                                 payload=header + data[start:start + step])))
        self.stats.count("ipv6.fragmented")
        return fragments

    def next_hop(self, destination: str, now: int) -> str | None:
        """RFC 4861 §5.2: a group or an on-link destination itself, else a router."""
        if is_multicast(destination) or self.addresses.is_on_link(destination):
            return destination
        return self.nd.default_router(now)

    def path_mtu(self, destination: str, now: int) -> int:
        learnt = self._path_mtu.get(destination)
        if learnt is not None and learnt[1] > now:
            return min(learnt[0], self.nd.link_mtu)
        return self.nd.link_mtu

    def learn_path_mtu(self, destination: str, mtu: int, now: int) -> None:
        """RFC 8201 §4: Packet Too Big lowers the Path MTU (never below 1280)."""
        mtu = max(mtu, MINIMUM_MTU)
        if mtu >= self.path_mtu(destination, now):
            return
        if destination not in self._path_mtu and \
                len(self._path_mtu) >= self.settings.max_neighbors:
            oldest = min(self._path_mtu, key=lambda key: self._path_mtu[key][1])
            del self._path_mtu[oldest]
        self._path_mtu[destination] = (mtu, now + PATH_MTU_LIFETIME_US)
        self.stats.count("icmpv6.path_mtu_lowered")

    # --- Timers -----------------------------------------------------------------------

    def advance(self, now: int) -> None:
        if self.reassembler is not None:
            for first in self.reassembler.expire(now):
                if self.reassembly_timed_out is not None:
                    self.reassembly_timed_out(first, now)
        # MLD first: RFC 4862 §5.4.2 reports the solicited-node group before DAD probes.
        self.mld.advance(now)
        self.autoconf.advance(now)
        self.nd.advance(now)
        self.resolver.advance(now)
        self.mld.advance(now)
        self._path_mtu = {destination: learnt for destination, learnt
                          in self._path_mtu.items() if learnt[1] > now}

    def next_deadline(self) -> int | None:
        instants = [instant for instant in (self.autoconf.next_deadline(),
                                            self.nd.next_deadline(),
                                            self.resolver.next_deadline(),
                                            self.mld.next_deadline())
                    if instant is not None]
        instants += [until for _, until in self._path_mtu.values()]
        reassembly = self.reassembler.next_deadline() if self.reassembler is not None \
            else None
        if reassembly is not None:
            instants.append(reassembly)
        return min(instants, default=None)
