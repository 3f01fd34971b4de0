"""One network interface and its protocols, as one sans-IO object the link feeds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Protocol

from levante.codecs import ethernet, icmpv6, ipv4, ipv6
from levante.codecs.addresses import is_ipv6_text
from levante.net.stack.arp import ArpResolver
from levante.net.stack.ethernet import BROADCAST_MAC, EthernetPort
from levante.net.stack.icmp import IcmpLayer
from levante.net.stack.icmpv6 import Icmpv6Layer
from levante.net.stack.ipv4 import Ipv4Layer
from levante.net.stack.ipv6 import Ipv6Layer
from levante.net.stack.ping import EchoSender
from levante.net.stack.settings import InterfaceSettings, Ipv4Settings
from levante.net.stack.stats import NetStats
from levante.net.stack.tables import TableWatch
from levante.net.stack.tcp import TcpLayer
from levante.net.stack.udp import UdpLayer


class TimedService(Protocol):
    """A service on the stack whose timers the stack runs with its own."""

    def advance(self, now: int) -> None: ...

    def next_deadline(self) -> int | None: ...


class NetworkStack:
    """Ethernet, ARP, IPv4, ICMPv4, UDP, TCP and (when configured) IPv6 for one interface.

    Every entry point takes `now`, the simulated instant in microseconds; nothing here
    reads a clock. Frames to put on the link collect until `take_outgoing`. With TCP
    (`settings.tcp`), `tcp_key` is the secret of its initial sequence numbers
    (RFC 6528): at least 16 octets from the board's entropy.
    """

    def __init__(self, settings: InterfaceSettings, tcp_key: bytes | None = None,
                 echo_identifier: int = 0x4C56) -> None:
        self.settings = settings
        self.stats = NetStats()
        self.port = EthernetPort(settings.mac, self.stats, settings.mtu)
        self.arp = ArpResolver(self.port, settings, self.stats)
        self.ip = Ipv4Layer(settings, self.stats, self.arp)
        self.icmp = IcmpLayer(self.ip, self.stats)
        self.udp = UdpLayer(self.ip, self.stats, self.icmp.port_unreachable)
        self.tcp: TcpLayer | None = None
        if settings.tcp is not None:
            if tcp_key is None:
                raise ValueError("TCP needs a key from the board's entropy (RFC 6528)")
            self.tcp = TcpLayer(self.ip, self.stats, settings.tcp, tcp_key)
        self.ipv6: Ipv6Layer | None = None
        self.icmpv6: Icmpv6Layer | None = None
        if settings.ipv6 is not None:
            self.ipv6 = Ipv6Layer(settings.mac, settings.mtu, settings.ipv6, self.port,
                                  self.stats)
            self.icmpv6 = Icmpv6Layer(self.ipv6, self.stats)
            self.udp.attach_ipv6(self.ipv6, self.icmpv6.port_unreachable)
            if self.tcp is not None:
                self.tcp.attach_ipv6(self.ipv6, settings.mtu)
        self.address_origin = "manual"  # how the IPv4 address was set (Zephyr's names)
        self.pings = EchoSender(echo_identifier, self.stats)
        self.icmp.echo_reply_received = self.pings.receive
        if self.icmpv6 is not None:
            self.icmpv6.echo_reply_received = self.pings.receive6
        # What `net conn` lists: each transport adds its own rows (protocol, local,
        # remote, state), UDP's bound ports and TCP's connections.
        # Services with timers of their own (the DHCPv4 client, the DNS resolver).
        self.services: list[TimedService] = []
        self.connection_sources: list[Callable[[], list[tuple[str, str, str, str]]]] = [
            self.udp.connection_rows]
        if self.tcp is not None:
            self.connection_sources.append(self.tcp.connection_rows)
        budget = settings.send_budget
        self.arp.may_hold = lambda datagram: budget.admits(self._held_sends(), datagram)
        if self.ipv6 is not None:
            self.ipv6.resolver.may_hold = self.arp.may_hold
        self.tables = TableWatch()
        self._watch_tables()

    def _held_sends(self) -> Iterator[bytes]:
        """Every datagram waiting for its next hop's address, ARP's and NDP's."""
        for resolution in self.arp.table.resolutions().values():
            yield from resolution.datagrams
        if self.ipv6 is not None:
            for neighbor in self.ipv6.resolver.cache.entries():
                yield from neighbor.queued

    def _watch_tables(self) -> None:
        """Every table a peer's frames can fill, with the limit the settings give it."""
        arp_size = self.settings.arp_table_size
        self.tables.watch("arp.entries", lambda: (len(self.arp.table), arp_size))
        self.tables.watch("arp.resolving", lambda: (self.arp.table.resolving, arp_size))
        if self.ip.reassembler is not None:
            reassembler = self.ip.reassembler
            self.tables.watch("ipv4.reassembly", lambda: (
                len(reassembler), reassembler.limits.max_datagrams))
        self.tables.watch("udp.queued", lambda: (
            sum(len(endpoint.received) for endpoint in self.udp.all_endpoints()),
            sum(endpoint.capacity for endpoint in self.udp.all_endpoints())))
        if self.tcp is not None:
            tcp = self.tcp
            self.tables.watch("tcp.backlog", lambda: (
                sum(len(listener.half_open) + len(listener.accept_queue)
                    for listener in tcp.listeners.values()),
                sum(listener.backlog for listener in tcp.listeners.values())))
        if self.ipv6 is not None:
            ipv6 = self.ipv6
            neighbors = ipv6.settings.max_neighbors
            self.tables.watch("ipv6.neighbors", lambda: (len(ipv6.resolver.cache), neighbors))
            if ipv6.reassembler is not None:
                reassembler6 = ipv6.reassembler
                self.tables.watch("ipv6.reassembly", lambda: (
                    len(reassembler6), reassembler6.limits.max_datagrams))

    @property
    def is_up(self) -> bool:
        return self.port.link_up

    def link_up(self, now: int) -> None:
        """The carrier came up: the interface announces its address (gratuitous ARP)
        and starts IPv6 (link-local address, DAD, router solicitation)."""
        if self.port.link_up:
            return
        self.port.link_up = True
        self.arp.announce()
        if self.ipv6 is not None:
            self.ipv6.start(now)
        self.advance(now)

    def set_ipv4(self, ipv4_settings: Ipv4Settings | None, origin: str = "manual") -> None:
        """Give the interface another IPv4 address (or none): DHCP's lease, the C API's
        net_if_ipv4_addr_add. `origin` is Zephyr's address type (manual, DHCP). The ARP
        cache is kept; it only holds on-link neighbours and ages out."""
        self.settings = replace(self.settings, ipv4=ipv4_settings)
        self.address_origin = origin
        self.arp.settings = self.ip.settings = self.settings
        if self.tcp is not None:  # new connections take the new address
            self.tcp.context.local_ip = ipv4_settings.address if ipv4_settings else ""

    def ping(self, destination: str, sequence: int, payload: bytes, now: int) -> bool:
        """Send an echo request (`net ping`, to an IPv4 or IPv6 address); its reply comes
        from `pings.take_reply`."""
        if is_ipv6_text(destination):
            return self._ping6(destination, sequence, payload, now)
        message = self.pings.request(destination, sequence, payload, now)
        if self.ip.send(destination, ipv4.PROTOCOL_ICMP, message, now):
            self.stats.count("icmp.echo_requested")
            return True
        self.pings.forget(sequence)
        return False

    def _ping6(self, destination: str, sequence: int, payload: bytes, now: int) -> bool:
        source = self.ipv6.source_for(destination) if self.ipv6 is not None else None
        if self.ipv6 is None or source is None:
            return False
        echo = icmpv6.Echo(self.pings.identifier, sequence & 0xFFFF, payload)
        message = icmpv6.encode(icmpv6.echo_message(icmpv6.ECHO_REQUEST, echo),
                                source=source, destination=destination)
        self.pings.expect(destination, sequence, payload, now)
        if self.ipv6.send(destination, ipv6.NEXT_ICMPV6, message, now, source=source):
            self.stats.count("icmpv6.echo_requested")
            return True
        self.pings.forget(sequence)
        return False

    def link_down(self) -> None:
        self.port.link_up = False

    def receive(self, frame: bytes, now: int) -> None:
        """A frame from the link at `now`; anything not accepted is counted as a drop."""
        if not self.port.link_up:
            self.stats.drop("ethernet", "link-down")
            return
        self.advance(now)
        decoded = self.port.accept(frame)
        if decoded is None:
            return
        if decoded.ethertype == ethernet.ETHERTYPE_ARP:
            self.arp.receive(decoded.payload, now)
        elif decoded.ethertype == ethernet.ETHERTYPE_IPV4:
            self.ip.receive(decoded.payload, decoded.destination == BROADCAST_MAC, now)
        elif decoded.ethertype == ethernet.ETHERTYPE_IPV6 and self.ipv6 is not None:
            self.ipv6.receive(decoded.payload, now)
            # What it started (a SLAAC address's DAD, its group's report) goes out now.
            self.ipv6.advance(now)
        else:
            self.stats.drop("ethernet", "unknown-ethertype")
        self.tables.observe()

    def advance(self, now: int) -> None:
        """Run the timers due at `now` (ARP retransmissions and give-ups, reassembly
        timeouts, TCP's timers, IPv6's neighbour, DAD, solicitation and MLD timers)."""
        self.arp.advance(now)
        self.ip.advance(now)
        if self.tcp is not None:
            self.tcp.advance(now)
        if self.ipv6 is not None:
            self.ipv6.advance(now)
        for service in self.services:
            service.advance(now)

    def next_deadline(self) -> int | None:
        """The instant the next timer is due, or None."""
        tcp = self.tcp.next_deadline() if self.tcp is not None else None
        deadlines = [deadline for deadline in (self.arp.next_deadline(),
                                               self.ip.next_deadline(),
                                               self.ipv6.next_deadline()
                                               if self.ipv6 is not None else None, tcp,
                                               *(service.next_deadline()
                                                 for service in self.services))
                     if deadline is not None]
        return min(deadlines, default=None)

    def take_outgoing(self) -> list[bytes]:
        return self.port.take_outgoing()

    @property
    def has_outgoing(self) -> bool:
        return self.port.has_outgoing
