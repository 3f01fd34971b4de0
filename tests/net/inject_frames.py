"""Put hostile frames on a link from the host's side of a TAP device (run inside its
network namespace, as root): spoofed sources, broken headers, an ARP flood."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from netpeer import DEVICE_IP, arp_request, echo_request, frame  # noqa: E402


def hostile_frames() -> list[bytes]:
    broken_checksum = bytearray(echo_request(sequence=2))
    broken_checksum[14 + 10] ^= 0xFF
    flood = [arp_request(sender_ip=f"192.0.2.{host}", sender_mac=f"02:00:00:00:01:{host:02x}")
             for host in range(10, 250)]
    return [
        echo_request(sequence=1, source="127.0.0.1"),  # CVE-2023-7060: loopback source
        echo_request(sequence=1, source=DEVICE_IP),  # our own address as source
        bytes(broken_checksum),
        echo_request(sequence=3)[:30],  # cut inside the IPv4 header
        frame(b"\x45" + bytes(30)),  # a header that lies about everything
        echo_request(sequence=4, more_fragments=True),
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
