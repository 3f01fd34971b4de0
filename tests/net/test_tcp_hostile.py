"""Hostile TCP input: RFC 5961's challenge ACKs (and their rate limit), the bounded
backlog under a SYN flood, CVE-2022-1841-style flag abuse, the reset rules of
§3.10.7.1, and arbitrary segments that must never make the stack raise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netpeer import DEVICE_IP, PEER_IP, datagram, frame
from tcppeer import (
    DEVICE_PORT,
    KEY,
    PEER_PORT,
    ScriptedPeer,
    established,
    layer,
    listening,
    make_tcp_stack,
    sent_segments,
    tcp_frame,
)

from levante.codecs import ipv4, tcp
from levante.codecs.tcp import FLAG_NAMES, TcpSegment
from levante.net.stack.tcp import CHALLENGE_BURST, MAXIMUM_BACKLOG
from levante.net.stack.tcp_connection import TcpState
from levante.net.stack.tcp_sequence import IsnGenerator


def test_a_reset_in_the_window_but_not_at_rcv_nxt_gets_a_challenge_ack() -> None:
    peer, connection = established()
    [challenge] = peer.send(("RST",), seq=peer.seq + 100)
    assert challenge.flags == ("ACK",) and challenge.acknowledgment_number == peer.seq
    assert connection.state is TcpState.ESTABLISHED
    assert peer.stack.stats.get("tcp.challenge_ack") == 1


def test_a_reset_outside_the_window_is_dropped_without_an_answer() -> None:
    peer, connection = established()
    assert peer.send(("RST",), seq=peer.seq + 1_000_000) == []
    assert peer.send(("RST",), seq=peer.seq - 1) == []
    assert connection.state is TcpState.ESTABLISHED
    assert peer.stack.stats.get("tcp.drop.out-of-window") == 2


def test_a_syn_in_a_synchronized_state_gets_a_challenge_ack_only() -> None:
    peer, connection = established()
    [challenge] = peer.send(("SYN",), seq=peer.seq + 5)
    assert challenge.flags == ("ACK",) and challenge.acknowledgment_number == peer.seq
    assert connection.state is TcpState.ESTABLISHED
    assert peer.stack.stats.get("tcp.drop.syn-in-window") == 1


def test_an_ack_of_data_never_sent_gets_a_challenge_ack() -> None:
    peer, connection = established()
    [challenge] = peer.send(("ACK",), b"injected", ack=peer.ack + 5000)
    assert challenge.flags == ("ACK",)
    assert connection.received == b""  # the injected text was not taken
    assert peer.stack.stats.get("tcp.drop.unacceptable-ack") == 1


def test_challenge_acks_are_rate_limited() -> None:
    peer, connection = established()
    answers = [peer.send(("RST",), seq=peer.seq + 10, now=0) for _ in range(50)]
    assert sum(len(answer) for answer in answers) == CHALLENGE_BURST
    assert peer.stack.stats.get("tcp.drop.challenge-ack-rate-limited") == 50 - CHALLENGE_BURST
    # The bucket refills on simulated time.
    assert len(peer.send(("RST",), seq=peer.seq + 10, now=1_000_000)) == 1


def test_a_syn_flood_beyond_the_backlog_is_dropped_and_counted() -> None:
    stack = make_tcp_stack()
    listener = layer(stack).listen(DEVICE_PORT, 4)
    ScriptedPeer(stack)
    answered = 0
    for port in range(1024, 1024 + 2000):
        stack.receive(tcp_frame(TcpSegment(source_port=port, destination_port=DEVICE_PORT,
                                           sequence_number=port, flags=("SYN",),
                                           window=1000)), 0)
        answered += len(sent_segments(stack))
    assert answered == 4 and len(listener.half_open) == 4
    assert len(layer(stack).connections) == 4
    assert stack.stats.get("tcp.drop.backlog-full") == 2000 - 4
    # A huge backlog is clamped.
    assert layer(stack).listen(81, 10_000).backlog == MAXIMUM_BACKLOG


def test_half_open_connections_time_out_and_free_the_backlog() -> None:
    peer, listener = listening(retry_count=1)
    peer.syn()
    assert len(listener.half_open) == 1
    while listener.half_open:
        deadline = peer.stack.next_deadline()
        assert deadline is not None
        peer.stack.advance(deadline)
    assert layer(peer.stack).connections == {}


@pytest.mark.parametrize(("initial_rto_us", "retry_count"),
                         [(200_000, 9), (500_000, 3), (1_000_000, 0)])
def test_a_half_open_connection_holds_its_slot_as_long_as_zephyrs_does(
        initial_rto_us: int, retry_count: int) -> None:
    """Zephyr sends a SYN,ACK again every NET_TCP_INIT_RETRANSMISSION_TIMEOUT, without
    backoff, NET_TCP_RETRY_COUNT times, and drops the half-open connection at the next
    expiry."""
    peer, listener = listening(initial_rto_us=initial_rto_us, retry_count=retry_count)
    listener.backlog = 1
    [first] = peer.syn()
    assert first.flags == ("ACK", "SYN")
    sent_at = []
    while listener.half_open:
        deadline = peer.stack.next_deadline()
        assert deadline is not None
        peer.stack.advance(deadline)
        sent_at += [deadline for segment in sent_segments(peer.stack)
                    if segment.flags == ("ACK", "SYN")]
        dropped_at = deadline
    assert sent_at == [initial_rto_us * (n + 1) for n in range(retry_count)]
    assert dropped_at == initial_rto_us * (retry_count + 1)
    assert peer.stack.stats.get("tcp.timed_out") == 1
    # The slot is free again: the next SYN is answered.
    other = ScriptedPeer(peer.stack, port=40001)
    [answer] = other.syn(now=dropped_at)
    assert answer.flags == ("ACK", "SYN")


@pytest.mark.parametrize(("flags", "dropped_as"), [
    (("SYN", "FIN"), "syn-fin"),
    (("SYN", "RST"), "syn-rst"),
    (("SYN", "FIN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"), "syn-fin"),
])
def test_syn_with_fin_or_rst_is_dropped_silently_everywhere(
        flags: tuple[str, ...], dropped_as: str) -> None:
    peer, listener = listening()
    assert peer.send(flags) == []  # to the listener
    closed = ScriptedPeer(peer.stack, port=40001, device_port=9)
    assert closed.send(flags) == []  # to a closed port
    assert listener.half_open == []
    assert peer.stack.stats.get(f"tcp.drop.{dropped_as}") == 2


def test_other_flag_abuse_in_listen_is_dropped_or_reset_as_the_rfc_says() -> None:
    peer, listener = listening()
    assert peer.send(()) == []  # no flags at all
    assert peer.send(("FIN",)) == []  # FIN without ACK
    assert peer.send(("FIN", "PSH", "URG")) == []  # "Xmas"
    assert peer.send(("RST",)) == []
    [reset] = peer.send(("ACK",), ack=12345)
    assert reset.flags == ("RST",) and reset.sequence_number == 12345
    stats = peer.stack.stats
    assert stats.get("tcp.drop.no-syn-in-listen") == 3
    assert stats.get("tcp.drop.rst-in-listen") == 1
    assert listener.half_open == []


def test_segments_without_ack_in_established_are_dropped() -> None:
    peer, connection = established()
    assert peer.send(("FIN",), advance=False) == []
    assert peer.send((), b"no ack", advance=False) == []
    assert connection.state is TcpState.ESTABLISHED and connection.received == b""
    assert peer.stack.stats.get("tcp.drop.no-ack") == 2


def test_a_closed_port_answers_with_the_reset_of_rfc_9293_3_10_7_1() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack, seq=500)
    [first] = peer.send(("SYN",))
    assert first.flags == ("ACK", "RST")
    assert (first.sequence_number, first.acknowledgment_number) == (0, 501)
    [second] = peer.send(("ACK",), b"data", ack=777)
    assert second.flags == ("RST",) and second.sequence_number == 777
    [third] = peer.send((), b"xyz")  # no flags: still a reset, SEG.SEQ+SEG.LEN acked
    assert third.acknowledgment_number == 505 + 3
    # Never a reset in answer to a reset.
    assert peer.send(("RST",)) == [] and peer.send(("ACK", "RST")) == []
    assert stack.stats.get("tcp.drop.rst-to-closed-port") == 2


def test_without_reject_with_rst_a_closed_port_is_silent() -> None:
    stack = make_tcp_stack(reject_with_rst=False)
    assert ScriptedPeer(stack).send(("SYN",)) == []
    assert stack.stats.get("tcp.drop.closed-port") == 1


def test_port_zero_broadcast_and_bad_checksums_are_dropped() -> None:
    stack = make_tcp_stack()
    ScriptedPeer(stack)
    stack.receive(tcp_frame(TcpSegment(source_port=0, destination_port=80,
                                       flags=("SYN",))), 0)
    segment = TcpSegment(source_port=1234, destination_port=80, flags=("SYN",), checksum=1)
    stack.receive(frame(datagram(ipv4.PROTOCOL_TCP, tcp.encode(segment))), 0)
    broadcast = tcp.encode(TcpSegment(source_port=1234, destination_port=80,
                                      flags=("SYN",)), source=PEER_IP,
                           destination="192.0.2.255")
    stack.receive(frame(datagram(ipv4.PROTOCOL_TCP, broadcast, destination="192.0.2.255")), 0)
    assert sent_segments(stack) == []
    assert stack.stats.drops() == {"tcp.drop.bad-checksum": 1, "tcp.drop.broadcast": 1,
                                   "tcp.drop.port-zero": 1}


def test_isns_are_keyed_and_move_with_time() -> None:
    isn = IsnGenerator(KEY)
    first = isn.initial_sequence(DEVICE_IP, 80, PEER_IP, 4000, 0)
    assert isn.initial_sequence(DEVICE_IP, 80, PEER_IP, 4000, 0) == first
    assert isn.initial_sequence(DEVICE_IP, 80, PEER_IP, 4000, 4_000) == (first + 1000) % 2**32
    assert isn.initial_sequence(DEVICE_IP, 80, PEER_IP, 4001, 0) != first
    assert IsnGenerator(bytes(16)).initial_sequence(DEVICE_IP, 80, PEER_IP, 4000, 0) != first
    with pytest.raises(ValueError):
        IsnGenerator(b"short")


segments = st.builds(
    TcpSegment,
    source_port=st.sampled_from([PEER_PORT, 1, 65535]),
    destination_port=st.sampled_from([DEVICE_PORT, 9]),
    sequence_number=st.integers(0, 2**32 - 1) | st.sampled_from([1000, 1001, 999]),
    acknowledgment_number=st.integers(0, 2**32 - 1),
    flags=st.lists(st.sampled_from(FLAG_NAMES), unique=True, max_size=8).map(tuple),
    window=st.integers(0, 65535),
    urgent_pointer=st.integers(0, 65535),
    payload=st.binary(max_size=64))


@given(st.lists(segments, max_size=12), st.integers(0, 3))
def test_arbitrary_segments_never_raise_and_the_device_still_answers(
        arbitrary: list[TcpSegment], state: int) -> None:
    peer, connection = established()
    if state == 1:
        connection.shutdown_write(0)
    elif state == 2:
        peer.send(("ACK", "FIN"))
    elif state == 3:
        connection.send(b"pending", 0)
    now = 0
    for segment in arbitrary:
        now += 1000
        peer.stack.receive(tcp_frame(segment), now)
        peer.stack.advance(now)
    sent_segments(peer.stack)
    assert len(layer(peer.stack).connections) <= 1 + 4
    # A new connection to the listener still works.
    fresh = ScriptedPeer(peer.stack, port=50000)
    answer = fresh.syn(now=now + 1)
    assert answer and "SYN" in answer[0].flags


@given(st.binary(max_size=80))
def test_arbitrary_bytes_as_a_tcp_payload_never_raise(data: bytes) -> None:
    stack = make_tcp_stack()
    layer(stack).listen(DEVICE_PORT, 2)
    ScriptedPeer(stack)
    stack.receive(frame(datagram(ipv4.PROTOCOL_TCP, data)), 0)
    stack.take_outgoing()
