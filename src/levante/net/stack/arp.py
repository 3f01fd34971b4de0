"""ARP (RFC 826) for the interface: answers, learns, resolves next hops and announces."""

from __future__ import annotations

from collections.abc import Callable

from levante.codecs import arp, ethernet
from levante.codecs.arp import ArpOperation, ArpPacket
from levante.net.stack.arp_table import (
    MAX_REQUESTS,
    REQUEST_INTERVAL_US,
    ArpTable,
)
from levante.net.stack.ethernet import BROADCAST_MAC, EthernetPort
from levante.net.stack.settings import InterfaceSettings, address_value
from levante.net.stack.stats import NetStats

UNKNOWN_MAC = "00:00:00:00:00:00"
UNSPECIFIED = "0.0.0.0"


class ArpResolver:
    """The interface's ARP: RFC 826's reception algorithm, resolution with a bounded
    queue, and the announcement (gratuitous ARP, RFC 5227 §3) when the link comes up."""

    def __init__(self, port: EthernetPort, settings: InterfaceSettings,
                 stats: NetStats) -> None:
        self.port = port
        self.settings = settings
        self.stats = stats
        self.table = ArpTable(settings.arp_table_size, stats)
        # Whether one more datagram may wait for its next hop: the stack's send budget
        # over every queue (send_budget.py), which the stack sets.
        self.may_hold: Callable[[bytes], bool] = lambda _datagram: True

    def receive(self, payload: bytes, now: int) -> None:
        self.stats.count("arp.received")
        try:
            packet = arp.decode(payload)
        except arp.ArpError:
            self.stats.drop("arp", "malformed")
            return
        ipv4 = self.settings.ipv4
        if ipv4 is None:
            self.stats.drop("arp", "no-address")
            return
        if packet.sender_ip == ipv4.address:
            # Someone else claims our address (RFC 5227 §2.4): never learn it.
            self.stats.drop("arp", "address-conflict")
            return
        if packet.sender_ip == UNSPECIFIED:
            # An RFC 5227 probe: answer it if it asks for us (the prober then knows the
            # address is taken), but there is no sender to learn.
            if packet.operation is ArpOperation.REQUEST and packet.target_ip == ipv4.address:
                self._reply(packet)
            else:
                self.stats.count("arp.ignored")
            return
        if not self._is_learnable(packet):
            self.stats.drop("arp", "bad-sender")
            return
        # RFC 826 "Packet Reception": update the sender if known (merge), then, only when
        # we are the target, add it, and answer a request.
        merged = self.table.knows(packet.sender_ip)
        if merged:
            self.table.store(packet.sender_ip, packet.sender_mac, now)
        if packet.target_ip != ipv4.address:
            self.stats.count("arp.ignored")
            if merged:
                self._flush_waiting(packet.sender_ip, packet.sender_mac)
            return
        if not merged:
            self.table.store(packet.sender_ip, packet.sender_mac, now)
        self._flush_waiting(packet.sender_ip, packet.sender_mac)
        if packet.operation is ArpOperation.REQUEST:
            self._reply(packet)

    def _is_learnable(self, packet: ArpPacket) -> bool:
        ipv4 = self.settings.ipv4
        assert ipv4 is not None
        sender = address_value(packet.sender_ip)
        group_mac = int(packet.sender_mac[:2], 16) & 1
        return (not group_mac and packet.sender_mac != UNKNOWN_MAC
                and sender >> 24 not in (0, 127) and sender >> 28 < 0xE
                and not ipv4.is_broadcast(packet.sender_ip)
                and ipv4.is_on_link(packet.sender_ip))

    def _reply(self, request: ArpPacket) -> None:
        ipv4 = self.settings.ipv4
        assert ipv4 is not None
        reply = ArpPacket(operation=ArpOperation.REPLY, sender_mac=self.port.mac,
                          sender_ip=ipv4.address, target_mac=request.sender_mac,
                          target_ip=request.sender_ip)
        self.port.send(request.sender_mac, ethernet.ETHERTYPE_ARP, arp.encode(reply))
        self.stats.count("arp.replied")

    def _flush_waiting(self, address: str, mac: str) -> None:
        for datagram in self.table.finish_resolution(address):
            self.port.send(mac, ethernet.ETHERTYPE_IPV4, datagram)

    # --- Sending -------------------------------------------------------------------

    def send_datagram(self, next_hop: str, datagram: bytes, now: int) -> None:
        """Send an IPv4 datagram to the on-link `next_hop`, resolving its MAC first."""
        ipv4 = self.settings.ipv4
        if ipv4 is not None and ipv4.is_broadcast(next_hop):
            self.port.send(BROADCAST_MAC, ethernet.ETHERTYPE_IPV4, datagram)
            return
        mac = self.table.lookup(next_hop, now)
        if mac is not None:
            self.port.send(mac, ethernet.ETHERTYPE_IPV4, datagram)
            return
        resolution = self.table.pending(next_hop)
        if resolution is None:
            resolution = self.table.start_resolution(next_hop, now)
            if resolution is None:
                self.stats.drop("arp", "too-many-unresolved")
                return
        if not self.may_hold(datagram):
            self.stats.drop("arp", "no-send-buffer")  # CONFIG_NET_PKT/BUF_TX_COUNT
            return
        if len(resolution.datagrams) == resolution.datagrams.maxlen:
            self.stats.drop("arp", "queue-full")  # the oldest makes room for the latest
        resolution.datagrams.append(datagram)
        self.advance(now)

    def advance(self, now: int) -> None:
        """Send the requests that are due; give up on addresses asked often enough."""
        for address, resolution in self.table.resolutions().items():
            if resolution.next_request_at > now:
                continue
            if resolution.requests_sent >= MAX_REQUESTS:
                for _ in self.table.finish_resolution(address):
                    self.stats.drop("arp", "unresolved")
                continue
            self._request(address)
            resolution.requests_sent += 1
            resolution.next_request_at = now + REQUEST_INTERVAL_US

    def next_deadline(self) -> int | None:
        return self.table.next_deadline()

    def _request(self, address: str) -> None:
        ipv4 = self.settings.ipv4
        assert ipv4 is not None
        request = ArpPacket(operation=ArpOperation.REQUEST, sender_mac=self.port.mac,
                            sender_ip=ipv4.address, target_mac=UNKNOWN_MAC,
                            target_ip=address)
        self.port.send(BROADCAST_MAC, ethernet.ETHERTYPE_ARP, arp.encode(request))
        self.stats.count("arp.requested")

    def announce(self) -> None:
        """RFC 5227 §3 ARP Announcement (a gratuitous request: sender and target are our
        address), so neighbours with a stale mapping for it update it."""
        ipv4 = self.settings.ipv4
        if ipv4 is None:
            return
        announcement = ArpPacket(operation=ArpOperation.REQUEST, sender_mac=self.port.mac,
                                 sender_ip=ipv4.address, target_mac=UNKNOWN_MAC,
                                 target_ip=ipv4.address)
        self.port.send(BROADCAST_MAC, ethernet.ETHERTYPE_ARP, arp.encode(announcement))
        self.stats.count("arp.announced")
