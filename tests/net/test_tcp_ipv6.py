"""TCP over IPv6 (RFC 9293 with RFC 8200 §8.1's pseudo-header): a scripted IPv6 peer
opens and talks to a listener, the device connects out, the MSS is the IPv6 MTU's, the
IPv4 and IPv6 listener tables are apart, and bulk data crosses two IPv6 stacks back to
back on a lossy wire."""

from __future__ import annotations

import random
from dataclasses import dataclass

from netpeer6 import DEVICE_GLOBAL, PEER_GLOBAL, frame, sent, solicitation
from tcppeer import KEY, Wire

from levante.codecs import ipv6, tcp
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.tcp import TcpSegment
from levante.codecs.tcp_options import MaximumSegmentSize
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.ipv6_settings import Ipv6Settings
from levante.net.stack.settings import TcpSettings
from levante.net.stack.tcp import TcpLayer, TcpState, TcpUsageError

SECOND = 1_000_000
PEER_MAC2 = "00:00:5e:00:53:02"
PORT = 7
NOW = 2 * SECOND  # past duplicate address detection


def make_stack(address: str = DEVICE_GLOBAL, mac: str = "00:00:5e:00:53:01",
               key: bytes = KEY, ipv4: str | None = "192.0.2.1") -> NetworkStack:
    settings = InterfaceSettings(
        mac=mac, ipv4=Ipv4Settings(ipv4, "255.255.255.0") if ipv4 else None,
        ipv6=Ipv6Settings(static_address=address), tcp=TcpSettings())
    stack = NetworkStack(settings, tcp_key=key)
    stack.link_up(0)
    stack.advance(SECOND)  # past duplicate address detection
    stack.take_outgoing()
    return stack


def layer(stack: NetworkStack) -> TcpLayer:
    assert stack.tcp is not None
    return stack.tcp


def segment_frame(segment: TcpSegment, source: str = PEER_GLOBAL,
                  destination: str = DEVICE_GLOBAL) -> bytes:
    data = tcp.encode(segment, source=source, destination=destination)
    return frame(Ipv6Packet(next_header=ipv6.NEXT_TCP, source=source,
                            destination=destination, payload=data))


def segments(stack: NetworkStack) -> list[TcpSegment]:
    return [tcp.decode(item.upper, source=item.packet.source,
                       destination=item.packet.destination)
            for item in sent(stack) if item.packet.next_header == ipv6.NEXT_TCP]


@dataclass
class Peer6:
    stack: NetworkStack
    seq: int = 5000
    ack: int = 0
    device_port: int = PORT
    port: int = 40000

    def __post_init__(self) -> None:
        # The device learns the peer's MAC from its solicitation (RFC 4861 §7.2.3).
        self.stack.receive(solicitation(), NOW)
        self.stack.take_outgoing()

    def send(self, flags: tuple[str, ...], payload: bytes = b"", *,
             mss: int | None = None) -> list[TcpSegment]:
        segment = TcpSegment(
            source_port=self.port, destination_port=self.device_port, sequence_number=self.seq,
            acknowledgment_number=self.ack if "ACK" in flags else 0, flags=flags,
            window=65535, payload=payload,
            options=(MaximumSegmentSize(value=mss),) if mss else ())
        self.seq += len(payload) + ("SYN" in flags) + ("FIN" in flags)
        self.stack.receive(segment_frame(segment), NOW)
        return segments(self.stack)


def test_a_listener_over_ipv6_answers_with_the_ipv6_mss_and_talks() -> None:
    stack = make_stack()
    listener = layer(stack).listen(PORT, 2, ipv6=True)
    peer = Peer6(stack)
    [syn_ack] = peer.send(("SYN",), mss=1440)
    assert syn_ack.flags == ("ACK", "SYN")
    assert syn_ack.options == (MaximumSegmentSize(value=1500 - 60),)
    peer.ack = syn_ack.sequence_number + 1
    assert peer.send(("ACK",)) == []
    connection = listener.accept()
    assert connection is not None and connection.state is TcpState.ESTABLISHED
    assert (connection.remote_ip, connection.local_ip) == (PEER_GLOBAL, DEVICE_GLOBAL)
    [ack] = peer.send(("ACK",), b"over six")
    assert ack.acknowledgment_number == peer.seq
    assert connection.receive(100, NOW) == b"over six"
    assert connection.send(b"answer", NOW) == 6
    [answer] = segments(stack)
    assert answer.payload == b"answer"


