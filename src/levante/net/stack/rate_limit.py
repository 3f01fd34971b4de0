"""A token bucket on simulated time, for ICMP errors (RFC 1812 §4.3.2.8)."""

from __future__ import annotations


class TokenBucket:
    """Up to `burst` events at once, then one every `interval_us` microseconds."""

    def __init__(self, burst: int, interval_us: int) -> None:
        self.burst = burst
        self.interval_us = interval_us
        self._tokens = burst
        self._refilled_at = 0

    def take(self, now: int) -> bool:
        """Spend a token if one is left at `now`; False when the rate is exceeded."""
        earned = max(0, now - self._refilled_at) // self.interval_us
        if earned:
            self._tokens = min(self.burst, self._tokens + earned)
            self._refilled_at += earned * self.interval_us
        if self._tokens >= self.burst:
            self._refilled_at = max(self._refilled_at, now)  # a full bucket earns nothing
        if self._tokens == 0:
            return False
        self._tokens -= 1
        return True
