"""The retransmission timeout of RFC 6298: SRTT and RTTVAR from samples, exponential
backoff, Karn's rule (the sampling side lives in the connection)."""

from __future__ import annotations

# RFC 6298 §2.4: "a maximum value MAY be placed on RTO provided it is at least 60 seconds".
MAXIMUM_RTO_US = 60_000_000
# RFC 6298 §2: G, the clock granularity; simulated time is exact, a millisecond is what
# a device's tick would give.
GRANULARITY_US = 1_000


class RetransmissionTimeout:
    """RTO from round-trip samples (RFC 6298 §2), doubled on each expiry (§5.5)."""

    def __init__(self, initial_us: int) -> None:
        # §2.1: until a sample is made, RTO is the initial value. §2.4 asks for a floor
        # of 1 s; the floor here is the configured initial value (Zephyr's 200 ms by
        # default, as Linux uses), so a configuration of 1000 ms follows the RFC exactly.
        self.minimum_us = initial_us
        self.rto_us = initial_us
        self.srtt_us: int | None = None
        self.rttvar_us = 0

    def sample(self, rtt_us: int) -> None:
        """A round-trip time measured on a segment that was not retransmitted (Karn)."""
        rtt_us = max(rtt_us, 0)
        if self.srtt_us is None:
            # §2.2: the first measurement.
            self.srtt_us = rtt_us
            self.rttvar_us = rtt_us // 2
        else:
            # §2.3: alpha = 1/8, beta = 1/4, RTTVAR updated with the old SRTT first.
            self.rttvar_us = (3 * self.rttvar_us + abs(self.srtt_us - rtt_us)) // 4
            self.srtt_us = (7 * self.srtt_us + rtt_us) // 8
        computed = self.srtt_us + max(GRANULARITY_US, 4 * self.rttvar_us)
        self.rto_us = min(max(computed, self.minimum_us), MAXIMUM_RTO_US)

    def back_off(self) -> None:
        """§5.5: the timer expired; double RTO (up to the maximum)."""
        self.rto_us = min(self.rto_us * 2, MAXIMUM_RTO_US)
