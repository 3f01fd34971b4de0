"""TCP's timers on simulated time: RFC 6298 retransmission with backoff and Karn's
rule, giving up with ETIMEDOUT, zero-window probes (§3.8.6.1) and window updates."""

from __future__ import annotations

from netpeer import PEER_IP
from tcppeer import (
    MS,
    PEER_PORT,
    ScriptedPeer,
    established,
    layer,
    make_tcp_stack,
    sent_segments,
)

from levante.net.stack.tcp_connection import TcpEvent, TcpState
from levante.net.stack.tcp_rto import MAXIMUM_RTO_US, RetransmissionTimeout


def test_a_syn_is_retransmitted_with_exponential_backoff_then_etimedout() -> None:
    stack = make_tcp_stack(retry_count=4, initial_rto_us=200 * MS)
    ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    events: list[TcpEvent] = []
    connection.on_event = lambda _, event: events.append(event)
    [first] = sent_segments(stack)
    instants = []
    while connection.state is TcpState.SYN_SENT:
        deadline = stack.next_deadline()
        assert deadline is not None
        stack.advance(deadline)
        for segment in sent_segments(stack):
            assert segment.flags == ("SYN",)
            assert segment.sequence_number == first.sequence_number
            instants.append(deadline)
    # 200 ms, then 400, 800, 1600 between retransmissions; the fourth one's timer
    # (3200 ms) ends the attempt.
    assert instants == [200 * MS, 600 * MS, 1400 * MS, 3000 * MS]
    assert connection.error == "ETIMEDOUT" and events == [TcpEvent.ERROR, TcpEvent.CLOSED]
    assert stack.stats.get("tcp.timed_out") == 1


def test_data_is_retransmitted_and_the_rtt_sample_sets_rto() -> None:
    peer, connection = established()
    connection.send(b"x" * 100, 0)
    [data] = sent_segments(peer.stack)
    peer.ack += 100
    peer.send(("ACK",), now=50 * MS)
    # RFC 6298 §2.3: the handshake (at instant 0) gave R = 0; now R = 50 ms: RTTVAR =
    # 1/4·50 = 12.5 ms, SRTT = 1/8·50 = 6.25 ms, RTO = 6.25 + 50 ms raised to the floor.
    assert (connection.rto.srtt_us, connection.rto.rttvar_us) == (6_250, 12_500)
    assert connection.rto.rto_us == 200 * MS
    connection.send(b"y" * 100, 100 * MS)
    [second] = sent_segments(peer.stack)
    assert peer.stack.next_deadline() == 300 * MS
    peer.stack.advance(300 * MS)
    [again] = sent_segments(peer.stack)
    assert again.payload == second.payload and again.sequence_number == second.sequence_number
    assert connection.rto.rto_us == 400 * MS
    # Karn: the ACK of a retransmitted segment gives no sample.
    peer.ack += 100
    peer.send(("ACK",), now=350 * MS)
    assert connection.rto.srtt_us == 6_250
    assert peer.stack.next_deadline() is None


def test_the_estimator_follows_rfc_6298() -> None:
    rto = RetransmissionTimeout(1_000 * MS)
    rto.sample(100 * MS)
    assert (rto.srtt_us, rto.rttvar_us, rto.rto_us) == (100 * MS, 50 * MS, 1_000 * MS)
    rto.sample(2_000 * MS)
    # RTTVAR = 3/4·50 + 1/4·1900 = 512.5; SRTT = 7/8·100 + 1/8·2000 = 337.5 (µs floors)
    assert rto.rttvar_us == 512_500 and rto.srtt_us == 337_500
    assert rto.rto_us == 337_500 + 4 * 512_500
    for _ in range(10):
        rto.back_off()
    assert rto.rto_us == MAXIMUM_RTO_US


def test_a_silent_peer_ends_an_established_connection_with_etimedout() -> None:
    peer, connection = established(retry_count=2)
    connection.send(b"lost", 0)
    sent_segments(peer.stack)
    while connection.state is TcpState.ESTABLISHED:
        deadline = peer.stack.next_deadline()
        assert deadline is not None
        peer.stack.advance(deadline)
    assert connection.error == "ETIMEDOUT"
    assert peer.stack.stats.get("tcp.retransmitted") == 2


def test_a_zero_window_is_probed_with_backoff_and_reopened_by_an_update() -> None:
    peer, connection = established(retry_count=3)
    peer.window = 0
    peer.send(("ACK",))  # the peer's window closes
    assert connection.send(b"abc", 0) == 3
    assert sent_segments(peer.stack) == []  # nothing may go
    probes = []
    for _ in range(6):
        deadline = peer.stack.next_deadline()
        assert deadline is not None
        peer.stack.advance(deadline)
        [probe] = sent_segments(peer.stack)
        assert probe.payload == b"a" and probe.sequence_number == peer.ack
        probes.append(deadline)
        # The peer answers with its window still closed: probing goes on, never
        # counted as a failure (§3.8.6.1).
        peer.send(("ACK",), now=deadline)
    gaps = [later - earlier for earlier, later in zip(probes, probes[1:], strict=False)]
    assert gaps == [400 * MS, 800 * MS, 1600 * MS, 3200 * MS, 6400 * MS]
    assert connection.state is TcpState.ESTABLISHED
    # The window opens: everything goes, the probe timer stops.
    now = probes[-1] + MS
    peer.window = 1000
    [data] = peer.send(("ACK",), now=now)
    assert data.payload == b"abc"
    assert connection.persist_at is None


def test_reading_a_full_buffer_sends_a_window_update() -> None:
    peer, connection = established(receive_window=2920)
    [first] = peer.send(("ACK",), b"a" * 1460)
    [second] = peer.send(("ACK",), b"b" * 1460)
    assert (first.window, second.window) == (1460, 0)
    # More data into the closed window is not taken, and acknowledged with window 0.
    [refused] = peer.send(("ACK",), b"c", advance=False)
    assert refused.window == 0 and refused.acknowledgment_number == peer.seq
    assert connection.receive(100, 0) == b"a" * 100
    assert sent_segments(peer.stack) == []  # a 100-octet window is not announced
    assert connection.receive(1360, 0) == b"a" * 1360
    [update] = sent_segments(peer.stack)
    assert update.window == 1460 and update.acknowledgment_number == peer.seq
    # A small read does not announce a small window (receiver SWS avoidance).
    assert connection.receive(10, 0) == b"b" * 10
    assert sent_segments(peer.stack) == []


def test_a_fin_waiting_for_a_closed_window_goes_as_a_probe_and_then_probing_stops() -> None:
    peer, connection = established()
    peer.window = 0
    peer.send(("ACK",))
    connection.shutdown_write(0)
    assert sent_segments(peer.stack) == []  # the FIN needs a window too
    deadline = peer.stack.next_deadline()
    assert deadline is not None
    peer.stack.advance(deadline)
    [probe] = sent_segments(peer.stack)
    assert probe.flags == ("ACK", "FIN") and probe.sequence_number == peer.ack
    peer.ack += 1
    peer.send(("ACK",), now=deadline)  # the peer took the FIN
    assert connection.state is TcpState.FIN_WAIT_2
    assert peer.stack.next_deadline() is None
