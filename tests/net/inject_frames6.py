"""Put hostile IPv6 frames on a link from the host's side of a TAP device (run inside its
network namespace, as root): spoofed sources, broken headers, forged Neighbor Discovery,
overlapping fragments, a neighbour cache flood."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from netpeer6 import (  # noqa: E402
    DEVICE_GLOBAL,
    DEVICE_LINK_LOCAL,
    PEER_GLOBAL,
    advertisement,
    echo_request,
    frame,
    icmp_packet,
    solicitation,
)

from levante.codecs import icmpv6  # noqa: E402
from levante.codecs.ipv6 import Ipv6Packet  # noqa: E402

HOSTILE_MAC = "02:00:00:00:02:01"
FLOOD = 200


def overlapping_fragments() -> list[bytes]:
    message = icmpv6.encode(icmpv6.echo_message(icmpv6.ECHO_REQUEST,
                                                icmpv6.Echo(9, 9, bytes(64))),
                            source=PEER_GLOBAL, destination=DEVICE_GLOBAL)
    first = bytes((58, 0, 0, 1, 0, 0, 0, 77)) + message[:48]
    overlap = bytes((58, 0, 0, 5 << 3, 0, 0, 0, 77)) + message[40:]  # offset 40 < 48
    return [frame(Ipv6Packet(next_header=44, source=PEER_GLOBAL, destination=DEVICE_GLOBAL,
                             payload=payload), source_mac=HOSTILE_MAC)
            for payload in (first, overlap)]


def hostile_frames() -> list[bytes]:
    broken_checksum = bytearray(echo_request(sequence=2, source_mac=HOSTILE_MAC))
    broken_checksum[-1] ^= 0xFF
    flood = [solicitation(source=f"2001:db8::{index + 0x100:x}",
                          mac=f"02:00:00:00:03:{index:02x}",
                          source_mac=f"02:00:00:00:03:{index:02x}") for index in range(FLOOD)]
    return [
        echo_request(source="::1", source_mac=HOSTILE_MAC),  # loopback from the wire
        echo_request(source=DEVICE_GLOBAL, source_mac=HOSTILE_MAC),  # our own addresses
        echo_request(source=DEVICE_LINK_LOCAL, source_mac=HOSTILE_MAC),
        echo_request(source="ff02::1", source_mac=HOSTILE_MAC),  # a multicast source
        bytes(broken_checksum),
        echo_request(sequence=3, source_mac=HOSTILE_MAC)[:14 + 30],  # a cut header
        solicitation(hop_limit=254, source_mac=HOSTILE_MAC),  # forwarded from off the link
        # Someone else claims our address: a conflict, never a takeover.
        advertisement(DEVICE_GLOBAL, solicited=False, destination="ff02::1",
                      source="2001:db8::66", mac=HOSTILE_MAC, source_mac=HOSTILE_MAC),
        frame(icmp_packet(icmpv6.Icmpv6Message(type=200)), source_mac=HOSTILE_MAC),
        *overlapping_fragments(),
        *flood,
    ]


def main() -> None:
    link = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    link.bind((sys.argv[1], 0))
    for data in hostile_frames():
        link.send(data.ljust(60, b"\0"))
    link.close()


if __name__ == "__main__":
    main()
