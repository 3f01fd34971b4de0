"""The user-mode gateway: the device's one neighbour on the `--net user` link.

It answers ARP and ping for the addresses it owns (`plan.py`), serves DHCP and DNS,
relays the device's UDP through host sockets and its TCP through the TCP relay; over
IPv6 `gateway6.py` does the same with Neighbor Discovery for ARP and Router
Advertisements for DHCP (`plan6.py` says which addresses). What it
sends the device collects in `take_frames`; the host's side (sockets readable or
writable, lookups done) is served by `serve_host`. Time on the device's side is the
interface's simulated clock (`clock`, µs), used for leases and the TCP engine's timers;
the host's side runs on the host's clock.
"""

from __future__ import annotations

import socket
from collections import Counter, deque
from collections.abc import Callable, Sequence

from levante.codecs import arp, dhcpv4, dns, ethernet, icmp, ipv4, ipv6, tcp, udp
from levante.codecs.addresses import is_ipv6_text
from levante.codecs.errors import CodecError
from levante.net.link.user.dhcp_server import DhcpServer
from levante.net.link.user.dns_service import DnsService, Lookup, host_lookup
from levante.net.link.user.forward_sockets import device_target
from levante.net.link.user.gateway4 import (
    BROADCAST_MAC,
    LIMITED_BROADCAST,
    answer_arp,
    answer_dhcp,
    ask_device_mac,
)
from levante.net.link.user.gateway6 import Ipv6Side
from levante.net.link.user.host_udp import ToDevice, UdpForwards, UdpRelay
from levante.net.link.user.plan import GATEWAY_MAC, GatewayPlan
from levante.net.link.user.plan6 import Gateway6Plan, default_plan6
from levante.net.link.user.tcp_engine import IpPacket
from levante.net.link.user.tcp_forward import TcpForwards
from levante.net.link.user.tcp_relay import HostTcpRelay

MTU = 1500
IPV6_MULTICAST_MAC = "33:33:"  # RFC 2464 §7: IPv6 multicast's Ethernet groups
# Frames for the device waiting to be taken, at most: the device takes them within a
# simulated millisecond, so only a host flood fills this; the excess is dropped.
MAX_QUEUED_FRAMES = 256

# A port forward: ("udp" or "tcp", host port, device port).
Forward = tuple[str, int, int]


