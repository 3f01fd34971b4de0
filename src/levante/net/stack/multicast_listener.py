"""MLDv2 (RFC 3810) as a multicast listener needs it: reports for the groups the
interface joins and leaves, answers to queries, and MLDv1 (RFC 2710) compatibility when
a version 1 querier is on the link (RFC 3810 §8.2).

Every group is listened to in EXCLUDE mode with no sources (all senders). Choices: an
answer goes out half the Maximum Response Delay after the query (RFC 3810 §6.2 picks a
random delay in [0, delay]; half is its mean and keeps runs deterministic); state
changes are reported twice (the Robustness Variable, §9.1), one Unsolicited Report
Interval (1 s, §9.11) apart. Reports come from the link-local address, or from the
unspecified one before it passed DAD (§5.2.13); queries from a non-link-local source or
with a hop limit other than 1 are dropped (§5.1.14, §6.2).
"""

from __future__ import annotations

from levante.codecs import icmpv6, ipv6, mld
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ipv6 import Ipv6Packet
from levante.net.stack.ethernet import EthernetPort
from levante.net.stack.ipv6_addresses import SECOND, InterfaceAddresses
from levante.net.stack.ipv6_settings import (
    ALL_NODES,
    UNSPECIFIED,
    is_link_local,
    multicast_mac,
)
from levante.net.stack.ndp_resolution import ETHERTYPE_IPV6
from levante.net.stack.stats import NetStats

ROBUSTNESS = 2
UNSOLICITED_REPORT_INTERVAL_US = 1 * SECOND
# §9.12: Robustness × Query Interval (125 s) + Query Response Interval (10 s).
OLDER_VERSION_QUERIER_PRESENT_US = (ROBUSTNESS * 125 + 10) * SECOND
# A Hop-by-Hop header with the Router Alert option (RFC 2711, value 0: MLD) and a PadN,
# as §5 asks of every MLD message; its first octet (next header) is ICMPv6.
_ROUTER_ALERT_HEADER = bytes((ipv6.NEXT_ICMPV6, 0, 5, 2, 0, 0, 1, 0))


class MulticastListener:
    """Reports the groups `addresses` holds, on joins, leaves and queries."""

    def __init__(self, port: EthernetPort, addresses: InterfaceAddresses, link_local: str,
                 stats: NetStats) -> None:
        self.port = port
        self.addresses = addresses
        self.link_local = link_local
        self.stats = stats
        self.enabled = True
        # Pending state-change reports: group → (joined, retransmissions left, when).
        self._changes: dict[str, tuple[bool, int, int]] = {}
        self._general_answer_at: int | None = None
        self._group_answers: dict[str, int] = {}
        self._version1_until: int | None = None

    # --- State changes (§6.1) ---------------------------------------------------------

    def group_changed(self, group: str, joined: bool, now: int) -> None:
        if not self.enabled or group == ALL_NODES:
            return
        self._changes[group] = (joined, ROBUSTNESS, now)

    # --- Queries (§6.2, §7.1) -------------------------------------------------------

    def receive_query(self, packet: Ipv6Packet, message: Icmpv6Message, now: int) -> None:
        self.stats.count("mld.received")
        if not self.enabled:
            self.stats.drop("mld", "disabled")
            return
        if not is_link_local(packet.source):
            self.stats.drop("mld", "query-not-link-local")
            return
        if packet.hop_limit != 1:
            self.stats.drop("mld", "hop-limit-not-1")
            return
        try:
            query = mld.decode_query(message)
        except mld.MldError:
            self.stats.drop("mld", "malformed")
            return
        if query.group != UNSPECIFIED and not self.addresses.listens_to(query.group):
            self.stats.count("mld.query_for_other_group")
            return
        if query.version == 1:
            self._version1_until = now + OLDER_VERSION_QUERIER_PRESENT_US
        answer_at = now + query.max_response_ms * 1000 // 2
        if query.group == UNSPECIFIED:
            if self._general_answer_at is None or answer_at < self._general_answer_at:
                self._general_answer_at = answer_at
        elif query.group != ALL_NODES:
            earlier = self._group_answers.get(query.group)
            if earlier is None or answer_at < earlier:
                self._group_answers[query.group] = answer_at

    # --- Sending --------------------------------------------------------------------------

    def advance(self, now: int) -> None:
        if self._version1_until is not None and self._version1_until <= now:
            self._version1_until = None
        if self._general_answer_at is not None and self._general_answer_at <= now:
            self._general_answer_at = None
            self._report([(mld.MODE_IS_EXCLUDE, group)
                          for group in self.addresses.joined_groups()], now)
        for group, when in list(self._group_answers.items()):
            if when <= now:
                del self._group_answers[group]
                if self.addresses.listens_to(group):
                    self._report([(mld.MODE_IS_EXCLUDE, group)], now)
        due = [(group, change) for group, change in self._changes.items() if change[2] <= now]
        records = []
        for group, (joined, left, _) in due:
            records.append((mld.CHANGE_TO_EXCLUDE_MODE if joined
                            else mld.CHANGE_TO_INCLUDE_MODE, group))
            if left > 1:
                self._changes[group] = (joined, left - 1, now + UNSOLICITED_REPORT_INTERVAL_US)
            else:
                del self._changes[group]
        self._report(records, now)

    def _report(self, records: list[tuple[int, str]], now: int) -> None:
        if not records:
            return
        if self._version1_until is not None:
            # §8.2.1: with a version 1 querier, a report per group (a leave is Done).
            for record_type, group in records:
                left = record_type == mld.CHANGE_TO_INCLUDE_MODE
                self._send(mld.encode_v1_report(group, done=left),
                           "ff02::2" if left else group)
            return
        self._send(mld.encode_v2_report(tuple(records)), mld.ALL_MLDV2_ROUTERS)

    def _send(self, message: Icmpv6Message, destination: str) -> None:
        source = (self.link_local if self.addresses.is_assigned(self.link_local)
                  else UNSPECIFIED)
        data = icmpv6.encode(message, source=source, destination=destination)
        packet = ipv6.encode(ipv6.Ipv6Packet(next_header=ipv6.NEXT_HOP_BY_HOP, hop_limit=1,
                                             source=source, destination=destination,
                                             payload=_ROUTER_ALERT_HEADER + data))
        self.port.send(multicast_mac(destination), ETHERTYPE_IPV6, packet)
        self.stats.count("mld.reports_sent")

    def next_deadline(self) -> int | None:
        instants = [when for _, _, when in self._changes.values()]
        instants += list(self._group_answers.values())
        for instant in (self._general_answer_at, self._version1_until):
            if instant is not None:
                instants.append(instant)
        return min(instants, default=None)
