"""A scripted TCP peer for the stack's unit tests, and two stacks wired back to back on
simulated time (with loss and reordering when asked)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netpeer import DEVICE_IP, DEVICE_MAC, PEER_IP, arp_request, datagram, frame

from levante.codecs import ethernet, ipv4, tcp
from levante.codecs.tcp import TcpSegment
from levante.codecs.tcp_options import MaximumSegmentSize, TcpOption
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.settings import TcpSettings
from levante.net.stack.tcp import Listener, TcpLayer
from levante.net.stack.tcp_connection import Connection

KEY = bytes(range(16))
PEER_PORT = 40000
DEVICE_PORT = 7
MS = 1_000


def make_tcp_stack(*, mac: str = DEVICE_MAC, address: str = DEVICE_IP,
                   key: bytes = KEY, **tunables: Any) -> NetworkStack:
    settings = InterfaceSettings(mac=mac, ipv4=Ipv4Settings(address, "255.255.255.0"),
                                 tcp=TcpSettings(**tunables))
    stack = NetworkStack(settings, tcp_key=key)
    stack.link_up(0)
    stack.take_outgoing()
    return stack


def layer(stack: NetworkStack) -> TcpLayer:
    assert stack.tcp is not None
    return stack.tcp


def tcp_frame(segment: TcpSegment, *, source: str = PEER_IP,
              destination: str = DEVICE_IP) -> bytes:
    data = tcp.encode(segment, source=source, destination=destination)
    return frame(datagram(ipv4.PROTOCOL_TCP, data, source=source, destination=destination))


def sent_segments(stack: NetworkStack) -> list[TcpSegment]:
    """The TCP segments among what the device sent (ARP and ICMP left out)."""
    result = []
    for data in stack.take_outgoing():
        decoded = ethernet.decode(data)
        if decoded.ethertype != ethernet.ETHERTYPE_IPV4:
            continue
        packet = ipv4.decode(decoded.payload)
        if packet.protocol == ipv4.PROTOCOL_TCP:
            result.append(tcp.decode(packet.payload, source=packet.source,
                                     destination=packet.destination))
    return result


@dataclass
class ScriptedPeer:
    """The remote end, played by hand: `send` puts a segment on the wire at `now` and
    returns what the device answered. `seq` is the peer's next sequence number."""

    stack: NetworkStack
    port: int = PEER_PORT
    device_port: int = DEVICE_PORT
    seq: int = 1000
    ack: int = 0
    window: int = 65535
    sent: list[TcpSegment] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The device learns the peer's MAC from its ARP request (RFC 826).
        self.stack.receive(arp_request(), 0)
        self.stack.take_outgoing()

    def send(self, flags: tuple[str, ...], payload: bytes = b"", *, now: int = 0,
             seq: int | None = None, ack: int | None = None, window: int | None = None,
             options: tuple[TcpOption, ...] = (), advance: bool = True) -> list[TcpSegment]:
        segment = TcpSegment(
            source_port=self.port, destination_port=self.device_port,
            sequence_number=self.seq if seq is None else seq,
            acknowledgment_number=(self.ack if ack is None else ack) if "ACK" in flags else 0,
            flags=flags, window=self.window if window is None else window,
            options=options, payload=payload)
        self.sent.append(segment)
        if advance and seq is None:
            self.seq = (self.seq + len(payload) + ("SYN" in flags) + ("FIN" in flags)) \
                % (1 << 32)
        self.stack.receive(tcp_frame(segment), now)
        return sent_segments(self.stack)

    def syn(self, *, now: int = 0, mss: int = 1460) -> list[TcpSegment]:
        return self.send(("SYN",), now=now, options=(MaximumSegmentSize(value=mss),))

    def handshake(self, *, now: int = 0, mss: int = 1460) -> TcpSegment:
        """SYN, the device's SYN,ACK, our ACK: the connection is established."""
        [syn_ack] = self.syn(now=now, mss=mss)
        assert syn_ack.flags == ("ACK", "SYN")
        self.ack = (syn_ack.sequence_number + 1) % (1 << 32)
        assert self.send(("ACK",), now=now) == []
        return syn_ack

    def accept_syn(self, syn: TcpSegment, *, now: int = 0) -> list[TcpSegment]:
        """Answer the device's SYN (an active open from the device) with SYN,ACK."""
        self.ack = (syn.sequence_number + 1) % (1 << 32)
        self.device_port = syn.source_port
        return self.send(("SYN", "ACK"), now=now, options=(MaximumSegmentSize(value=1460),))


def listening(**tunables: Any) -> tuple[ScriptedPeer, Listener]:
    stack = make_tcp_stack(**tunables)
    listener = layer(stack).listen(DEVICE_PORT, 4)
    return ScriptedPeer(stack), listener


def established(**tunables: Any) -> tuple[ScriptedPeer, Connection]:
    peer, listener = listening(**tunables)
    peer.handshake()
    connection = listener.accept()
    assert connection is not None
    return peer, connection


class Wire:
    """Two stacks on one simulated Ethernet: frames cross after `delay_us`, some lost
    or reordered (by a seeded generator, so each run is the same)."""

    def __init__(self, left: NetworkStack, right: NetworkStack, *, delay_us: int = 500,
                 loss: float = 0.0, reorder: float = 0.0, seed: int = 1) -> None:
        self.stacks = (left, right)
        self.delay_us = delay_us
        self.loss = loss
        self.reorder = reorder
        self.random = random.Random(seed)
        self.now = 0
        self.in_flight: list[tuple[int, int, int, bytes]] = []  # (arrival, order, to, frame)
        self._order = 0
        self.frames = 0

    def _collect(self) -> None:
        for index, stack in enumerate(self.stacks):
            for data in stack.take_outgoing():
                self.frames += 1
                if self.random.random() < self.loss:
                    continue
                delay = self.delay_us
                if self.random.random() < self.reorder:
                    delay += self.random.randrange(1, 4 * self.delay_us)
                self._order += 1
                self.in_flight.append((self.now + delay, self._order, 1 - index, data))

    def step(self) -> bool:
        """Deliver the next frame or run the next timer; False when nothing is left."""
        self._collect()
        candidates = [deadline for stack in self.stacks
                      if (deadline := stack.next_deadline()) is not None]
        if self.in_flight:
            candidates.append(min(self.in_flight)[0])
        if not candidates:
            return False
        self.now = max(self.now, min(candidates))
        due = sorted(item for item in self.in_flight if item[0] <= self.now)
        self.in_flight = [item for item in self.in_flight if item[0] > self.now]
        for _, _, to, data in due:
            self.stacks[to].receive(data, self.now)
        for stack in self.stacks:
            stack.advance(self.now)
        self._collect()
        return True

    def run_until(self, condition: Callable[[], bool], *, limit_us: int) -> None:
        """Step until `condition()` holds; fails when `limit_us` of simulated time pass."""
        while not condition():
            assert self.now <= limit_us, f"not done after {limit_us} µs of simulated time"
            if not self.step():
                raise AssertionError("the wire went quiet before the condition held")
