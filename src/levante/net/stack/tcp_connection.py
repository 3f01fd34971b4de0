"""One TCP connection (RFC 9293): its TCB, the calls the socket layer makes, what it
sends, and its timers (retransmission, zero-window probe, TIME-WAIT). Segment arrival
is in tcp_arrival.py, the port table and listeners in tcp.py."""

from __future__ import annotations

from collections.abc import Callable

from levante.codecs.tcp import TcpSegment
from levante.codecs.tcp_options import MaximumSegmentSize, TcpOption
from levante.net.stack.tcp_congestion import CongestionControl
from levante.net.stack.tcp_rto import MAXIMUM_RTO_US, RetransmissionTimeout
from levante.net.stack.tcp_sequence import seq_add, seq_diff, seq_le, seq_lt
from levante.net.stack.tcp_types import (
    SYNCHRONIZED,
    ConnectionOwner,
    TcpContext,
    TcpEvent,
    TcpState,
    TcpUsageError,
)

__all__ = ["Connection", "TcpContext", "TcpEvent", "TcpState", "TcpUsageError"]

# RFC 9293 §3.7.1: without an MSS option the peer takes 536 octets (576 - 40).
DEFAULT_PEER_MSS = 536
# A peer's MSS below this is raised to it: a tiny MSS would make every byte a segment
# (Linux's floor is 48 for the same reason).
MINIMUM_PEER_MSS = 64
# An orphan (closed by the application) in FIN-WAIT-2 whose peer never sends its FIN
# is dropped after this long (RFC 9293 leaves it open; Linux's tcp_fin_timeout).
ORPHAN_FIN_WAIT_2_US = 60_000_000
# Out-of-order segments held per connection (their octets are inside the window anyway;
# this bounds the bookkeeping against a flood of one-octet segments).
OUT_OF_ORDER_SEGMENTS = 64


# States in which data or our FIN may still go out.
_SENDING = frozenset({TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, TcpState.FIN_WAIT_1,
                      TcpState.CLOSING, TcpState.LAST_ACK})


