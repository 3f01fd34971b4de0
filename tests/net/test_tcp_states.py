"""TCP's state machine through the stack, against a scripted peer: every transition of
RFC 9293 §3.3.2, simultaneous open and close, TIME-WAIT, resets and the user calls."""

from __future__ import annotations

import pytest
from netpeer import PEER_IP
from tcppeer import (
    DEVICE_PORT,
    MS,
    PEER_PORT,
    ScriptedPeer,
    established,
    layer,
    listening,
    make_tcp_stack,
    sent_segments,
)

from levante.codecs.tcp_options import MaximumSegmentSize
from levante.net.stack.tcp_connection import TcpEvent, TcpState, TcpUsageError

M = 1 << 32


def test_a_passive_open_goes_listen_syn_received_established() -> None:
    peer, listener = listening()
    [syn_ack] = peer.syn()
    assert syn_ack.flags == ("ACK", "SYN")
    assert syn_ack.acknowledgment_number == 1001
    assert syn_ack.options == (MaximumSegmentSize(value=1460),)
    [half_open] = listener.half_open
    assert half_open.state is TcpState.SYN_RECEIVED and listener.accept() is None
    events: list[TcpEvent] = []
    listener.on_event = lambda _, event: events.append(event)
    peer.ack = syn_ack.sequence_number + 1
    assert peer.send(("ACK",)) == []
    connection = listener.accept()
    assert connection is half_open and connection.state is TcpState.ESTABLISHED
    assert events == [TcpEvent.ACCEPTABLE]
    assert (connection.remote_ip, connection.remote_port) == (PEER_IP, PEER_PORT)


def test_an_active_open_goes_syn_sent_established_and_says_connected() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    events: list[TcpEvent] = []
    connection.on_event = lambda _, event: events.append(event)
    assert connection.state is TcpState.SYN_SENT
    [syn] = sent_segments(stack)
    assert syn.flags == ("SYN",) and 49152 <= syn.source_port <= 65535
    assert syn.options == (MaximumSegmentSize(value=1460),)
    peer.accept_syn(syn)
    assert connection.state is TcpState.ESTABLISHED
    assert events[:2] == [TcpEvent.CONNECTED, TcpEvent.WRITABLE]


def test_data_flows_both_ways_and_is_acknowledged() -> None:
    peer, connection = established()
    events: list[TcpEvent] = []
    connection.on_event = lambda _, event: events.append(event)
    [ack] = peer.send(("ACK", "PSH"), b"hello device")
    assert ack.acknowledgment_number == peer.seq
    assert ack.window == 11680 - 12
    assert connection.readable and connection.receive(5, 0) == b"hello"
    assert connection.receive(100, 0) == b" device" and not connection.readable
    assert TcpEvent.READABLE in events
    assert connection.send(b"hello peer", 0) == 10
    [data] = sent_segments(peer.stack)
    assert data.payload == b"hello peer" and data.sequence_number == peer.ack
    assert data.flags == ("ACK", "PSH")
    peer.ack += 10
    assert peer.send(("ACK",)) == []
    assert connection.snd_una == connection.snd_nxt and not connection.send_buffer


def test_the_peer_closes_first_close_wait_last_ack_closed() -> None:
    peer, connection = established()
    [ack] = peer.send(("ACK", "FIN"))
    assert ack.acknowledgment_number == peer.seq
    assert connection.state is TcpState.CLOSE_WAIT and connection.at_eof
    assert connection.readable and connection.receive(10, 0) == b""
    connection.close(5)
    assert connection.state is TcpState.LAST_ACK
    [fin] = sent_segments(peer.stack)
    assert fin.flags == ("ACK", "FIN")
    peer.ack += 1
    peer.send(("ACK",))
    assert connection.state is TcpState.CLOSED and connection.error is None
    assert layer(peer.stack).connections == {}


