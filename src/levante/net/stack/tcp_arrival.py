"""SEGMENT ARRIVES for a connection (RFC 9293 §3.10.7.3 SYN-SENT, §3.10.7.4 the other
states), in the RFC's order, with RFC 5961's defences against blind resets and
injections."""

from __future__ import annotations

from levante.codecs.tcp import TcpSegment
from levante.net.stack.tcp_connection import (
    ORPHAN_FIN_WAIT_2_US,
    OUT_OF_ORDER_SEGMENTS,
    Connection,
    TcpEvent,
    TcpState,
)
from levante.net.stack.tcp_sequence import seq_add, seq_diff, seq_in_window, seq_le, seq_lt


def segment_arrives(connection: Connection, segment: TcpSegment, now: int) -> None:
    if connection.state is TcpState.SYN_SENT:
        _in_syn_sent(connection, segment, now)
    elif connection.state is not TcpState.CLOSED:
        _in_other_states(connection, segment, now)


def _drop(connection: Connection, reason: str) -> None:
    connection.context.stats.drop("tcp", reason)


def _reset_for(connection: Connection, segment: TcpSegment, now: int) -> None:
    """<SEQ=SEG.ACK><CTL=RST>: refuse a segment that acknowledges what we never sent."""
    connection.emit(("RST",), now, sequence=segment.acknowledgment_number, acknowledge=False)
    connection.context.stats.count("tcp.reset_sent")


# --- §3.10.7.3 SYN-SENT ------------------------------------------------------------------

def _in_syn_sent(connection: Connection, segment: TcpSegment, now: int) -> None:
    ack = segment.acknowledgment_number
    # First, the ACK bit: it must acknowledge our SYN and nothing beyond it.
    if segment.has("ACK"):
        if seq_le(ack, connection.iss) or seq_lt(connection.snd_max, ack):
            _drop(connection, "unacceptable-ack")
            if not segment.has("RST"):
                _reset_for(connection, segment, now)
            return
    # Second, the RST bit: only with an acceptable ACK (RFC 5961 §3.2 for SYN-SENT).
    if segment.has("RST"):
        if segment.has("ACK"):
            connection.context.stats.count("tcp.reset_received")
            connection.enter_closed("ECONNREFUSED")
        else:
            _drop(connection, "rst-without-ack")
        return
    # Fourth, the SYN bit.
    if not segment.has("SYN"):
        _drop(connection, "no-syn-in-syn-sent")  # fifth: neither SYN nor RST
        return
    connection.irs = segment.sequence_number
    connection.rcv_nxt = seq_add(connection.irs, 1)
    connection.take_peer_options(segment)
    if segment.has("ACK"):
        connection.acknowledged(ack, now)
        connection.update_window(segment)
        _become_established(connection, now)
        connection.send_ack(now)
        # Data or FIN with the SYN: the sixth step and on, as for ESTABLISHED.
        if segment.payload or segment.has("FIN"):
            _accept_text(connection, segment, now)
        connection.push(now)
        return
    # Simultaneous open (§3.5, Figure 8): SYN-RECEIVED, our SYN again with an ACK.
    connection.state = TcpState.SYN_RECEIVED
    connection.update_window(segment)
    connection.emit(("SYN", "ACK"), now, sequence=connection.iss)


def _become_established(connection: Connection, now: int) -> None:
    connection.state = TcpState.ESTABLISHED
    connection.context.stats.count("tcp.established")
    if connection.fin_queued:  # shut down before it was established
        connection.state = TcpState.FIN_WAIT_1
    if connection.on_event is not None:
        connection.on_event(connection, TcpEvent.CONNECTED)
        connection.on_event(connection, TcpEvent.WRITABLE)


# --- §3.10.7.4 the other states ----------------------------------------------------------

def _is_acceptable(connection: Connection, segment: TcpSegment) -> bool:
    """First: the sequence number test (the four cases of §3.10.7.4)."""
    length = len(segment.payload) + segment.has("SYN") + segment.has("FIN")
    window = connection.receive_window()
    start = segment.sequence_number
    if length == 0:
        if window == 0:
            return start == connection.rcv_nxt
        return seq_in_window(start, connection.rcv_nxt, window)
    if window == 0:
        return False
    return (seq_in_window(start, connection.rcv_nxt, window)
            or seq_in_window(seq_add(start, length - 1), connection.rcv_nxt, window))


