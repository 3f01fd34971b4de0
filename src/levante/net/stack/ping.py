"""Echo requests the device sends (the shell's `net ping`) and the replies that match them
(RFC 792, and RFC 4443 §4 over IPv6: a reply carries the request's identifier, sequence
number and data)."""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs import icmp
from levante.codecs.icmp import IcmpEcho
from levante.codecs.icmpv6 import Echo
from levante.codecs.ipv4 import Ipv4Packet
from levante.codecs.ipv6 import Ipv6Packet
from levante.net.stack.stats import NetStats

# Requests whose replies are remembered at once; an older one makes room for a newer.
MAX_OUTSTANDING = 16


@dataclass(frozen=True)
class EchoReply:
    """A reply that matched a request: who answered, its TTL, the data length, the round
    trip in simulated microseconds."""

    source: str
    sequence: int
    ttl: int
    data_length: int
    round_trip_us: int


@dataclass
class _Outstanding:
    destination: str
    payload: bytes
    sent_at: int
    reply: EchoReply | None = None


class EchoSender:
    """Sends echo requests with one identifier and matches replies to them by identifier,
    sequence number, source and data, so a forged or stray reply is not taken."""

    def __init__(self, identifier: int, stats: NetStats) -> None:
        self.identifier = identifier & 0xFFFF
        self.stats = stats
        self._outstanding: dict[int, _Outstanding] = {}

    def request(self, destination: str, sequence: int, payload: bytes, now: int) -> bytes:
        """The ICMP message of an echo request; its reply is then awaited."""
        self.expect(destination, sequence, payload, now)
        return icmp.encode(IcmpEcho(type=icmp.ECHO_REQUEST, identifier=self.identifier,
                                    sequence=sequence & 0xFFFF, payload=payload))

    def expect(self, destination: str, sequence: int, payload: bytes, now: int) -> None:
        """A request (of either family) is on its way: its reply is awaited."""
        sequence &= 0xFFFF
        self._outstanding.pop(sequence, None)
        if len(self._outstanding) >= MAX_OUTSTANDING:
            del self._outstanding[next(iter(self._outstanding))]
        self._outstanding[sequence] = _Outstanding(destination, payload, now)

    def forget(self, sequence: int) -> None:
        """A request that could not be sent awaits nothing."""
        self._outstanding.pop(sequence & 0xFFFF, None)

    def receive(self, packet: Ipv4Packet, message: IcmpEcho, now: int) -> None:
        """An echo reply: kept when it answers an outstanding request, else counted."""
        self.reply_arrived(packet.source, packet.ttl, message.identifier, message.sequence,
                           message.payload, now)

    def receive6(self, packet: Ipv6Packet, echo: Echo, now: int) -> None:
        """An ICMPv6 echo reply (its hop limit shown as the TTL)."""
        self.reply_arrived(packet.source, packet.hop_limit, echo.identifier, echo.sequence,
                           echo.data, now)

    def reply_arrived(self, source: str, ttl: int, identifier: int, sequence: int,
                      payload: bytes, now: int) -> None:
        waiting = self._outstanding.get(sequence)
        if (identifier != self.identifier or waiting is None
                or waiting.reply is not None or source != waiting.destination
                or payload != waiting.payload):
            self.stats.drop("icmp", "unexpected-echo-reply")
            return
        waiting.reply = EchoReply(source, sequence, ttl, len(payload),
                                  now - waiting.sent_at)
        self.stats.count("icmp.echo_reply_received")

    def take_reply(self, sequence: int) -> EchoReply | None:
        """The reply to request `sequence` once it came (the request is then done)."""
        waiting = self._outstanding.get(sequence & 0xFFFF)
        if waiting is None or waiting.reply is None:
            return None
        del self._outstanding[sequence & 0xFFFF]
        return waiting.reply