def test_the_device_closes_first_fin_wait_time_wait_then_closed() -> None:
    peer, connection = established(time_wait_us=2000 * MS)
    connection.shutdown_write(0)
    assert connection.state is TcpState.FIN_WAIT_1
    [fin] = sent_segments(peer.stack)
    assert "FIN" in fin.flags
    with pytest.raises(TcpUsageError) as error:
        connection.send(b"late", 0)
    assert error.value.errno == "EPIPE"
    peer.ack += 1
    peer.send(("ACK",))
    assert connection.state is TcpState.FIN_WAIT_2
    # Half closed: the peer still sends, the device still reads.
    peer.send(("ACK", "PSH"), b"more")
    assert connection.receive(10, 0) == b"more"
    [ack] = peer.send(("ACK", "FIN"), now=10 * MS)
    assert ack.acknowledgment_number == peer.seq
    assert connection.state is TcpState.TIME_WAIT and connection.at_eof
    stack = peer.stack
    assert stack.next_deadline() == 10 * MS + 2000 * MS
    stack.advance(10 * MS + 1999 * MS)
    assert connection.state is TcpState.TIME_WAIT
    stack.advance(10 * MS + 2000 * MS)
    assert connection.state is TcpState.CLOSED and layer(stack).connections == {}


def test_a_time_wait_delay_of_zero_skips_time_wait() -> None:
    peer, connection = established(time_wait_us=0)
    connection.shutdown_write(0)
    sent_segments(peer.stack)
    peer.ack += 1
    peer.send(("ACK", "FIN"))
    assert connection.state is TcpState.CLOSED


def test_a_retransmitted_fin_in_time_wait_is_acknowledged_again() -> None:
    peer, connection = established()
    connection.shutdown_write(0)
    sent_segments(peer.stack)
    peer.ack += 1
    peer.send(("ACK", "FIN"))
    assert connection.state is TcpState.TIME_WAIT
    [ack] = peer.send(("ACK", "FIN"), seq=peer.seq - 1)
    assert ack.flags == ("ACK",) and ack.acknowledgment_number == peer.seq


def test_simultaneous_open_passes_through_syn_received() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    [syn] = sent_segments(stack)
    peer.device_port = syn.source_port
    # Our SYN crosses the device's: both sides see a SYN without an ACK.
    [syn_ack] = peer.send(("SYN",), options=(MaximumSegmentSize(value=1460),))
    assert connection.state is TcpState.SYN_RECEIVED
    assert syn_ack.flags == ("ACK", "SYN") and syn_ack.sequence_number == syn.sequence_number
    assert syn_ack.acknowledgment_number == peer.seq
    # The peer's own SYN,ACK (its SYN again) is old news: an ACK answers it.
    peer.ack = syn.sequence_number + 1
    [ack] = peer.send(("SYN", "ACK"), seq=peer.seq - 1)
    assert ack.flags == ("ACK",)
    peer.send(("ACK",))
    assert connection.state is TcpState.ESTABLISHED


def test_simultaneous_close_passes_through_closing() -> None:
    peer, connection = established()
    connection.shutdown_write(0)
    [fin] = sent_segments(peer.stack)
    # The peer's FIN crosses ours: it does not acknowledge our FIN.
    [ack] = peer.send(("ACK", "FIN"))
    assert connection.state is TcpState.CLOSING
    assert ack.acknowledgment_number == peer.seq
    peer.ack = fin.sequence_number + 1
    peer.send(("ACK",))
    assert connection.state is TcpState.TIME_WAIT


def test_a_reset_at_rcv_nxt_ends_the_connection_with_econnreset() -> None:
    peer, connection = established()
    events: list[TcpEvent] = []
    connection.on_event = lambda _, event: events.append(event)
    assert peer.send(("RST",)) == []
    assert connection.state is TcpState.CLOSED and connection.error == "ECONNRESET"
    assert events == [TcpEvent.ERROR, TcpEvent.CLOSED]
    assert connection.readable
    with pytest.raises(TcpUsageError) as error:
        connection.send(b"x", 0)
    assert error.value.errno == "ECONNRESET"