class UserGateway:
    def __init__(self, plan: GatewayPlan, forwards: list[Forward],
                 wake: Callable[[], None], lookup: Lookup = host_lookup,
                 plan6: Gateway6Plan | None = None) -> None:
        self.plan = plan
        self.plan6 = plan6 = plan6 or default_plan6()
        self.clock: Callable[[], int] = lambda: 0  # the interface sets its own
        self.counters: Counter[str] = Counter()
        self.dhcp = DhcpServer(plan)
        self.dns = DnsService(plan.host_aliases[0], wake, lookup,
                              host_alias6=plan6.host_aliases[0])
        self.udp = UdpRelay(plan.host_aliases, plan6.host_aliases)
        self.forwards = UdpForwards([(host, device) for kind, host, device in forwards
                                     if kind == "udp"], plan.host_aliases[0],
                                    plan6.host_aliases[0])
        try:
            self.tcp_forwards = TcpForwards([(host, device) for kind, host, device
                                             in forwards if kind == "tcp"])
        except OSError:
            self.forwards.close()
            raise
        self.tcp = HostTcpRelay(plan.host_aliases,
                                (plan.owned - set(plan.host_aliases))
                                | (plan6.owned - set(plan6.host_aliases)),
                                self.counters, host_aliases6=plan6.host_aliases)
        self._last_now = 0
        self.device_mac: str | None = None
        self.device_address: str | None = plan.device_static
        self._to_device: deque[bytes] = deque()
        self._identification = 0
        self.ipv6 = Ipv6Side(self, plan6)

    # --- The device's side --------------------------------------------------------

    def from_device(self, data: bytes) -> None:
        """One frame the device sent; anything the gateway cannot use is counted."""
        try:
            frame = ethernet.decode(data)
        except CodecError:
            self.counters["drop.malformed"] += 1
            return
        if frame.destination not in (GATEWAY_MAC, BROADCAST_MAC) and \
                not frame.destination.startswith(IPV6_MULTICAST_MAC):
            return  # for another host of the segment: there is none
        if not int(frame.source[:2], 16) & 1:
            self.device_mac = frame.source
        try:
            if frame.ethertype == ethernet.ETHERTYPE_ARP:
                answer_arp(self, arp.decode(frame.payload))
            elif frame.ethertype == ethernet.ETHERTYPE_IPV4:
                self._ipv4(ipv4.decode(frame.payload))
            elif frame.ethertype == ethernet.ETHERTYPE_IPV6:
                self.ipv6.receive(frame.payload)
            else:
                self.counters["drop.ethertype"] += 1
        except CodecError:
            self.counters["drop.malformed"] += 1

    def _ipv4(self, packet: ipv4.Ipv4Packet) -> None:
        if packet.is_fragment:
            self.counters["drop.fragment"] += 1
            return
        if packet.source != "0.0.0.0" and self.plan.is_on_subnet(packet.source) \
                and packet.source not in self.plan.owned:
            self.device_address = packet.source
        destination = packet.destination
        is_broadcast = destination in (LIMITED_BROADCAST, self.plan.broadcast)
        if packet.protocol == ipv4.PROTOCOL_UDP:
            self._udp(packet, is_broadcast)
        elif packet.protocol == ipv4.PROTOCOL_ICMP:
            self._icmp(packet)
        elif packet.protocol == ipv4.PROTOCOL_TCP and not is_broadcast:
            segment = tcp.decode(packet.payload, source=packet.source, destination=destination)
            self.send_all(self.tcp.from_device(packet, segment, self.now()))
        else:
            self.counters["drop.protocol"] += 1

    def _icmp(self, packet: ipv4.Ipv4Packet) -> None:
        if packet.destination not in self.plan.owned:
            self.counters["drop.icmp-not-relayed"] += 1  # no raw sockets without root
            return
        message = icmp.decode(packet.payload)
        if isinstance(message, icmp.IcmpEcho) and message.type == icmp.ECHO_REQUEST:
            self.counters["icmp.echo-replied"] += 1
            self._send_ip(icmp.echo_reply_for(packet))

    def _udp(self, packet: ipv4.Ipv4Packet, is_broadcast: bool) -> None:
        datagram = udp.decode(packet.payload, source=packet.source,
                              destination=packet.destination)
        port = datagram.destination_port
        if port == dhcpv4.SERVER_PORT and (is_broadcast or packet.destination == self.plan.router):
            answer_dhcp(self, datagram.payload)
            return
        if is_broadcast:
            return  # nobody else on the segment
        if port == dns.PORT and packet.destination == self.plan.dns:
            answer = self.dns.query(datagram.payload, (packet.source, datagram.source_port))
            self.counters["dns.queries"] += 1
            if answer is not None:
                self.send_udp((self.plan.dns, dns.PORT, packet.source, datagram.source_port,
                                answer))
            return
        if packet.destination in self.plan.host_aliases and \
                self.forwards.answer(port, datagram.payload):
            self.counters["udp.forward-answers"] += 1
            return
        if packet.destination in self.plan.owned and \
                packet.destination not in self.plan.host_aliases:
            return  # the DNS address serves DNS only
        if int(packet.destination.split(".")[0]) >= 224:
            self.counters["drop.multicast"] += 1  # not relayed onto the host's networks
            return
        if self.udp.send((packet.source, datagram.source_port), packet.destination, port,
                         datagram.payload):
            self.counters["udp.relayed"] += 1
        else:
            self.counters["drop.udp-host-refused"] += 1

    def now(self) -> int:
        """The interface's simulated instant, never earlier than one already used (an idle
        wait runs the TCP engine's timers ahead of the interface's clock)."""
        self._last_now = max(self._last_now, self.clock())
        return self._last_now

    # --- Sending to the device ----------------------------------------------------

    def send_all(self, packets: list[IpPacket]) -> None:
        for packet in packets:
            if isinstance(packet, ipv6.Ipv6Packet):
                self.ipv6.send(packet)
            else:
                self._send_ip(packet)

    def send_udp(self, datagram: ToDevice, mac: str | None = None) -> None:
        source, source_port, destination, port, payload = datagram
        encoded = udp.encode(udp.UdpDatagram(source_port=source_port, destination_port=port,
                                             payload=payload),
                             source=source, destination=destination)
        if is_ipv6_text(destination):
            self.ipv6.send(ipv6.Ipv6Packet(next_header=ipv6.NEXT_UDP, source=source,
                                           destination=destination, payload=encoded))
            return
        self._send_ip(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_UDP, source=source,
                                      destination=destination, payload=encoded), mac)

    def _send_ip(self, packet: ipv4.Ipv4Packet, mac: str | None = None) -> None:
        if ipv4.HEADER_LENGTH + len(packet.payload) > MTU:
            self.counters["drop.over-mtu"] += 1  # the device reassembles only if built to
            return
        self._identification = (self._identification + 1) & 0xFFFF
        packet = ipv4.Ipv4Packet(
            dscp=packet.dscp, identification=self._identification, ttl=64,
            protocol=packet.protocol, source=packet.source, destination=packet.destination,
            options=packet.options, payload=packet.payload)
        destination_mac = mac or self.device_mac
        if destination_mac is None:
            self.counters["drop.device-unknown"] += 1
            ask_device_mac(self, packet.source, packet.destination)
            return
        self.queue_frame(destination_mac, ethernet.ETHERTYPE_IPV4, ipv4.encode(packet))

    def queue_frame(self, mac: str, ethertype: int, payload: bytes) -> None:
        if len(self._to_device) >= MAX_QUEUED_FRAMES:
            self.counters["drop.queue-full"] += 1
            return
        frame = ethernet.encode(ethernet.EthernetFrame(
            destination=mac, source=GATEWAY_MAC, ethertype=ethertype, payload=payload))
        self._to_device.append(frame.ljust(60, b"\0"))

    def take_frames(self, limit: int) -> list[bytes]:
        frames: list[bytes] = []
        while self._to_device and len(frames) < limit:
            frames.append(self._to_device.popleft())
        return frames

    @property
    def has_frames(self) -> bool:
        return bool(self._to_device)

    # --- The host's side -----------------------------------------------------------

    @property
    def host_sockets(self) -> list[socket.socket]:
        return [*self.udp.sockets, *self.forwards.sockets, *self.tcp_forwards.sockets,
                *self.tcp.readers]

    @property
    def host_writers(self) -> list[socket.socket]:
        """Host sockets waited on to become writable (connecting, or with bytes to take)."""
        return self.tcp.writers

    @property
    def listens(self) -> bool:
        """Whether anything may still come from the host (else waiting is pointless)."""
        return self.udp.is_open or bool(self.forwards.forwards) or self.dns.busy \
            or bool(self.tcp_forwards.forwards) or self.tcp.busy

    def next_device_deadline(self) -> int | None:
        """When the TCP engine's (or the next Router Advertisement's) timer is due
        (simulated µs), or None."""
        return min((deadline for deadline in (self.tcp.next_deadline(),
                                              self.ipv6.next_advertisement_at)
                    if deadline is not None), default=None)

    def advance(self, now: int) -> None:
        """Run the TCP engine's and Router Advertisement's timers due at simulated `now`."""
        self._last_now = max(self._last_now, now)
        self.send_all(self.tcp.advance(self._last_now))
        self.ipv6.advance(self._last_now)

    def next_host_deadline(self) -> float | None:
        deadlines = [deadline for deadline in (self.dns.next_deadline(),
                                               self.udp.next_expiry())
                     if deadline is not None]
        return min(deadlines, default=None)

    def serve_host(self, readable: list[socket.socket],
                   writable: Sequence[socket.socket] = ()) -> None:
        """Move what the host has for the device into frames."""
        now = self.now()
        self.send_all(self.tcp.advance(now))
        forward_sockets = self.forwards.sockets
        tcp_listeners = self.tcp_forwards.sockets
        udp_sockets = self.udp.sockets
        for sock in readable:
            if sock in tcp_listeners:
                self._accept_forwarded(sock, now)
                continue
            if sock not in udp_sockets and sock not in forward_sockets:
                continue  # a TCP flow's, served below
            if sock in forward_sockets:
                datagrams = self.forwards.receive(sock, self.device_address,
                                                  self.ipv6.device_address)
            else:
                datagrams = self.udp.receive(sock)
            for datagram in datagrams:
                self.counters["udp.to-device"] += 1
                self._send_to_device(datagram)
        self.send_all(self.tcp.serve(readable, list(writable), now))
        for (address, port), answer in self.dns.finished():
            server = self.plan6.dns if is_ipv6_text(address) else self.plan.dns
            self._send_to_device((server, dns.PORT, address, port, answer))
        self.udp.expire()

    def _accept_forwarded(self, sock: socket.socket, now: int) -> None:
        for client, device_port, client_ipv6 in self.tcp_forwards.accept(sock):
            device = device_target(client_ipv6, self.device_address,
                                   self.ipv6.device_address)
            if device is None:
                client.close()  # the device has no address yet: nothing to connect to
                self.counters["drop.tcp-forward-no-device"] += 1
                continue
            self.send_all(self.tcp.connect_device(client, device, device_port, now))

    def _send_to_device(self, datagram: ToDevice) -> None:
        try:
            self.send_udp(datagram)
        except CodecError:
            self.counters["drop.unencodable"] += 1  # what the host sent cannot be framed

    def close(self) -> None:
        self.dns.close()
        self.udp.close()
        self.forwards.close()
        self.tcp_forwards.close()
        self.tcp.close()
