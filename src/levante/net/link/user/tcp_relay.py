"""Where the user-mode gateway meets the device's TCP: the seam a TCP engine plugs into.

A relay of the device's TCP through host sockets needs a TCP endpoint on the gateway's
side of each connection (the device's peer), which is the stack's TCP engine's work.
`TcpRelay` is what the gateway asks of it: each segment from the device (already
decoded, checksum verified) and the packets to send back; the engine will keep one
connection per device endpoint, speak as the remote address, and move the bytes to and
from a host TCP socket (`forward tcp:` accepting on the host side the same way).

Until that engine is there, `RefusingTcp` answers every segment as a TCP in the CLOSED
state does (RFC 9293 §3.10.7.1): a reset, so the device's connect fails at once with
ECONNREFUSED instead of retransmitting into silence.
"""

from __future__ import annotations

from typing import Protocol

from levante.codecs import ipv4, tcp
from levante.codecs.ipv4 import Ipv4Packet
from levante.codecs.tcp import TcpSegment


class TcpRelay(Protocol):
    def from_device(self, packet: Ipv4Packet, segment: TcpSegment,
                    now: int) -> list[Ipv4Packet]:
        """The device's segment in `packet` at simulated `now` (µs); packets to it."""
        ...

    def close(self) -> None:
        ...


class RefusingTcp:
    """No TCP on the gateway's side: every connection is refused with a reset."""

    def __init__(self) -> None:
        self.refused = 0

    def from_device(self, packet: Ipv4Packet, segment: TcpSegment,
                    now: int) -> list[Ipv4Packet]:
        if segment.has("RST"):
            return []  # RFC 9293 §3.10.7.1: a reset is never answered
        if segment.has("ACK"):
            reply = TcpSegment(source_port=segment.destination_port,
                               destination_port=segment.source_port,
                               sequence_number=segment.acknowledgment_number,
                               flags=("RST",))
        else:
            length = len(segment.payload) + segment.has("SYN") + segment.has("FIN")
            reply = TcpSegment(source_port=segment.destination_port,
                               destination_port=segment.source_port,
                               acknowledgment_number=(segment.sequence_number + length)
                               & 0xFFFF_FFFF, flags=("ACK", "RST"))
        self.refused += 1
        payload = tcp.encode(reply, source=packet.destination, destination=packet.source)
        return [Ipv4Packet(protocol=ipv4.PROTOCOL_TCP, source=packet.destination,
                           destination=packet.source, payload=payload)]

    def close(self) -> None:
        return None
