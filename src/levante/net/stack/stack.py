"""One network interface and its protocols, as one sans-IO object the link feeds."""

from __future__ import annotations

from levante.codecs import ethernet
from levante.net.stack.arp import ArpResolver
from levante.net.stack.ethernet import BROADCAST_MAC, EthernetPort
from levante.net.stack.icmp import IcmpLayer
from levante.net.stack.icmpv6 import Icmpv6Layer
from levante.net.stack.ipv4 import Ipv4Layer
from levante.net.stack.ipv6 import Ipv6Layer
from levante.net.stack.settings import InterfaceSettings
from levante.net.stack.stats import NetStats
from levante.net.stack.tcp import TcpLayer
from levante.net.stack.udp import UdpLayer


class NetworkStack:
    """Ethernet, ARP, IPv4, ICMPv4, UDP, TCP and (when configured) IPv6 for one interface.

    Every entry point takes `now`, the simulated instant in microseconds; nothing here
    reads a clock. Frames to put on the link collect until `take_outgoing`. With TCP
    (`settings.tcp`), `tcp_key` is the secret of its initial sequence numbers
    (RFC 6528): at least 16 octets from the board's entropy.
    """

    def __init__(self, settings: InterfaceSettings, tcp_key: bytes | None = None) -> None:
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

    def advance(self, now: int) -> None:
        """Run the timers due at `now` (ARP retransmissions and give-ups, reassembly
        timeouts, TCP's timers, IPv6's neighbour, DAD, solicitation and MLD timers)."""
        self.arp.advance(now)
        self.ip.advance(now)
        if self.tcp is not None:
            self.tcp.advance(now)
        if self.ipv6 is not None:
            self.ipv6.advance(now)

    def next_deadline(self) -> int | None:
        """The instant the next timer is due, or None."""
        tcp = self.tcp.next_deadline() if self.tcp is not None else None
        deadlines = [deadline for deadline in (self.arp.next_deadline(),
                                               self.ip.next_deadline(),
                                               self.ipv6.next_deadline()
                                               if self.ipv6 is not None else None, tcp)
                     if deadline is not None]
        return min(deadlines, default=None)

    def take_outgoing(self) -> list[bytes]:
        return self.port.take_outgoing()

    @property
    def has_outgoing(self) -> bool:
        return self.port.has_outgoing