class Connection:
    """A TCB (RFC 9293 §3.3.1) and the user calls of §3.10 on it.

    Sequence variables keep the RFC's names in lower case. `snd_max` is the highest
    sequence number sent: after a retransmission timeout `snd_nxt` goes back to
    `snd_una`, and ACKs up to `snd_max` stay acceptable.
    """

    def __init__(self, context: TcpContext, local_port: int, remote_ip: str,
                 remote_port: int, iss: int) -> None:
        self.context = context
        self.local_port = local_port
        self.remote_ip = remote_ip
        self.remote_port = remote_port
        self.state = TcpState.CLOSED
        self.error: str | None = None
        self.on_event: Callable[[Connection, TcpEvent], None] | None = None
        self.no_delay = False  # TCP_NODELAY: no Nagle (RFC 9293 §3.7.4)
        self.passive = False  # opened from a listener (RST in SYN-RECEIVED: back to LISTEN)
        self.listener: ConnectionOwner | None = None  # its Listener until accepted
        self.local_address = context.local_ip  # the address the peer reaches us at
        # Send side. The send buffer holds every octet not yet acknowledged; its first
        # octet has sequence number `send_start`.
        self.iss = iss
        self.snd_una = iss
        self.snd_nxt = iss
        self.snd_max = iss
        self.snd_wnd = 0
        self.snd_wl1 = 0
        self.snd_wl2 = 0
        self.max_snd_wnd = 0
        self.send_buffer = bytearray()
        self.send_start = seq_add(iss, 1)
        self.fin_queued = False
        self.peer_mss = DEFAULT_PEER_MSS
        # Receive side.
        self.irs = 0
        self.rcv_nxt = 0
        self.received = bytearray()
        self.out_of_order: dict[int, bytes] = {}
        self.peer_fin: int | None = None  # sequence number of the peer's FIN, once seen
        self.peer_closed = False
        self.user_closed = False
        # Timers (simulated µs) and the RFC 6298 estimator.
        self.rto = RetransmissionTimeout(context.settings.initial_rto_us)
        self.retransmit_at: int | None = None
        self.retries = 0
        self.rtt_probe: tuple[int, int] | None = None  # (ACK that ends it, sent at)
        self.persist_at: int | None = None
        self.persist_interval = 0
        self.close_at: int | None = None  # TIME-WAIT's end, or an orphan's give-up
        self.congestion = CongestionControl(context.settings.congestion_avoidance,
                                            context.settings.fast_retransmit)
        self.segments_sent = 0

    # --- State the socket layer reads -------------------------------------------------

    @property
    def local_ip(self) -> str:
        return self.local_address

    @property
    def send_mss(self) -> int:
        """Segments we send carry at most this many octets (RFC 9293 §3.7.1)."""
        return max(MINIMUM_PEER_MSS, min(self.peer_mss, self.context.mss))

    @property
    def readable(self) -> bool:
        """A receive would not wait: data, end of stream, or an error."""
        return bool(self.received) or self.peer_closed or self.state is TcpState.CLOSED

    @property
    def writable(self) -> bool:
        """A send would not wait: room in the buffer (or an error it would report)."""
        if self.state is TcpState.CLOSED or self.fin_queued:
            return True
        return (self.state in (TcpState.ESTABLISHED, TcpState.CLOSE_WAIT)
                and len(self.send_buffer) < self.context.send_capacity)

    @property
    def at_eof(self) -> bool:
        """The peer closed its side and everything it sent has been read."""
        return self.peer_closed and not self.received

    @property
    def is_connected(self) -> bool:
        return self.state in SYNCHRONIZED

    # --- Opening ------------------------------------------------------------------------

    def open_active(self, now: int) -> None:
        """RFC 9293 §3.10.1 OPEN (active): send SYN, enter SYN-SENT."""
        self.state = TcpState.SYN_SENT
        self.congestion.start(self.send_mss)
        self._send_syn(("SYN",), now)

    def open_passive(self, segment: TcpSegment, now: int) -> None:
        """§3.10.7.2 (LISTEN, third: SYN): enter SYN-RECEIVED and answer SYN,ACK."""
        self.passive = True
        self.state = TcpState.SYN_RECEIVED
        self.irs = segment.sequence_number
        self.rcv_nxt = seq_add(self.irs, 1)
        self.take_peer_options(segment)
        self.update_window(segment)
        self.congestion.start(self.send_mss)
        self._send_syn(("SYN", "ACK"), now)

    def take_peer_options(self, segment: TcpSegment) -> None:
        for option in segment.options:
            if isinstance(option, MaximumSegmentSize):
                self.peer_mss = option.value

    def update_window(self, segment: TcpSegment) -> None:
        self.snd_wnd = segment.window
        self.snd_wl1 = segment.sequence_number
        self.snd_wl2 = segment.acknowledgment_number
        self.max_snd_wnd = max(self.max_snd_wnd, segment.window)

    def _send_syn(self, flags: tuple[str, ...], now: int) -> None:
        # RFC 9293 §3.7.1: the MSS option goes only in SYN segments.
        options: tuple[TcpOption, ...] = (MaximumSegmentSize(value=self.context.mss),)
        self.emit(flags, now, sequence=self.iss, options=options)
        self.snd_nxt = self.snd_max = seq_add(self.iss, 1)
        if self.retries == 0:
            self.rtt_probe = (self.snd_nxt, now)
        self._arm_retransmit(now)

    # --- User calls (RFC 9293 §3.10) ----------------------------------------------------

    def send(self, data: bytes, now: int) -> int:
        """SEND: queue what fits of `data`; returns how many octets were taken (0 when
        the buffer is full). Raises `TcpUsageError` when the connection cannot send."""
        if self.state is TcpState.CLOSED:
            raise TcpUsageError(self.error or "ENOTCONN", "the connection is closed")
        if self.fin_queued:
            raise TcpUsageError("EPIPE", "the connection's sending side is shut down")
        room = self.context.send_capacity - len(self.send_buffer)
        taken = bytes(data[:max(room, 0)])
        if not taken:
            return 0
        self.send_buffer += taken
        self.push(now)
        return len(taken)

    def receive(self, maximum: int, now: int) -> bytes:
        """RECEIVE: up to `maximum` octets of what arrived in order (b"" when none; see
        `at_eof` and `error`). Opening the window announces it (§3.8.6.2.2)."""
        if maximum <= 0 or not self.received:
            return b""
        before = self.receive_window()
        data = bytes(self.received[:maximum])
        del self.received[:maximum]
        after = self.receive_window()
        # RFC 9293 §3.8.6.2.2 (receiver SWS avoidance): announce the window once it has
        # opened by a segment (or half the buffer), never a sliver of one.
        threshold = min(self.context.receive_capacity // 2, self.context.mss)
        if self.state in SYNCHRONIZED and self.state is not TcpState.TIME_WAIT and \
                after >= threshold and (before < threshold or after - before >= threshold):
            self.send_ack(now)
        return data

    def shutdown_write(self, now: int) -> None:
        """Half close: our FIN goes after the data already queued (§3.10.4 CLOSE with
        reading still allowed). ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK."""
        if self.state is TcpState.CLOSED:
            raise TcpUsageError(self.error or "ENOTCONN", "the connection is closed")
        if self.fin_queued:
            return
        self.fin_queued = True
        if self.state is TcpState.ESTABLISHED:
            self.state = TcpState.FIN_WAIT_1
        elif self.state is TcpState.CLOSE_WAIT:
            self.state = TcpState.LAST_ACK
        # In SYN-SENT or SYN-RECEIVED the FIN waits for ESTABLISHED (§3.10.4).
        self.push(now)

    def close(self, now: int) -> None:
        """CLOSE (§3.10.4): the application is done with the connection. Unread data
        makes it an abort (RST, as RFC 2525 §2.17 asks); otherwise the FIN goes after
        the queued data and anything still arriving is acknowledged and discarded."""
        if self.state is TcpState.CLOSED:
            return
        if self.received or self.state is TcpState.SYN_SENT:
            # §3.10.4, SYN-SENT: delete the TCB.
            self.abort(now)
            return
        self.user_closed = True
        self.shutdown_write(now)
        if self.state is TcpState.FIN_WAIT_2:
            self.close_at = now + ORPHAN_FIN_WAIT_2_US

    def abort(self, now: int) -> None:
        """ABORT (§3.10.5): RST to the peer in the synchronized states (and SYN-RECEIVED),
        then CLOSED."""
        if self.state is TcpState.CLOSED:
            return
        if self.state in SYNCHRONIZED - {TcpState.TIME_WAIT} or \
                self.state is TcpState.SYN_RECEIVED:
            self.emit(("RST",), now, sequence=self.snd_nxt, acknowledge=False)
        self.send_buffer.clear()
        self.received.clear()
        self.enter_closed(None)

    # --- Output -------------------------------------------------------------------------

    def receive_window(self) -> int:
        """RCV.WND: the free part of the receive buffer (without window scaling, 16 bits)."""
        return min(max(self.context.receive_capacity - len(self.received), 0), 0xFFFF)

    def emit(self, flags: tuple[str, ...], now: int, *, sequence: int | None = None,
             payload: bytes = b"", options: tuple[TcpOption, ...] = (),
             acknowledge: bool = True) -> None:
        if acknowledge and "ACK" not in flags and "SYN" not in flags:
            flags = ("ACK", *flags)
        segment = TcpSegment(
            source_port=self.local_port, destination_port=self.remote_port,
            sequence_number=self.snd_nxt if sequence is None else sequence,
            acknowledgment_number=self.rcv_nxt if "ACK" in flags else 0,
            flags=flags, window=self.receive_window() if "RST" not in flags else 0,
            options=options, payload=payload)
        self.segments_sent += 1
        self.context.emit(self.remote_ip, segment, now)

    def send_ack(self, now: int) -> None:
        self.emit(("ACK",), now)

    def challenge_ack(self, now: int) -> None:
        """RFC 5961 §3.2/§4.2/§5.2: an ACK that only the real peer can act on, rate
        limited (§7) so it cannot be used to learn or flood."""
        if self.context.may_challenge(now):
            self.context.stats.count("tcp.challenge_ack")
            self.send_ack(now)
        else:
            self.context.stats.drop("tcp", "challenge-ack-rate-limited")

    @property
    def fin_sequence(self) -> int:
        return seq_add(self.send_start, len(self.send_buffer))

    def push(self, now: int) -> None:
        """Send what the windows allow (RFC 9293 §3.8.6, §3.7.4; RFC 5681's cwnd), and
        the FIN after the last octet; arm the zero-window probe when nothing may go."""
        if self.state not in _SENDING:
            return
        mss = self.send_mss
        while True:
            offset = max(seq_diff(self.snd_nxt, self.send_start), 0)
            unsent = max(len(self.send_buffer) - offset, 0)
            fin_unsent = self.fin_queued and seq_le(self.snd_nxt, self.fin_sequence)
            in_flight = seq_diff(self.snd_nxt, self.snd_una)
            room = min(self.snd_wnd, self.congestion.window) - in_flight
            if not unsent and not fin_unsent:
                break
            if room <= 0:
                break
            size = min(unsent, mss, room)
            if 0 < size < mss and in_flight > 0 and not self.fin_queued:
                # While data is in flight a short segment waits for its ACK: the last
                # piece of what is queued by Nagle's algorithm (§3.7.4, unless
                # TCP_NODELAY), a piece the window cut short by sender SWS avoidance
                # (§3.8.6.2.1, unless it is half the peer's largest window).
                if size == unsent and not self.no_delay:
                    break
                if size < unsent and size < self.max_snd_wnd // 2:
                    break
            payload = bytes(self.send_buffer[offset:offset + size])
            with_fin = fin_unsent and size == unsent and room > size
            flags = ("ACK", "PSH") if size and size == unsent else ("ACK",)
            if with_fin:
                flags = (*flags, "FIN")
            if not payload and not with_fin:
                break
            sequence = self.snd_nxt
            self.emit(flags, now, sequence=sequence, payload=payload)
            self.snd_nxt = seq_add(sequence, size + (1 if with_fin else 0))
            if seq_lt(self.snd_max, self.snd_nxt):
                # New data (not a retransmission): it may time a round trip (Karn).
                if self.rtt_probe is None and seq_le(self.snd_max, sequence):
                    self.rtt_probe = (self.snd_nxt, now)
                self.snd_max = self.snd_nxt
            if self.retransmit_at is None:
                self._arm_retransmit(now)
        self._check_persist(now)

    @property
    def has_unsent(self) -> bool:
        """Octets or our FIN not sent yet."""
        return (len(self.send_buffer) > max(seq_diff(self.snd_nxt, self.send_start), 0)
                or (self.fin_queued and seq_le(self.snd_nxt, self.fin_sequence)))

    def _check_persist(self, now: int) -> None:
        """RFC 9293 §3.8.6.1: with a zero window and something to send (or in flight),
        the persist timer replaces the retransmission timer; otherwise the reverse."""
        in_flight = self.snd_nxt != self.snd_una
        if self.snd_wnd == 0 and (in_flight or self.has_unsent):
            if self.persist_at is None:
                self.persist_interval = self.rto.rto_us
                self.persist_at = now + self.persist_interval
            self.retransmit_at = None
            return
        self.persist_at = None
        if in_flight and self.retransmit_at is None:
            self._arm_retransmit(now)

    def _arm_retransmit(self, now: int) -> None:
        self.retransmit_at = now + self.rto.rto_us

    # --- Timers -------------------------------------------------------------------------

    def next_deadline(self) -> int | None:
        return min((deadline for deadline in (self.retransmit_at, self.persist_at,
                                               self.close_at) if deadline is not None),
                   default=None)

    def advance(self, now: int) -> None:
        if self.close_at is not None and now >= self.close_at:
            # TIME-WAIT's 2·MSL passed (§3.10.8), or an orphan's peer never closed.
            self.enter_closed(None)
            return
        if self.persist_at is not None and now >= self.persist_at:
            self._probe_window(now)
        if self.retransmit_at is not None and now >= self.retransmit_at:
            self._retransmission_timeout(now)

    def _probe_window(self, now: int) -> None:
        """§3.8.6.1: one octet (new, or the first unacknowledged), with backoff; given
        up like a retransmission when the peer stops answering."""
        if self.retries >= self.context.settings.retry_count:
            self.enter_closed("ETIMEDOUT")
            return
        self.retries += 1
        self.context.stats.count("tcp.window_probe")
        if self.snd_nxt != self.snd_una:
            sequence = self.snd_una
        else:
            sequence = self.snd_nxt
        offset = seq_diff(sequence, self.send_start)
        payload = bytes(self.send_buffer[offset:offset + 1]) if offset >= 0 else b""
        with_fin = not payload and self.fin_queued
        self.emit(("ACK", "FIN") if with_fin else ("ACK",), now, sequence=sequence,
                  payload=payload)
        end = seq_add(sequence, len(payload) + (1 if with_fin else 0))
        if seq_lt(self.snd_nxt, end):
            self.snd_nxt = end
        if seq_lt(self.snd_max, end):
            self.snd_max = end
        self.rtt_probe = None
        self.persist_interval = min(self.persist_interval * 2, MAXIMUM_RTO_US)
        self.persist_at = now + self.persist_interval

    def _retransmission_timeout(self, now: int) -> None:
        """RFC 6298 §5.4-5.6: retransmit the earliest unacknowledged segment, back off,
        restart the timer; after NET_TCP_RETRY_COUNT retransmissions give up."""
        if self.snd_wnd == 0 and self.state in _SENDING:
            self.retransmit_at = None
            self._check_persist(now)  # a closed window is probed, not retransmitted into
            return
        if self.retries >= self.context.settings.retry_count:
            self.context.stats.count("tcp.timed_out")
            self.enter_closed("ETIMEDOUT")
            return
        self.retries += 1
        self.context.stats.count("tcp.retransmitted")
        if self.state is not TcpState.SYN_RECEIVED:
            self.rto.back_off()
        # else Zephyr's rule for a half-open connection: its SYN,ACK goes again every
        # NET_TCP_INIT_RETRANSMISSION_TIMEOUT, without backoff, NET_TCP_RETRY_COUNT
        # times, so a SYN flood's slot in the backlog is back (retries + 1) × RTO after
        # the SYN (2 s by default) rather than after minutes of doubling.
        self.rtt_probe = None  # Karn: no sample from a retransmitted segment
        self.congestion.timeout(seq_diff(self.snd_max, self.snd_una), self.send_mss)
        if self.state is TcpState.SYN_SENT:
            self._send_syn(("SYN",), now)
        elif self.state is TcpState.SYN_RECEIVED:
            self._send_syn(("SYN", "ACK"), now)
        else:
            self.snd_nxt = self.snd_una  # go back: the earliest segment first
            self.retransmit_at = None
            self.push(now)
        self._arm_retransmit(now)

    # --- Acknowledgment of what we sent (used by tcp_arrival) ---------------------------

    def acknowledged(self, ack: int, now: int) -> None:
        """SND.UNA < SEG.ACK =< SND.MAX: drop what the peer has, time the round trip,
        restart or stop the retransmission timer (RFC 6298 §5.2-5.3), grow cwnd."""
        newly = seq_diff(ack, self.snd_una)
        data = min(max(seq_diff(ack, self.send_start), 0), len(self.send_buffer))
        del self.send_buffer[:data]
        self.send_start = seq_add(self.send_start, data)
        self.snd_una = ack
        if seq_lt(self.snd_nxt, ack):
            self.snd_nxt = ack
        if self.rtt_probe is not None and seq_le(self.rtt_probe[0], ack):
            self.rto.sample(now - self.rtt_probe[1])
            self.rtt_probe = None
        self.retries = 0
        if self.congestion.new_ack(newly, ack, self.send_mss):
            self._retransmit_first(ack, now)
        if self.snd_una == self.snd_max:
            self.retransmit_at = None
            if not self.has_unsent:
                self.persist_at = None  # nothing left to probe a window for
        else:
            self._arm_retransmit(now)
        if data and self.on_event is not None:
            self.on_event(self, TcpEvent.WRITABLE)

    def duplicate_ack(self, now: int) -> None:
        """RFC 5681 §3.2: the third duplicate ACK retransmits the first segment at once."""
        if self.snd_una == self.snd_max:
            return
        in_flight = seq_diff(self.snd_max, self.snd_una)
        if self.congestion.duplicate_ack(in_flight, self.snd_max, self.send_mss):
            self.context.stats.count("tcp.fast_retransmit")
            self._retransmit_first(self.snd_una, now)
            self._arm_retransmit(now)

    def _retransmit_first(self, sequence: int, now: int) -> None:
        """Send the segment at `sequence` again (fast retransmit, partial ACKs)."""
        self.rtt_probe = None
        offset = seq_diff(sequence, self.send_start)
        if offset < 0:
            return
        payload = bytes(self.send_buffer[offset:offset + self.send_mss])
        with_fin = self.fin_queued and offset + len(payload) == len(self.send_buffer) \
            and seq_lt(self.fin_sequence, self.snd_max)
        if not payload and not with_fin:
            return
        self.context.stats.count("tcp.retransmitted")
        self.emit(("ACK", "FIN") if with_fin else ("ACK",), now,
                  sequence=sequence, payload=payload)

    # --- The end ------------------------------------------------------------------------

    def enter_time_wait(self, now: int) -> None:
        """§3.10.7.4: TIME-WAIT for 2·MSL (NET_TCP_TIME_WAIT_DELAY; 0: straight to
        CLOSED, as Zephyr allows)."""
        self.state = TcpState.TIME_WAIT
        self.retransmit_at = self.persist_at = None
        delay = self.context.settings.time_wait_us
        if delay == 0:
            self.enter_closed(None)
            return
        self.close_at = now + delay

    def enter_closed(self, error: str | None) -> None:
        if self.state is TcpState.CLOSED:
            return
        self.state = TcpState.CLOSED
        self.retransmit_at = self.persist_at = self.close_at = None
        self.out_of_order.clear()
        self.send_buffer.clear()
        if error is not None and self.error is None:
            self.error = error
        self.context.released(self)
        if self.on_event is not None:
            if error is not None:
                self.on_event(self, TcpEvent.ERROR)
            self.on_event(self, TcpEvent.CLOSED)