def _in_other_states(connection: Connection, segment: TcpSegment, now: int) -> None:
    state = connection.state
    if not _is_acceptable(connection, segment):
        # "If the RCV.WND is zero, ... special allowance should be made to accept valid
        # ACKs, URGs, and RSTs": a segment at RCV.NXT is processed without its text.
        if connection.receive_window() == 0 and \
                segment.sequence_number == connection.rcv_nxt:
            segment = TcpSegment(
                source_port=segment.source_port,
                destination_port=segment.destination_port,
                sequence_number=segment.sequence_number,
                acknowledgment_number=segment.acknowledgment_number,
                flags=tuple(flag for flag in segment.flags if flag not in ("FIN", "SYN")),
                window=segment.window)
            connection.context.stats.drop("tcp", "zero-window-data")
            connection.send_ack(now)  # the window is still closed
        else:
            _drop(connection, "out-of-window")
            if not segment.has("RST"):
                connection.send_ack(now)  # <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
            return
    # Second, the RST bit (RFC 5961 §3.2): exactly at RCV.NXT resets; elsewhere in
    # the window it only earns a challenge ACK.
    if segment.has("RST"):
        if segment.sequence_number != connection.rcv_nxt:
            _drop(connection, "rst-not-at-rcv-nxt")
            connection.challenge_ack(now)
            return
        connection.context.stats.count("tcp.reset_received")
        if state is TcpState.SYN_RECEIVED and connection.passive:
            connection.enter_closed(None)  # back to LISTEN: the listener never saw it
        elif state is TcpState.SYN_RECEIVED:
            connection.enter_closed("ECONNREFUSED")
        elif state in (TcpState.CLOSING, TcpState.LAST_ACK, TcpState.TIME_WAIT):
            connection.enter_closed(None)
        else:
            connection.peer_closed = True
            connection.received.clear()
            connection.enter_closed("ECONNRESET")
        return
    # Fourth, the SYN bit (RFC 5961 §4.2): in SYN-RECEIVED after a passive open, back
    # to LISTEN; in a synchronized state, a challenge ACK and nothing else.
    if segment.has("SYN"):
        if state is TcpState.SYN_RECEIVED and connection.passive:
            _drop(connection, "syn-in-syn-received")
            connection.enter_closed(None)
            return
        _drop(connection, "syn-in-window")
        connection.challenge_ack(now)
        return
    # Fifth, the ACK field.
    if not segment.has("ACK"):
        _drop(connection, "no-ack")
        return
    if not _process_ack(connection, segment, now):
        return
    if connection.state is TcpState.CLOSED:
        return
    # Sixth, URG: ignored (RFC 6093 §4: new applications should not use it).
    # Seventh and eighth, the text and FIN.
    if connection.state in (TcpState.ESTABLISHED, TcpState.FIN_WAIT_1,
                            TcpState.FIN_WAIT_2, TcpState.CLOSE_WAIT, TcpState.CLOSING,
                            TcpState.LAST_ACK, TcpState.TIME_WAIT):
        _accept_text(connection, segment, now)
    connection.push(now)


def _process_ack(connection: Connection, segment: TcpSegment, now: int) -> bool:
    """§3.10.7.4 fifth; False when the segment is done with (dropped or answered)."""
    ack = segment.acknowledgment_number
    # RFC 5961 §5.2: an ACK is acceptable only in [SND.UNA - MAX.SND.WND, SND.MAX];
    # otherwise a challenge ACK and the segment is dropped.
    lowest = seq_add(connection.snd_una, -connection.max_snd_wnd)
    if not (seq_le(lowest, ack) and seq_le(ack, connection.snd_max)):
        _drop(connection, "unacceptable-ack")
        if connection.state is TcpState.SYN_RECEIVED:
            _reset_for(connection, segment, now)
        else:
            connection.challenge_ack(now)
        return False
    if connection.state is TcpState.SYN_RECEIVED:
        # Our SYN must be acknowledged: SND.UNA < SEG.ACK =< SND.NXT.
        if not seq_lt(connection.snd_una, ack):
            _drop(connection, "unacceptable-ack")
            _reset_for(connection, segment, now)
            return False
        connection.acknowledged(ack, now)
        connection.update_window(segment)
        _become_established(connection, now)
        listener = connection.listener
        if listener is not None:
            listener.established(connection)
        return True
    state = connection.state
    if seq_lt(connection.snd_una, ack):
        fin_was_queued_and_sent = (connection.fin_queued
                                   and seq_lt(connection.fin_sequence, connection.snd_max))
        fin_sequence = connection.fin_sequence
        connection.acknowledged(ack, now)
        fin_acked = fin_was_queued_and_sent and seq_lt(fin_sequence, ack)
    else:
        fin_acked = False
        if (ack == connection.snd_una and not segment.payload and not segment.has("FIN")
                and segment.window == connection.snd_wnd):
            connection.duplicate_ack(now)
    # The send window, from the most recent segment (SND.WL1, SND.WL2).
    if seq_le(connection.snd_una, ack) and (
            seq_lt(connection.snd_wl1, segment.sequence_number)
            or (connection.snd_wl1 == segment.sequence_number
                and seq_le(connection.snd_wl2, ack))):
        opened = connection.snd_wnd == 0 and segment.window > 0
        connection.update_window(segment)
        if connection.snd_wnd == 0:
            connection.retries = 0  # the peer answers: probes go on (§3.8.6.1)
        elif opened:
            # What went into the closed window (a probe) was not taken: send again.
            connection.persist_at = None
            connection.snd_nxt = connection.snd_una
    if state is TcpState.FIN_WAIT_1 and fin_acked:
        connection.state = TcpState.FIN_WAIT_2
        if connection.user_closed:
            connection.close_at = now + ORPHAN_FIN_WAIT_2_US
    elif state is TcpState.CLOSING and fin_acked:
        connection.enter_time_wait(now)
        return False
    elif state is TcpState.LAST_ACK and fin_acked:
        connection.enter_closed(None)
        return False
    return True


