"""DTLS handshake retransmission on simulated time (RFC 6347 §4.2.4).

python-mbedtls drives mbedTLS's retransmission timer from the host's clock
(mbedtls_timing_set_delay/get_delay) and offers no way to replace it, so a session
sets mbedTLS's own handshake timeouts beyond reach and keeps the timer here instead:
the last flight sent is kept and sent again, byte for byte, when the timer expires or
when the peer's previous flight arrives again (§4.2.4: a retransmitted flight means
ours was lost), at most once per minimum timeout. The timeout starts at the minimum
and doubles up to the maximum (§4.2.4.1); once a maximum-length wait expires the
handshake has failed.

Records sent again keep their sequence numbers, so a peer that did receive them drops
the copies as replays (§4.1.2.6); that is harmless, as it already has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FlightTimer:
    minimum_us: int
    maximum_us: int
    flight: list[bytes] = field(default_factory=list)
    answered: set[bytes] = field(default_factory=set)  # the peer flight ours answers
    received: list[bytes] = field(default_factory=list)  # peer datagrams since our flight
    deadline: int | None = None
    timeout_us: int = 0
    # When a repeated peer flight last made us send ours again: at most once per minimum
    # timeout, so replayed datagrams cannot turn the session into an amplifier.
    echoed_at: int | None = None

    def sent(self, datagrams: list[bytes], now: int, expects_answer: bool) -> None:
        """A new flight went out; `expects_answer`: the handshake waits for the peer."""
        self.flight = list(datagrams)
        self.answered = set(self.received)
        self.received = []
        self.timeout_us = self.minimum_us
        self.deadline = now + self.timeout_us if expects_answer else None

    def heard(self, datagram: bytes, now: int) -> list[bytes] | None:
        """A datagram from the peer. If it repeats the flight ours answered, what to send
        again (empty when it was sent again too recently); None for anything new."""
        if datagram in self.answered and self.flight:
            if self.echoed_at is not None and now - self.echoed_at < self.minimum_us:
                return []
            self.echoed_at = now
            return list(self.flight)
        self.received.append(datagram)
        del self.received[:-16]  # a flight is a handful of datagrams
        return None

    def stop(self) -> None:
        self.deadline = None

    def expire(self, now: int) -> list[bytes] | None:
        """The flight to send again when the timer is due at `now`; None if the
        handshake has waited its longest and failed."""
        if self.timeout_us >= self.maximum_us:
            self.deadline = None
            return None
        self.timeout_us = min(self.timeout_us * 2, self.maximum_us)
        self.deadline = now + self.timeout_us
        return list(self.flight)
