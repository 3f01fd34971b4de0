"""ICMPv4 for the interface: echo replies (RFC 792) and rate-limited errors (RFC 1812)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from levante.codecs import icmp, ipv4
from levante.codecs.icmp import IcmpEcho, IcmpMessage
from levante.codecs.ipv4 import Ipv4Packet
from levante.net.stack.ipv4 import Ipv4Layer
from levante.net.stack.rate_limit import TokenBucket
from levante.net.stack.settings import address_value
from levante.net.stack.stats import NetStats

DESTINATION_UNREACHABLE = 3
PROTOCOL_UNREACHABLE = 2
PORT_UNREACHABLE = 3
TIME_EXCEEDED = 11
REASSEMBLY_TIME_EXCEEDED = 1
# RFC 1812 §4.3.2.3: an error carries as much of the offending datagram as fits in 576
# octets (RFC 792 asked for its header and first 8 data octets, the least allowed).
MAX_ERROR_DATAGRAM = 576
# RFC 1812 §4.3.2.8: errors are rate-limited; a burst of 10, then one per 100 ms.
ERROR_BURST = 10
ERROR_INTERVAL_US = 100_000
_ERROR_TYPES = frozenset({3, 4, 5, 11, 12})  # the ICMP errors of RFC 792


class IcmpLayer:
    """Answers echo requests; sends destination-unreachable errors within a rate."""

    def __init__(self, ip: Ipv4Layer, stats: NetStats) -> None:
        self.ip = ip
        self.stats = stats
        self.error_rate = TokenBucket(ERROR_BURST, ERROR_INTERVAL_US)
        ip.protocols[ipv4.PROTOCOL_ICMP] = self.receive
        ip.protocol_unreachable = self.protocol_unreachable
        ip.reassembly_timed_out = self.reassembly_time_exceeded
        # Where echo replies go (the device's own pings); None: ignored.
        self.echo_reply_received: Callable[[Ipv4Packet, IcmpEcho, int], None] | None = None

    def receive(self, packet: Ipv4Packet, raw: bytes, to_broadcast: bool, now: int) -> None:
        self.stats.count("icmp.received")
        try:
            message = icmp.decode(packet.payload)
        except icmp.IcmpChecksumError:
            self.stats.drop("icmp", "bad-checksum")
            return
        except icmp.IcmpError:
            self.stats.drop("icmp", "malformed")
            return
        if isinstance(message, IcmpEcho) and message.type == icmp.ECHO_REPLY \
                and self.echo_reply_received is not None and not to_broadcast:
            self.echo_reply_received(packet, message, now)
            return
        if not isinstance(message, IcmpEcho) or message.type != icmp.ECHO_REQUEST:
            self.stats.count("icmp.ignored")  # replies and errors: nothing asked for them
            return
        # RFC 1122 §3.2.2.6: an echo request to a broadcast address MAY be discarded
        # silently; answering would make this device an amplifier (smurf).
        if to_broadcast:
            self.stats.drop("icmp", "echo-to-broadcast")
            return
        try:
            reply = icmp.echo_reply_for(packet, ttl=self.ip.settings.ttl)
        except (icmp.IcmpError, ipv4.Ipv4Error):
            self.stats.drop("icmp", "unanswerable")
            return
        reply = replace(reply, identification=self.ip.next_identification())
        if self.ip.send_packet(reply, now):
            self.stats.count("icmp.echo_replied")

    # --- Errors ---------------------------------------------------------------------

    def protocol_unreachable(self, packet: Ipv4Packet, raw: bytes, now: int) -> None:
        self.send_unreachable(PROTOCOL_UNREACHABLE, packet, raw, now)

    def port_unreachable(self, packet: Ipv4Packet, raw: bytes, now: int) -> None:
        self.send_unreachable(PORT_UNREACHABLE, packet, raw, now)

    def reassembly_time_exceeded(self, first: Ipv4Packet, raw: bytes, now: int) -> None:
        # RFC 1122 §3.3.2: when reassembly times out with fragment zero received, Time
        # Exceeded (code 1, RFC 792) goes to the source.
        self.send_error(TIME_EXCEEDED, REASSEMBLY_TIME_EXCEEDED, first, raw, now)

    def send_unreachable(self, code: int, packet: Ipv4Packet, raw: bytes, now: int) -> None:
        self.send_error(DESTINATION_UNREACHABLE, code, packet, raw, now)

    def send_error(self, error_type: int, code: int, packet: Ipv4Packet, raw: bytes,
                   now: int) -> None:
        """An ICMP error about `packet`, unless RFC 1122 §3.2.2 forbids one or the rate is
        exceeded (both counted)."""
        if not self._may_answer_with_error(packet):
            self.stats.drop("icmp", "error-not-allowed")
            return
        if not self.error_rate.take(now):
            self.stats.drop("icmp", "error-rate-limited")
            return
        message = IcmpMessage(type=error_type, code=code,
                              payload=raw[:MAX_ERROR_DATAGRAM - ipv4.HEADER_LENGTH
                                          - icmp.HEADER_LENGTH])
        if self.ip.send(packet.source, ipv4.PROTOCOL_ICMP, icmp.encode(message), now):
            self.stats.count("icmp.errors_sent")

    @staticmethod
    def _may_answer_with_error(packet: Ipv4Packet) -> bool:
        # RFC 1122 §3.2.2: never about an ICMP error, a broadcast or multicast datagram
        # (checked by the callers), a non-initial fragment, or a datagram whose source
        # does not name a single host.
        if packet.protocol == ipv4.PROTOCOL_ICMP and packet.payload[:1] and \
                packet.payload[0] in _ERROR_TYPES:
            return False
        if packet.fragment_offset != 0:
            return False
        source = address_value(packet.source)
        return source != 0 and source >> 24 != 127 and source >> 28 < 0xE