def _accept_text(connection: Connection, segment: TcpSegment, now: int) -> None:
    """Seventh (text) and eighth (FIN): in order data to the buffer, early data held
    for later (bounded), the FIN once everything before it came; ACK what was taken."""
    state = connection.state
    start = seq_add(segment.sequence_number, 1 if segment.has("SYN") else 0)
    payload = segment.payload
    if segment.has("FIN"):
        connection.peer_fin = seq_add(start, len(payload))
    takes_text = state in (TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2)
    if payload and takes_text:
        # Trim to the window: what is before RCV.NXT was had, what is past the right
        # edge is not ours to keep.
        behind = seq_diff(connection.rcv_nxt, start)
        if behind > 0:
            payload, start = payload[behind:], connection.rcv_nxt
        payload = payload[:max(connection.receive_window() - seq_diff(start,
                                                                      connection.rcv_nxt), 0)]
        if start == connection.rcv_nxt:
            _take(connection, payload)
            _drain_out_of_order(connection)
            if connection.on_event is not None and connection.received:
                connection.on_event(connection, TcpEvent.READABLE)
        elif payload:
            if len(connection.out_of_order) < OUT_OF_ORDER_SEGMENTS:
                connection.out_of_order[start] = payload
                connection.context.stats.count("tcp.out_of_order")
            else:
                _drop(connection, "out-of-order-full")
    elif payload:
        _drop(connection, "text-after-fin")
    fin = connection.peer_fin
    if fin is not None and fin == connection.rcv_nxt and not connection.peer_closed:
        _fin_arrives(connection, now)
    elif fin is not None and state is TcpState.TIME_WAIT and \
            seq_add(fin, 1) == connection.rcv_nxt and segment.has("FIN"):
        connection.enter_time_wait(now)  # a retransmitted FIN restarts the 2·MSL
    if segment.payload or segment.has("FIN"):
        connection.send_ack(now)


def _take(connection: Connection, payload: bytes) -> None:
    connection.rcv_nxt = seq_add(connection.rcv_nxt, len(payload))
    if not connection.user_closed:  # after close() arriving data is acked and discarded
        connection.received += payload


def _drain_out_of_order(connection: Connection) -> None:
    held = connection.out_of_order
    while held:
        progressed = False
        for start in sorted(held, key=lambda s: seq_diff(s, connection.rcv_nxt)):
            data = held[start]
            behind = seq_diff(connection.rcv_nxt, start)
            if behind < 0:
                break
            del held[start]
            if behind < len(data):
                _take(connection, data[behind:])
                progressed = True
                break
        if not progressed:
            return


def _fin_arrives(connection: Connection, now: int) -> None:
    connection.rcv_nxt = seq_add(connection.rcv_nxt, 1)
    connection.peer_closed = True
    connection.out_of_order.clear()
    state = connection.state
    if state in (TcpState.SYN_RECEIVED, TcpState.ESTABLISHED):
        connection.state = TcpState.CLOSE_WAIT
    elif state is TcpState.FIN_WAIT_1:
        # Our FIN not acknowledged yet: a simultaneous close (§3.6, Figure 13).
        connection.state = TcpState.CLOSING
    elif state is TcpState.FIN_WAIT_2:
        connection.enter_time_wait(now)
    if connection.on_event is not None:
        connection.on_event(connection, TcpEvent.READABLE)
