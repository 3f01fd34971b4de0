"""UDP (RFC 768) for the interface: the port table the socket layer binds in, input with
the checksum checked, output with it computed; over IPv4, and over IPv6 once attached
(RFC 8200 §8.1: its own pseudo-header, the checksum mandatory)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from levante.codecs import ipv4, ipv6, udp
from levante.codecs.addresses import canonical_ipv6, is_ipv6_text
from levante.codecs.errors import CodecError
from levante.codecs.ipv4 import Ipv4Packet
from levante.codecs.ipv6 import Ipv6Packet
from levante.net.stack.ipv4 import Ipv4Layer
from levante.net.stack.ipv6 import Ipv6Layer
from levante.net.stack.stats import NetStats

# RFC 6335 §6: the dynamic (ephemeral) ports.
EPHEMERAL_FIRST = 49152
EPHEMERAL_LAST = 65535
RECEIVE_QUEUE_LENGTH = 8  # datagrams an endpoint holds before new ones are dropped


@dataclass(frozen=True)
class ReceivedDatagram:
    source: str  # dotted decimal, or an IPv6 address in its canonical text form
    source_port: int
    payload: bytes


class UdpEndpoint:
    """A bound port: what arrived for it, in order, up to a bound."""

    def __init__(self, port: int, capacity: int = RECEIVE_QUEUE_LENGTH,
                 family: int | None = None) -> None:
        self.port = port
        self.family = family  # 4 or 6: that family's datagrams only; None: both
        self.received: deque[ReceivedDatagram] = deque()
        self.capacity = capacity
        # Called after a datagram is queued (the socket layer wakes its readers).
        self.on_receive: Callable[[UdpEndpoint], None] | None = None

    def take(self) -> ReceivedDatagram | None:
        return self.received.popleft() if self.received else None


class PortInUse(Exception):
    """bind() to a port another endpoint holds."""


class UdpLayer:
    """The port table and the datagrams through it."""

    def __init__(self, ip: Ipv4Layer, stats: NetStats,
                 port_unreachable: Callable[[Ipv4Packet, bytes, int], None]) -> None:
        self.ip = ip
        self.stats = stats
        self.port_unreachable = port_unreachable
        self.endpoints: dict[int, UdpEndpoint] = {}  # both families', and IPv4-only
        # IPv6-only endpoints: an AF_INET6 socket shares its port with an AF_INET one,
        # as Zephyr's port check compares the family (echo_server binds both to 4242).
        self.endpoints6: dict[int, UdpEndpoint] = {}
        self._next_ephemeral = EPHEMERAL_FIRST
        ip.protocols[ipv4.PROTOCOL_UDP] = self.receive
        self.ipv6: Ipv6Layer | None = None
        self.port_unreachable_ipv6: Callable[[Ipv6Packet, bool, int], None] | None = None

    def attach_ipv6(self, ip: Ipv6Layer,
                    port_unreachable: Callable[[Ipv6Packet, bool, int], None]) -> None:
        """Carry datagrams over IPv6 too (one port table for both, as a dual-stack
        socket binds both)."""
        self.ipv6 = ip
        self.port_unreachable_ipv6 = port_unreachable
        ip.protocols[ipv6.NEXT_UDP] = self.receive_ipv6

    def bind(self, port: int, family: int | None = None) -> UdpEndpoint:
        """An endpoint on `port` (0: a free ephemeral port) for `family` (4, 6, or None
        for both); raises `PortInUse`, or `ValueError` for a port outside 0..65535, or
        when no ephemeral port is free."""
        if not 0 <= port <= 0xFFFF:
            raise ValueError(f"port {port} outside 0..65535")
        if port == 0:
            port = self._free_ephemeral_port()
        if self._conflicts(port, family):
            raise PortInUse(f"UDP port {port} is in use")
        endpoint = UdpEndpoint(port, family=family)
        (self.endpoints6 if family == 6 else self.endpoints)[port] = endpoint
        return endpoint

    def _conflicts(self, port: int, family: int | None) -> bool:
        both = self.endpoints.get(port)
        if family == 6:
            return port in self.endpoints6 or (both is not None and both.family is None)
        if family == 4:
            return both is not None
        return both is not None or port in self.endpoints6

    def all_endpoints(self) -> list[UdpEndpoint]:
        return [*self.endpoints.values(), *self.endpoints6.values()]

    def _for_ipv6(self, port: int) -> UdpEndpoint | None:
        endpoint = self.endpoints6.get(port)
        if endpoint is not None:
            return endpoint
        endpoint = self.endpoints.get(port)
        return endpoint if endpoint is not None and endpoint.family is None else None

    def connection_rows(self) -> list[tuple[str, str, str, str]]:
        """(protocol, local, remote, state) of every bound port, for `net conn`."""
        return [("UDP", f"*:{port}", "*:*", "bound")
                for port in sorted(endpoint.port for endpoint in self.all_endpoints())]

    def unbind(self, endpoint: UdpEndpoint) -> None:
        table = self.endpoints6 if endpoint.family == 6 else self.endpoints
        if table.get(endpoint.port) is endpoint:
            del table[endpoint.port]

    def _free_ephemeral_port(self) -> int:
        span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1
        for step in range(span):
            port = EPHEMERAL_FIRST + (self._next_ephemeral - EPHEMERAL_FIRST + step) % span
            if port not in self.endpoints and port not in self.endpoints6:
                self._next_ephemeral = port + 1 if port < EPHEMERAL_LAST else EPHEMERAL_FIRST
                return port
        raise ValueError("no ephemeral UDP port is free")

    def receive(self, packet: Ipv4Packet, raw: bytes, to_broadcast: bool, now: int) -> None:
        self.stats.count("udp.received")
        try:
            datagram = udp.decode(packet.payload, source=packet.source,
                                  destination=packet.destination)
        except udp.UdpChecksumError:
            self.stats.drop("udp", "bad-checksum")
            return
        except udp.UdpError:
            self.stats.drop("udp", "malformed")
            return
        # RFC 768 leaves port 0 reserved as a destination; nothing can listen there.
        endpoint = self.endpoints.get(datagram.destination_port) \
            if datagram.destination_port else None
        if endpoint is None:
            self.stats.drop("udp", "port-unreachable")
            # RFC 1122 §4.1.3.1: port unreachable, but never for a broadcast (§3.2.2).
            if not to_broadcast:
                self.port_unreachable(packet, raw, now)
            return
        self._deliver(endpoint, ReceivedDatagram(packet.source, datagram.source_port,
                                                 datagram.payload))

    def receive_ipv6(self, packet: Ipv6Packet, data: bytes, to_multicast: bool,
                     now: int) -> None:
        self.stats.count("udp.received")
        try:
            datagram = udp.decode(data, source=packet.source, destination=packet.destination)
        except udp.UdpChecksumError:
            self.stats.drop("udp", "bad-checksum")  # a zero one included (RFC 8200 §8.1)
            return
        except udp.UdpError:
            self.stats.drop("udp", "malformed")
            return
        endpoint = self._for_ipv6(datagram.destination_port) \
            if datagram.destination_port else None
        if endpoint is None:
            self.stats.drop("udp", "port-unreachable")
            # RFC 4443 §3.1 code 4; §2.4 (e.3): never for a multicast destination.
            if not to_multicast and self.port_unreachable_ipv6 is not None:
                self.port_unreachable_ipv6(packet, to_multicast, now)
            return
        self._deliver(endpoint, ReceivedDatagram(packet.source, datagram.source_port,
                                                 datagram.payload))

    def _deliver(self, endpoint: UdpEndpoint, received: ReceivedDatagram) -> None:
        if len(endpoint.received) >= endpoint.capacity:
            self.stats.drop("udp", "receive-queue-full")
            return
        endpoint.received.append(received)
        self.stats.count("udp.delivered")
        if endpoint.on_receive is not None:
            endpoint.on_receive(endpoint)

    def send(self, endpoint: UdpEndpoint, destination: str, port: int, payload: bytes,
             now: int) -> bool:
        """Send `payload` from `endpoint` to `destination`:`port`; False (counted) when
        it cannot go. `destination` is dotted decimal or IPv6 text."""
        if is_ipv6_text(destination):
            return self._send_ipv6(endpoint, destination, port, payload, now)
        settings = self.ip.settings.ipv4
        if settings is None:
            self.stats.drop("udp", "no-address")
            return False
        if not 1 <= port <= 0xFFFF:
            self.stats.drop("udp", "bad-port")
            return False
        try:
            data = udp.encode(udp.UdpDatagram(source_port=endpoint.port,
                                              destination_port=port, payload=payload),
                              source=settings.address, destination=destination)
        except udp.UdpError:  # a destination that is no address, a datagram over 64 KiB
            self.stats.drop("udp", "unsendable")
            return False
        if not self.ip.send(destination, ipv4.PROTOCOL_UDP, data, now):
            return False
        self.stats.count("udp.sent")
        return True

    def _send_ipv6(self, endpoint: UdpEndpoint, destination: str, port: int, payload: bytes,
                   now: int) -> bool:
        if self.ipv6 is None:
            self.stats.drop("udp", "no-ipv6")
            return False
        if not 1 <= port <= 0xFFFF:
            self.stats.drop("udp", "bad-port")
            return False
        try:
            destination = canonical_ipv6(destination, udp.UdpError)
            source = self.ipv6.source_for(destination)
            if source is None:
                self.stats.drop("udp", "no-address")
                return False
            data = udp.encode(udp.UdpDatagram(source_port=endpoint.port,
                                              destination_port=port, payload=payload),
                              source=source, destination=destination)
        except CodecError:  # a destination that is no address, a datagram over 64 KiB
            self.stats.drop("udp", "unsendable")
            return False
        if not self.ipv6.send(destination, ipv6.NEXT_UDP, data, now, source=source):
            return False
        self.stats.count("udp.sent")
        return True
