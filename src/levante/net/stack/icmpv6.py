"""ICMPv6 for the interface (RFC 4443): echo replies, errors under the §2.4 rules and a
rate limit on simulated time, Packet Too Big, and the Neighbor Discovery and MLD
messages handed to their modules."""

from __future__ import annotations

from collections.abc import Callable

from levante.codecs import icmpv6, ipv6
from levante.codecs.addresses import ipv6_to_text
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ipv6_errors import UNRECOGNIZED_OPTION
from levante.codecs.ipv6_extensions import find_upper_layer
from levante.net.stack.ipv6 import Ipv6Layer
from levante.net.stack.ipv6_settings import UNSPECIFIED, is_multicast, is_unicast_usable
from levante.net.stack.rate_limit import TokenBucket
from levante.net.stack.stats import NetStats

# RFC 4443 §2.4 (c): an error carries as much of the invoking packet as keeps it within
# the minimum IPv6 MTU.
MAX_INVOKING = ipv6.MINIMUM_MTU - ipv6.HEADER_LENGTH - 8
# RFC 4443 §2.4 (f) asks for a limit without naming one; the IPv4 one (10, then 1/100 ms).
ERROR_BURST = 10
ERROR_INTERVAL_US = 100_000
_NEIGHBOR_DISCOVERY = frozenset((icmpv6.ROUTER_SOLICITATION, icmpv6.ROUTER_ADVERTISEMENT,
                                 icmpv6.NEIGHBOR_SOLICITATION,
                                 icmpv6.NEIGHBOR_ADVERTISEMENT, icmpv6.REDIRECT))
_REPORTS = frozenset((icmpv6.MLDV1_REPORT, icmpv6.MLDV1_DONE, icmpv6.MLDV2_REPORT))
_ERRORS_NOTED = frozenset((icmpv6.DESTINATION_UNREACHABLE, icmpv6.TIME_EXCEEDED,
                           icmpv6.PARAMETER_PROBLEM))


