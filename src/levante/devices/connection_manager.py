"""Zephyr's connection manager (CONFIG_NET_CONNECTION_MANAGER): the L4 events from the
interface's state."""

from __future__ import annotations

from collections.abc import Callable

# Zephyr's rule (conn_mgr_monitor.c): an interface is ready when it is up, has a
# preferred global address and is not ignored; ready for IPv4 or IPv6 by the family of
# that address. An event is raised when the count of ready interfaces goes to or from 0.
FAMILIES = ("", "IPV4_", "IPV6_")
# conn_mgr_request values of the C runtime (conn_mgr_monitor.c in sdk/runtime).
RESEND, IGNORE, WATCH, IS_IGNORED = 0, 1, 2, 3
REQUESTS = (RESEND, IGNORE, WATCH, IS_IGNORED)


class ConnectionMonitor:
    """Tracks whether the interface is ready and raises NET_EVENT_L4_* on changes."""

    def __init__(self, raise_event: Callable[[str], None]) -> None:
        self.raise_event = raise_event
        self.ignored = False
        self._ready = dict.fromkeys(FAMILIES, False)

    def update(self, up: bool, has_ipv4: bool, has_ipv6: bool) -> None:
        """The interface's state now; events for what changed, the all-family one first."""
        live = up and not self.ignored
        ready = {"": live and (has_ipv4 or has_ipv6), "IPV4_": live and has_ipv4,
                 "IPV6_": live and has_ipv6}
        for family in FAMILIES:
            if ready[family] != self._ready[family]:
                self._ready[family] = ready[family]
                self._announce(family)

    def resend(self) -> None:
        """conn_mgr_mon_resend_status(): the current state of every family, again."""
        for family in FAMILIES:
            self._announce(family)

    def request(self, request: int) -> int:
        """A conn_mgr_request from the C runtime; IS_IGNORED answers 1 or 0."""
        if request == RESEND:
            self.resend()
        elif request in (IGNORE, WATCH):
            self.ignored = request == IGNORE
        return int(self.ignored) if request == IS_IGNORED else 0

    def _announce(self, family: str) -> None:
        state = "CONNECTED" if self._ready[family] else "DISCONNECTED"
        self.raise_event(f"L4_{family}{state}")