def test_an_ipv4_listener_does_not_hear_ipv6_and_both_may_share_a_port() -> None:
    stack = make_stack()
    layer(stack).listen(PORT, 2)
    peer = Peer6(stack)
    [reset] = peer.send(("SYN",))
    assert "RST" in reset.flags  # no IPv6 listener on the port: refused
    listener6 = layer(stack).listen(PORT, 2, ipv6=True)
    assert layer(stack).listeners6[PORT] is listener6 and PORT in layer(stack).listeners
    try:
        layer(stack).listen(PORT, 2, ipv6=True)
    except TcpUsageError as refused:
        assert refused.errno == "EADDRINUSE"
    else:
        raise AssertionError("a second IPv6 listener on one port was allowed")


def test_a_corrupted_ipv6_segment_is_dropped_by_its_checksum() -> None:
    stack = make_stack()
    layer(stack).listen(PORT, 2, ipv6=True)
    data = bytearray(tcp.encode(TcpSegment(source_port=40000, destination_port=PORT,
                                           sequence_number=1, flags=("SYN",)),
                                source=PEER_GLOBAL, destination=DEVICE_GLOBAL))
    data[4] ^= 0xFF
    stack.receive(frame(Ipv6Packet(next_header=ipv6.NEXT_TCP, source=PEER_GLOBAL,
                                   destination=DEVICE_GLOBAL, payload=bytes(data))), 0)
    assert segments(stack) == []
    assert stack.stats.get("tcp.drop.bad-checksum") == 1


def test_the_device_connects_over_ipv6_and_a_refusal_is_econnrefused() -> None:
    stack = make_stack()
    peer = Peer6(stack)
    connection = layer(stack).connect(0, "2001:DB8:0::2", 80, NOW)
    [syn] = segments(stack)
    assert syn.flags == ("SYN",) and connection.remote_ip == PEER_GLOBAL
    assert syn.options == (MaximumSegmentSize(value=1440),)
    peer.device_port = syn.source_port
    peer.ack = syn.sequence_number + 1
    peer.seq, peer.port = 0, 80
    peer.send(("ACK", "RST"))
    assert connection.state is TcpState.CLOSED and connection.error == "ECONNREFUSED"


def test_connect_refuses_multicast_unspecified_and_its_own_address() -> None:
    stack = make_stack()
    for address, errno in (("ff02::1", "EINVAL"), ("::", "EINVAL"),
                           (DEVICE_GLOBAL, "ENETUNREACH"), ("2001:db8::zz", "EINVAL")):
        try:
            layer(stack).connect(0, address, 80, 0)
        except TcpUsageError as refused:
            assert refused.errno == errno, address
        else:
            raise AssertionError(f"connect to {address} was allowed")


def test_megabytes_cross_two_ipv6_stacks_on_a_lossy_wire() -> None:
    left = make_stack(ipv4=None)
    right = make_stack(address=PEER_GLOBAL, mac=PEER_MAC2, key=bytes(range(1, 17)),
                       ipv4=None)
    wire = Wire(left, right, loss=0.02, reorder=0.05, seed=5)
    wire.now = NOW
    listener = layer(right).listen(80, 2, ipv6=True)
    client = layer(left).connect(0, PEER_GLOBAL, 80, wire.now)
    wire.run_until(lambda: listener.readable, limit_us=60 * SECOND)
    server = listener.accept()
    assert server is not None
    data = random.Random(9).randbytes(1_000_000)
    offset = 0
    received = bytearray()

    def done() -> bool:
        nonlocal offset
        if not client.fin_queued:
            offset += client.send(data[offset:], wire.now)
            if offset == len(data):
                client.shutdown_write(wire.now)
        received.extend(server.receive(1 << 16, wire.now))
        return server.at_eof

    wire.run_until(done, limit_us=3600 * SECOND)
    assert bytes(received) == data
    assert left.stats.get("tcp.retransmitted") > 0
