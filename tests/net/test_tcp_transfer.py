"""Bulk TCP between two stacks wired back to back on simulated time, with loss and
reordering; segmentation to the peer's MSS (RFC 9293 §3.7.1)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netpeer import PEER_IP, PEER_MAC
from tcppeer import (
    PEER_PORT,
    ScriptedPeer,
    Wire,
    established,
    layer,
    make_tcp_stack,
    sent_segments,
)

from levante.codecs.tcp_options import MaximumSegmentSize
from levante.net.stack import NetworkStack
from levante.net.stack.tcp_connection import Connection, TcpState

SECOND = 1_000_000


def pair(**tunables: Any) -> tuple[NetworkStack, NetworkStack]:
    left = make_tcp_stack(**tunables)
    right = make_tcp_stack(mac=PEER_MAC, address=PEER_IP, key=bytes(range(1, 17)),
                           **tunables)
    return left, right


def connect(wire: Wire, left: NetworkStack, right: NetworkStack) -> tuple[Connection,
                                                                            Connection]:
    listener = layer(right).listen(80, 2)
    client = layer(left).connect(0, PEER_IP, 80, wire.now)
    wire.run_until(lambda: listener.readable, limit_us=60 * SECOND)
    server = listener.accept()
    assert server is not None and client.state is TcpState.ESTABLISHED
    return client, server


def exchange(wire: Wire, ends: tuple[Connection, Connection],
             data: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    """Send data[0] from ends[0] to ends[1] and data[1] back at once, each side
    shutting down its sending side when done; returns what each side received."""
    offsets = [0, 0]
    received = [bytearray(), bytearray()]

    def done() -> bool:
        for index, end in enumerate(ends):
            if not end.fin_queued:
                offsets[index] += end.send(data[index][offsets[index]:], wire.now)
                if offsets[index] == len(data[index]):
                    end.shutdown_write(wire.now)
            received[index] += end.receive(1 << 16, wire.now)
        return all(end.at_eof for end in ends)

    wire.run_until(done, limit_us=3600 * SECOND)
    return bytes(received[1]), bytes(received[0])


@pytest.mark.parametrize(("loss", "reorder"), [(0.0, 0.0), (0.03, 0.1)])
def test_megabytes_cross_a_lossy_reordering_wire_intact(loss: float, reorder: float) -> None:
    left, right = pair()
    wire = Wire(left, right, loss=loss, reorder=reorder, seed=7)
    ends = connect(wire, left, right)
    generator = random.Random(3)
    forward = generator.randbytes(2_000_000)
    backward = generator.randbytes(1_000_000)
    got_forward, got_backward = exchange(wire, ends, (forward, backward))
    assert got_forward == forward and got_backward == backward
    for end in ends:
        end.close(wire.now)
    wire.run_until(lambda: not layer(left).connections and not layer(right).connections,
                   limit_us=wire.now + 60 * SECOND)
    assert all(end.state is TcpState.CLOSED and end.error is None for end in ends)
    if loss:
        assert left.stats.get("tcp.retransmitted") > 0
        assert left.stats.get("tcp.out_of_order") + right.stats.get("tcp.out_of_order") > 0


@pytest.mark.parametrize(("congestion_avoidance", "fast_retransmit"),
                         [(False, False), (False, True), (True, False)])
def test_each_of_congestion_avoidance_and_fast_retransmit_can_go(
        congestion_avoidance: bool, fast_retransmit: bool) -> None:
    left, right = pair(congestion_avoidance=congestion_avoidance,
                       fast_retransmit=fast_retransmit)
    wire = Wire(left, right, loss=0.02, reorder=0.05, seed=11)
    ends = connect(wire, left, right)
    data = random.Random(5).randbytes(300_000)
    got, _ = exchange(wire, ends, (data, b""))
    assert got == data
    assert (left.stats.get("tcp.fast_retransmit") > 0) == fast_retransmit


@pytest.mark.parametrize(("options", "expected"), [
    ((MaximumSegmentSize(value=536),), 536),
    ((), 536),  # RFC 9293 §3.7.1: no option, 536
    ((MaximumSegmentSize(value=9000),), 1460),  # never more than our MTU allows
    ((MaximumSegmentSize(value=1),), 64),  # a tiny MSS is raised to the floor
])
def test_segments_follow_the_peers_mss(options: tuple[MaximumSegmentSize, ...],
                                       expected: int) -> None:
    stack = make_tcp_stack()
    listener = layer(stack).listen(7, 1)
    peer = ScriptedPeer(stack)
    [syn_ack] = peer.send(("SYN",), options=options)
    peer.ack = syn_ack.sequence_number + 1
    peer.send(("ACK",))
    connection = listener.accept()
    assert connection is not None
    connection.no_delay = True
    connection.send(b"z" * 3000, 0)
    sizes = [len(segment.payload) for segment in sent_segments(stack)]
    assert sizes and max(sizes) == expected and all(size <= expected for size in sizes)


def test_the_send_buffer_is_bounded_and_refills_as_data_is_acknowledged() -> None:
    peer, connection = established(send_buffer=4000)
    assert connection.send(b"a" * 10_000, 0) == 4000
    assert connection.send(b"b", 0) == 0 and not connection.writable
    # Two full segments go; the last 1080 octets wait for an ACK (Nagle).
    assert [len(segment.payload) for segment in sent_segments(peer.stack)] == [1460, 1460]
    peer.ack += 1460
    assert peer.send(("ACK",)) == []
    assert connection.writable and connection.send(b"c" * 5000, 0) == 1460
    [full] = sent_segments(peer.stack)  # the 1080 and 380 of the new: a full segment
    assert len(full.payload) == 1460


def test_nagle_holds_a_small_segment_while_data_is_in_flight() -> None:
    peer, connection = established()
    connection.send(b"first", 0)
    assert len(sent_segments(peer.stack)) == 1
    connection.send(b"second", 0)
    assert sent_segments(peer.stack) == []  # waits for the ACK of "first"
    peer.ack += 5
    [held] = peer.send(("ACK",))
    assert held.payload == b"second"
    connection.no_delay = True
    connection.send(b"third", 0)
    connection.send(b"fourth", 0)
    assert [segment.payload for segment in sent_segments(peer.stack)] == [b"third", b"fourth"]


def test_a_seeded_key_gives_the_same_conversation_every_time() -> None:
    def conversation() -> list[bytes]:
        stack = make_tcp_stack()
        ScriptedPeer(stack)
        layer(stack).connect(0, PEER_IP, PEER_PORT, 1234)
        return stack.take_outgoing()
    assert conversation() == conversation()


@settings(max_examples=20, deadline=None)
@given(loss=st.floats(0.0, 0.2), reorder=st.floats(0.0, 0.5), seed=st.integers(0, 2**16),
       size=st.integers(0, 60_000))
def test_any_loss_and_reordering_delivers_the_bytes_in_order(
        loss: float, reorder: float, seed: int, size: int) -> None:
    left, right = pair()
    wire = Wire(left, right, loss=loss, reorder=reorder, seed=seed)
    ends = connect(wire, left, right)
    data = random.Random(seed).randbytes(size)
    assert exchange(wire, ends, (data, data[::-1])) == (data, data[::-1])
