"""IPv4 input and output for the interface (RFC 791, RFC 1122 §3.2.1 and §3.3).

Input keeps what the codec checks (version, IHL, lengths against the frame, header
checksum, options, the CVE-2023-7060 ingress rules) and adds what only the interface
knows: the destination is ours or a broadcast, TTL, fragments, the link's broadcast.
"""

from __future__ import annotations

from collections.abc import Callable

from levante.codecs import ipv4
from levante.codecs.ipv4 import Ipv4Packet
from levante.net.stack.arp import UNSPECIFIED, ArpResolver
from levante.net.stack.settings import InterfaceSettings
from levante.net.stack.stats import NetStats

# A protocol's input: the decoded packet, its bytes as received (header included, link
# padding cut), whether it came to a broadcast address, and the instant.
ProtocolInput = Callable[[Ipv4Packet, bytes, bool, int], None]
# What is done with a datagram carrying a protocol nobody handles (ICMP's job).
Unreachable = Callable[[Ipv4Packet, bytes, int], None]


class Ipv4Layer:
    """Checks received datagrams and hands them to their protocol; routes and sends."""

    def __init__(self, settings: InterfaceSettings, stats: NetStats, arp: ArpResolver) -> None:
        self.settings = settings
        self.stats = stats
        self.arp = arp
        self.protocols: dict[int, ProtocolInput] = {}
        self.protocol_unreachable: Unreachable | None = None
        self._identification = 0

    def receive(self, data: bytes, link_broadcast: bool, now: int) -> None:
        self.stats.count("ipv4.received")
        settings = self.settings.ipv4
        if settings is None:
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
        # Fragments are not reassembled yet (Zephyr's default, CONFIG_NET_IPV4_FRAGMENT=n).
        if packet.is_fragment:
            self.stats.drop("ipv4", "fragment")
            return
        handler = self.protocols.get(packet.protocol)
        if handler is None:
            self.stats.drop("ipv4", "unknown-protocol")
            if self.protocol_unreachable is not None and not to_broadcast:
                self.protocol_unreachable(packet, self._received_bytes(data), now)
            return
        self.stats.count("ipv4.delivered")
        handler(packet, self._received_bytes(data), to_broadcast, now)

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
        if ipv4.HEADER_LENGTH + len(packet.payload) > self.settings.mtu:
            # No fragmentation on output: the datagram must fit the link (Zephyr's
            # default without CONFIG_NET_IPV4_FRAGMENT).
            self.stats.drop("ipv4", "over-mtu")
            return False
        self.arp.send_datagram(next_hop, ipv4.encode(packet), now)
        self.stats.count("ipv4.sent")
        return True
