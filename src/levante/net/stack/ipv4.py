"""IPv4 input and output for the interface (RFC 791, RFC 1122 §3.2.1 and §3.3).

Input keeps what the codec checks (version, IHL, lengths against the frame, header
checksum, options, the CVE-2023-7060 ingress rules) and adds what only the interface
knows: the destination is ours or a broadcast, TTL, fragments, the link's broadcast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from levante.codecs import ipv4
from levante.codecs.ipv4 import Ipv4Packet
from levante.net.stack.arp import UNSPECIFIED, ArpResolver
from levante.net.stack.reassembly import Reassembler
from levante.net.stack.settings import InterfaceSettings
from levante.net.stack.stats import NetStats

# A protocol's input: the decoded packet, its bytes as received (header included, link
# padding cut), whether it came to a broadcast address, and the instant.
ProtocolInput = Callable[[Ipv4Packet, bytes, bool, int], None]
# What is done about a datagram that cannot be delivered (an ICMP error's job): the
# datagram (fragment zero for a reassembly timeout), its bytes, the instant.
Unreachable = Callable[[Ipv4Packet, bytes, int], None]


class Ipv4Layer:
    """Checks received datagrams and hands them to their protocol; routes and sends."""

    def __init__(self, settings: InterfaceSettings, stats: NetStats, arp: ArpResolver) -> None:
        self.settings = settings
        self.stats = stats
        self.arp = arp
        self.protocols: dict[int, ProtocolInput] = {}
        self.protocol_unreachable: Unreachable | None = None
        self.reassembly_timed_out: Unreachable | None = None
        self.reassembler = (Reassembler(settings.fragments, stats)
                            if settings.fragments is not None else None)
        self._identification = 0
        # Where datagrams go while the interface has no address (a DHCP client's
        # offers and acknowledgements); None: they are dropped.
        self.unconfigured_input: Callable[[bytes, bool, int], None] | None = None

    def receive(self, data: bytes, link_broadcast: bool, now: int) -> None:
        self.stats.count("ipv4.received")
        settings = self.settings.ipv4
        if settings is None:
            if self.unconfigured_input is not None:
                self.unconfigured_input(data, link_broadcast, now)
            else:
                self.stats.drop("ipv4", "no-address")
            return
        interface = ipv4.Interface(addresses=(settings.address, settings.subnet_broadcast))
        try:
            packet = ipv4.decode(data, interface=interface)
        except ipv4.Ipv4ChecksumError:
            self.stats.drop("ipv4", "bad-checksum")
            return
        except ipv4.Ipv4IngressError:
            self.stats.drop("ipv4", "martian-address")
            return
        except ipv4.Ipv4OptionError:
            self.stats.drop("ipv4", "bad-options")
            return
        except ipv4.Ipv4Error:
            self.stats.drop("ipv4", "malformed")
            return
        # RFC 791 §3.2 (time to live): a datagram whose TTL is zero must be destroyed.
        if packet.ttl == 0:
            self.stats.drop("ipv4", "ttl-zero")
            return
        to_broadcast = settings.is_broadcast(packet.destination)
        # RFC 1122 §3.3.4.2 (a host is not a router): only our address or a broadcast.
        if packet.destination != settings.address and not to_broadcast:
            self.stats.drop("ipv4", "not-for-us")
            return
        # RFC 1122 §3.3.6: a datagram that came as a link-layer broadcast but is not
        # addressed to an IP broadcast is silently discarded.
        if link_broadcast and not to_broadcast:
            self.stats.drop("ipv4", "link-broadcast-unicast")
            return
        raw = self._received_bytes(data)
        if packet.is_fragment:
            # Without CONFIG_NET_IPV4_FRAGMENT (Zephyr's default) fragments are dropped.
            if self.reassembler is None:
                self.stats.drop("ipv4", "fragment")
                return
            whole = self.reassembler.add(packet, raw, now)
            if whole is None:
                return
            packet, raw = whole
        handler = self.protocols.get(packet.protocol)
        if handler is None:
            self.stats.drop("ipv4", "unknown-protocol")
            if self.protocol_unreachable is not None and not to_broadcast:
                self.protocol_unreachable(packet, raw, now)
            return
        self.stats.count("ipv4.delivered")
        handler(packet, raw, to_broadcast, now)

    def advance(self, now: int) -> None:
        """Drop reassemblies that timed out (Time Exceeded for those with fragment zero)."""
        if self.reassembler is None:
            return
        for first, raw in self.reassembler.expire(now):
            if self.reassembly_timed_out is not None:
                self.reassembly_timed_out(first, raw, now)

    def next_deadline(self) -> int | None:
        return self.reassembler.next_deadline() if self.reassembler is not None else None

    @staticmethod
    def _received_bytes(data: bytes) -> bytes:
        total_length = int.from_bytes(data[2:4], "big")
        return bytes(data[:total_length])

    # --- Output ---------------------------------------------------------------------

    def next_identification(self) -> int:
        # RFC 6864 §4.1: the ID only has to be unique for atomic datagrams' fragments;
        # a counter is enough.
        self._identification = (self._identification + 1) & 0xFFFF
        return self._identification

    def send(self, destination: str, protocol: int, payload: bytes, now: int) -> bool:
        """Build and send a datagram from our address; False (counted) when it cannot go."""
        settings = self.settings.ipv4
        if settings is None:
            self.stats.drop("ipv4", "no-address")
            return False
        packet = Ipv4Packet(identification=self.next_identification(), ttl=self.settings.ttl,
                            protocol=protocol, source=settings.address,
                            destination=destination, payload=payload)
        return self.send_packet(packet, now)

    def send_packet(self, packet: Ipv4Packet, now: int) -> bool:
        settings = self.settings.ipv4
        if settings is None or packet.source == UNSPECIFIED:
            self.stats.drop("ipv4", "no-address")
            return False
        next_hop = settings.next_hop(packet.destination)
        if next_hop is None:
            self.stats.drop("ipv4", "no-route")
            return False
        try:
            datagrams = self._fragments_of(packet)
        except ipv4.Ipv4Error:
            self.stats.drop("ipv4", "unsendable")
            return False
        if datagrams is None:
            self.stats.drop("ipv4", "over-mtu")
            return False
        for datagram in datagrams:
            self.arp.send_datagram(next_hop, datagram, now)
        self.stats.count("ipv4.sent")
        return True

    def _fragments_of(self, packet: Ipv4Packet) -> list[bytes] | None:
        """The packet's bytes, as fragments that fit the MTU when it does not (RFC 791
        §3.2); None when it does not fit and may not be fragmented."""
        encoded = ipv4.encode(packet)
        mtu = self.settings.mtu
        if len(encoded) <= mtu:
            return [encoded]
        # Without CONFIG_NET_IPV4_FRAGMENT nothing is fragmented; with DF set, nothing
        # may be; a packet with options is not either (each option's copy rule would
        # have to be followed), and is refused instead.
        if self.settings.fragments is None or packet.dont_fragment or packet.options:
            return None
        step = (mtu - ipv4.HEADER_LENGTH) // 8 * 8
        payload = packet.payload
        return [ipv4.encode(replace(packet, checksum=None, fragment_offset=start // 8,
                                    more_fragments=start + step < len(payload),
                                    payload=payload[start:start + step]))
                for start in range(0, len(payload), step)]