def test_a_connection_refused_is_econnrefused() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    [syn] = sent_segments(stack)
    peer.device_port = syn.source_port
    peer.send(("ACK", "RST"), seq=0, ack=syn.sequence_number + 1)
    assert connection.state is TcpState.CLOSED and connection.error == "ECONNREFUSED"


def test_a_reset_without_ack_in_syn_sent_is_ignored() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    [syn] = sent_segments(stack)
    peer.device_port = syn.source_port
    peer.send(("RST",), seq=0)
    assert connection.state is TcpState.SYN_SENT
    assert stack.stats.get("tcp.drop.rst-without-ack") == 1


def test_a_syn_ack_acknowledging_the_wrong_number_is_reset_in_syn_sent() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    [syn] = sent_segments(stack)
    peer.device_port = syn.source_port
    [reset] = peer.send(("SYN", "ACK"), ack=syn.sequence_number + 7)
    assert reset.flags == ("RST",) and reset.sequence_number == syn.sequence_number + 7
    assert connection.state is TcpState.SYN_SENT


def test_a_reset_in_syn_received_returns_to_listen() -> None:
    peer, listener = listening()
    [syn_ack] = peer.syn()
    peer.send(("RST",))
    assert listener.half_open == [] and listener.accept() is None
    assert layer(peer.stack).listeners[DEVICE_PORT] is listener


def test_a_wrong_ack_in_syn_received_is_answered_with_a_reset() -> None:
    peer, listener = listening()
    [syn_ack] = peer.syn()
    [reset] = peer.send(("ACK",), ack=syn_ack.sequence_number)  # acknowledges nothing
    assert reset.flags == ("RST",) and reset.sequence_number == syn_ack.sequence_number
    assert listener.half_open[0].state is TcpState.SYN_RECEIVED


def test_abort_sends_a_reset_and_close_with_unread_data_aborts() -> None:
    peer, connection = established()
    connection.abort(0)
    [reset] = sent_segments(peer.stack)
    assert reset.flags == ("RST",) and connection.state is TcpState.CLOSED
    peer2, connection2 = established()
    peer2.send(("ACK",), b"unread")
    connection2.close(0)
    [reset2] = sent_segments(peer2.stack)
    assert reset2.flags == ("RST",) and connection2.state is TcpState.CLOSED


def test_data_after_close_is_acknowledged_and_discarded() -> None:
    peer, connection = established()
    connection.close(0)
    [fin] = sent_segments(peer.stack)
    assert "FIN" in fin.flags
    [ack] = peer.send(("ACK",), b"too late")
    assert ack.acknowledgment_number == peer.seq and not connection.received


def test_an_orphan_in_fin_wait_2_is_dropped_after_its_timeout() -> None:
    peer, connection = established()
    connection.close(0)
    sent_segments(peer.stack)
    peer.ack += 1
    peer.send(("ACK",))
    assert connection.state is TcpState.FIN_WAIT_2
    peer.stack.advance(60_000 * MS)
    assert connection.state is TcpState.CLOSED


def test_shutdown_before_established_sends_the_fin_after_the_handshake() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    assert connection.send(b"early", 0) == 5
    connection.shutdown_write(0)
    [syn] = sent_segments(stack)
    assert connection.state is TcpState.SYN_SENT
    [ack, data] = peer.accept_syn(syn)
    assert connection.state is TcpState.FIN_WAIT_1
    assert data.payload == b"early" and "FIN" in data.flags


def test_usage_errors_carry_zephyrs_errno_names() -> None:
    stack = make_tcp_stack()
    tcp = layer(stack)
    tcp.listen(80, 1)
    with pytest.raises(TcpUsageError) as error:
        tcp.listen(80, 1)
    assert error.value.errno == "EADDRINUSE"
    for address in ("192.0.2.255", "224.0.0.1", "not an address"):
        with pytest.raises(TcpUsageError) as error:
            tcp.connect(0, address, 80, 0)
        assert error.value.errno == "EINVAL"
    with pytest.raises(TcpUsageError) as error:
        tcp.connect(0, "198.51.100.7", 80, 0)  # off-link, no gateway
    assert error.value.errno == "ENETUNREACH"
    with pytest.raises(TcpUsageError) as error:
        tcp.connect(0, PEER_IP, 0, 0)
    assert error.value.errno == "EINVAL"
    with pytest.raises(TcpUsageError) as error:
        tcp.connect(0, "192.0.2.1", 80, 0)  # our own address: no loopback interface
    assert error.value.errno == "ENETUNREACH"


