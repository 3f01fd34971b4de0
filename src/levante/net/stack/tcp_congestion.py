"""TCP congestion control: RFC 5681's slow start, congestion avoidance and fast
retransmit, with RFC 6582's (NewReno) partial acknowledgments."""

from __future__ import annotations

from levante.net.stack.tcp_sequence import seq_le

UNLIMITED = 0xFFFF_FFFF
# RFC 5681 §3.2: the third duplicate ACK is taken as a lost segment.
DUPLICATE_ACK_THRESHOLD = 3


class CongestionControl:
    """cwnd and ssthresh (`NET_TCP_CONGESTION_AVOIDANCE`), and when to retransmit on
    duplicate ACKs (`NET_TCP_FAST_RETRANSMIT`); each works without the other."""

    def __init__(self, enabled: bool, fast_retransmit: bool) -> None:
        self.enabled = enabled
        self.fast_retransmit = fast_retransmit
        self.window = UNLIMITED  # cwnd; without congestion avoidance, no limit
        self.threshold = UNLIMITED  # ssthresh
        self.duplicate_acks = 0
        self.recovery_point: int | None = None  # SND.MAX when fast recovery began

    def start(self, mss: int) -> None:
        # RFC 5681 §3.1: an initial window of 2 to 4 segments by the MSS.
        if self.enabled:
            self.window = 3 * mss

    def new_ack(self, newly_acked: int, ack: int, mss: int) -> bool:
        """SND.UNA moved to `ack`; True when it is a partial ACK during recovery (RFC 6582
        §3.2 step 5): the segment at `ack` was lost too and goes again at once."""
        self.duplicate_acks = 0
        if self.recovery_point is not None:
            if not seq_le(self.recovery_point, ack):
                return True
            self.recovery_point = None
            if self.enabled:
                self.window = self.threshold  # RFC 6582 §3.2 step 3: deflate
            return False
        if self.enabled:
            if self.window < self.threshold:
                self.window += min(newly_acked, mss)  # slow start, RFC 5681 (2)
            else:
                self.window += max(1, mss * mss // self.window)  # avoidance, (3)
        return False

    def duplicate_ack(self, in_flight: int, snd_max: int, mss: int) -> bool:
        """A duplicate ACK (RFC 5681 §2); True when the first unacknowledged segment is
        to be retransmitted now (fast retransmit)."""
        if not self.fast_retransmit:
            return False
        self.duplicate_acks += 1
        if self.recovery_point is not None:
            if self.enabled:
                self.window += mss  # §3.2 step 4: another segment has left the network
            return False
        if self.duplicate_acks != DUPLICATE_ACK_THRESHOLD:
            return False
        self.recovery_point = snd_max
        if self.enabled:
            self.threshold = max(in_flight // 2, 2 * mss)  # §3.2 step 2, equation (4)
            self.window = self.threshold + 3 * mss  # step 3
        return True

    def timeout(self, in_flight: int, mss: int) -> None:
        """The retransmission timer expired (RFC 5681 §3.1): the loss window."""
        self.recovery_point = None
        self.duplicate_acks = 0
        if self.enabled:
            self.threshold = max(in_flight // 2, 2 * mss)
            self.window = mss