class Icmpv6Layer:
    """ICMPv6 in and out."""

    def __init__(self, ip: Ipv6Layer, stats: NetStats) -> None:
        self.ip = ip
        self.stats = stats
        self.error_rate = TokenBucket(ERROR_BURST, ERROR_INTERVAL_US)
        ip.protocols[ipv6.NEXT_ICMPV6] = self.receive
        ip.parameter_problem = self.parameter_problem
        ip.reassembly_timed_out = self.reassembly_time_exceeded
        # Who takes echo replies (the stack's `net ping`), if anyone.
        self.echo_reply_received: Callable[[Ipv6Packet, icmpv6.Echo, int], None] | None = None

    def receive(self, packet: Ipv6Packet, data: bytes, to_multicast: bool, now: int) -> None:
        self.stats.count("icmpv6.received")
        try:
            message = icmpv6.decode(data, source=packet.source,
                                    destination=packet.destination)
        except icmpv6.Icmpv6ChecksumError:
            self.stats.drop("icmpv6", "bad-checksum")
            return
        except icmpv6.Icmpv6Error:
            self.stats.drop("icmpv6", "malformed")
            return
        kind = message.type
        if packet.source == UNSPECIFIED and kind not in (icmpv6.NEIGHBOR_SOLICITATION,
                                                         icmpv6.ROUTER_SOLICITATION,
                                                         *_REPORTS):
            self.stats.drop("icmpv6", "unspecified-source")
            return
        if kind in _NEIGHBOR_DISCOVERY:
            self.ip.nd.receive(packet, message, now)
        elif kind == icmpv6.MLD_QUERY:
            self.ip.mld.receive_query(packet, message, now)
        elif kind in _REPORTS:
            self.stats.count("mld.report_heard")  # RFC 3810 §6: a host ignores them
        elif kind == icmpv6.ECHO_REQUEST:
            self._echo(packet, message, to_multicast, now)
        elif kind == icmpv6.ECHO_REPLY:
            self.stats.count("icmpv6.echo_reply_received")
            self._echo_reply(packet, message, now)
        elif kind == icmpv6.PACKET_TOO_BIG:
            self._packet_too_big(message, now)
        elif kind in _ERRORS_NOTED:
            self.stats.count("icmpv6.error_received")
        else:
            # RFC 4443 §2.4 (a), (b): unknown errors go up, unknown informational
            # messages are discarded; nothing here takes either.
            self.stats.drop("icmpv6", "unknown-type")

    # --- Echo (RFC 4443 §4) -----------------------------------------------------------

    def _echo_reply(self, packet: Ipv6Packet, message: Icmpv6Message, now: int) -> None:
        try:
            echo = icmpv6.decode_echo(message)
        except icmpv6.Icmpv6Error:
            self.stats.drop("icmpv6", "malformed")
            return
        if self.echo_reply_received is not None:
            self.echo_reply_received(packet, echo, now)

    def _echo(self, packet: Ipv6Packet, message: Icmpv6Message, to_multicast: bool,
              now: int) -> None:
        try:
            echo = icmpv6.decode_echo(message)
        except icmpv6.Icmpv6Error:
            self.stats.drop("icmpv6", "malformed")
            return
        # §4.2: a reply to a multicast request comes from a unicast address of ours.
        source = self.ip.source_for(packet.source) if to_multicast else packet.destination
        if source is None:
            self.stats.drop("icmpv6", "no-source-address")
            return
        reply = icmpv6.encode(icmpv6.echo_message(icmpv6.ECHO_REPLY, echo),
                              source=source, destination=packet.source)
        if self.ip.send(packet.source, ipv6.NEXT_ICMPV6, reply, now, source=source):
            self.stats.count("icmpv6.echo_replied")

    # --- Packet Too Big (RFC 4443 §3.2, RFC 8201 §4) ----------------------------------

    def _packet_too_big(self, message: Icmpv6Message, now: int) -> None:
        if message.code != 0 or len(message.body) < 4 + ipv6.HEADER_LENGTH:
            self.stats.drop("icmpv6", "bad-packet-too-big")
            return
        mtu = int.from_bytes(message.body[:4], "big")
        invoking = message.body[4:]
        # The invoking packet must be one we sent: its source is ours.
        source, destination = _header_addresses(invoking)
        if not self.ip.addresses.is_assigned(source):
            self.stats.drop("icmpv6", "packet-too-big-not-ours")
            return
        self.ip.learn_path_mtu(destination, mtu, now)

    # --- Errors (RFC 4443 §2.4, §3) -------------------------------------------------

    def parameter_problem(self, packet: Ipv6Packet, code: int, pointer: int,
                          to_multicast: bool, now: int) -> None:
        self.send_error(icmpv6.PARAMETER_PROBLEM, code, pointer, packet, to_multicast, now)

    def reassembly_time_exceeded(self, first: Ipv6Packet, now: int) -> None:
        # RFC 8200 §4.5: with the first fragment received, Time Exceeded code 1 goes to
        # its source.
        self.send_error(icmpv6.TIME_EXCEEDED, icmpv6.REASSEMBLY_TIME_EXCEEDED, 0, first,
                        is_multicast(first.destination), now)

    def port_unreachable(self, packet: Ipv6Packet, to_multicast: bool, now: int) -> None:
        self.send_error(icmpv6.DESTINATION_UNREACHABLE, icmpv6.PORT_UNREACHABLE, 0, packet,
                        to_multicast, now)

    def send_error(self, error_type: int, code: int, parameter: int, packet: Ipv6Packet,
                   to_multicast: bool, now: int) -> None:
        """An error about `packet` unless §2.4 (e) forbids it or (f) the rate is spent."""
        if not self._may_answer_with_error(error_type, code, packet, to_multicast):
            self.stats.drop("icmpv6", "error-not-allowed")
            return
        if not self.error_rate.take(now):
            self.stats.drop("icmpv6", "error-rate-limited")
            return
        source = packet.destination if not to_multicast else \
            self.ip.source_for(packet.source)
        if source is None:
            self.stats.drop("icmpv6", "no-source-address")
            return
        invoking = ipv6.encode(packet)[:MAX_INVOKING]
        message = icmpv6.error_message(error_type, code, parameter, invoking)
        data = icmpv6.encode(message, source=source, destination=packet.source)
        if self.ip.send(packet.source, ipv6.NEXT_ICMPV6, data, now, source=source):
            self.stats.count("icmpv6.errors_sent")

    @staticmethod
    def _may_answer_with_error(error_type: int, code: int, packet: Ipv6Packet,
                               to_multicast: bool) -> bool:
        # (e.3): not about a packet to a multicast address, but Packet Too Big and an
        # unrecognized option whose type asks for one (RFC 8200 §4.2, action 10).
        if to_multicast and not (error_type == icmpv6.PACKET_TOO_BIG or (
                error_type == icmpv6.PARAMETER_PROBLEM and code == UNRECOGNIZED_OPTION)):
            return False
        # (e.5), (e.6): not to a source that names no single node.
        if not is_unicast_usable(packet.source) or is_multicast(packet.source):
            return False
        # (e.1), (e.2): never about an ICMPv6 error or a redirect.
        upper = find_upper_layer(packet)
        if upper is not None and upper[0] == ipv6.NEXT_ICMPV6:
            kind = packet.payload[upper[1]:upper[1] + 1]
            if kind and (kind[0] < 128 or kind[0] == icmpv6.REDIRECT):
                return False
        return True


def _header_addresses(invoking: bytes) -> tuple[str, str]:
    """The source and destination of the invoking packet's IPv6 header."""
    return ipv6_to_text(invoking[8:24]), ipv6_to_text(invoking[24:40])