def test_closing_a_listener_resets_what_was_not_accepted() -> None:
    peer, listener = listening()
    peer.handshake()
    listener.close(0)
    [reset] = sent_segments(peer.stack)
    assert reset.flags == ("RST",)
    assert DEVICE_PORT not in layer(peer.stack).listeners
    [answer] = peer.syn()
    assert "RST" in answer.flags  # the port is closed now


def test_sequence_numbers_wrap_around() -> None:
    stack = make_tcp_stack()
    peer = ScriptedPeer(stack, seq=M - 3)
    listener = layer(stack).listen(DEVICE_PORT, 1)
    peer.handshake()
    connection = listener.accept()
    assert connection is not None
    [ack] = peer.send(("ACK", "PSH"), b"across the wrap")
    assert ack.acknowledgment_number == (M - 2 + 15) % M
    assert connection.receive(100, 0) == b"across the wrap"


def test_fin_wait_1_goes_straight_to_time_wait_when_the_fin_acks_ours() -> None:
    peer, connection = established()
    connection.shutdown_write(0)
    [fin] = sent_segments(peer.stack)
    peer.ack = fin.sequence_number + 1
    [ack] = peer.send(("ACK", "FIN"))
    assert connection.state is TcpState.TIME_WAIT
    assert ack.acknowledgment_number == peer.seq


def test_a_fin_completing_the_handshake_leads_to_close_wait() -> None:
    peer, listener = listening()
    [syn_ack] = peer.syn()
    peer.ack = syn_ack.sequence_number + 1
    [ack] = peer.send(("ACK", "FIN"), b"bye")
    connection = listener.accept()
    assert connection is not None and connection.state is TcpState.CLOSE_WAIT
    assert connection.receive(10, 0) == b"bye" and connection.at_eof
    assert ack.acknowledgment_number == peer.seq


def test_closing_in_syn_sent_deletes_the_connection_silently() -> None:
    stack = make_tcp_stack()
    ScriptedPeer(stack)
    connection = layer(stack).connect(0, PEER_IP, PEER_PORT, 0)
    sent_segments(stack)
    connection.close(0)
    assert connection.state is TcpState.CLOSED and sent_segments(stack) == []
    assert layer(stack).connections == {} and stack.next_deadline() is None


def test_out_of_order_data_waits_for_the_hole_and_a_duplicate_ack_says_so() -> None:
    peer, connection = established()
    start = peer.seq
    [duplicate] = peer.send(("ACK",), b"world", seq=start + 6)
    assert duplicate.acknowledgment_number == start and connection.received == b""
    [ack] = peer.send(("ACK",), b"hello ", seq=start)
    assert ack.acknowledgment_number == start + 11
    assert connection.receive(100, 0) == b"hello world"


def test_a_syn_in_time_wait_is_challenged_and_the_peers_reset_frees_the_ports() -> None:
    peer, connection = established()
    connection.close(0)
    [fin] = sent_segments(peer.stack)
    peer.ack = fin.sequence_number + 1
    peer.send(("ACK", "FIN"))
    assert connection.state is TcpState.TIME_WAIT
    # The peer reuses its port with a new sequence number.
    [challenge] = peer.send(("SYN",), seq=peer.seq + 100_000, advance=False)
    assert challenge.flags == ("ACK",)
    peer.send(("RST",), seq=challenge.acknowledgment_number, advance=False)
    assert connection.state is TcpState.CLOSED
    [syn_ack] = peer.send(("SYN",), seq=peer.seq + 100_000, advance=False)
    assert syn_ack.flags == ("ACK", "SYN")
