"""Every hostile case of the codec and stack tests as named sequences of Ethernet frames
from the link, for the in-process replay test, the TAP injector and recorded sessions.

The device is at 192.0.2.1 / 2001:db8::1 (MAC 00:00:5e:00:53:01), its peer at
192.0.2.2 / 2001:db8::2; `port` is where the device listens (a UDP echo, and a TCP
listener where the device has one).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import inject_frames  # noqa: E402
import inject_frames6  # noqa: E402
from netpeer import DEVICE_IP, PEER_IP, arp_reply, datagram, frame  # noqa: E402
from netpeer import echo_request as echo4  # noqa: E402
from netpeer6 import DEVICE_GLOBAL, PEER_GLOBAL, solicitation  # noqa: E402
from netpeer6 import frame as frame6  # noqa: E402

from levante.codecs import icmp, icmpv6, ipv4, tcp  # noqa: E402
from levante.codecs import ipv4_options as opt  # noqa: E402
from levante.codecs.checksum import internet_checksum  # noqa: E402
from levante.codecs.icmp import IcmpEcho  # noqa: E402
from levante.codecs.ipv6 import Ipv6Packet  # noqa: E402
from levante.codecs.tcp import TcpSegment  # noqa: E402

HOSTILE_MAC = "02:00:00:00:04:01"
SYN_FLOOD = 300
FRAGMENT_FLOOD = 64
ARP_FLOOD = 240


def _resum(header: bytearray) -> bytes:
    """Header checksum made right again after a field was broken on purpose."""
    length = (header[0] & 0x0F) * 4
    header[10:12] = bytes(2)
    header[10:12] = internet_checksum(bytes(header[:length])).to_bytes(2, "big")
    return bytes(header)


def _ping_packet(*options: opt.Ipv4Option, **fields: object) -> bytes:
    message = icmp.encode(IcmpEcho(type=icmp.ECHO_REQUEST, identifier=0x4856, sequence=7,
                                   payload=b"hostile"))
    return ipv4.encode(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_ICMP, source=PEER_IP,
                                       destination=DEVICE_IP, options=options, payload=message,
                                       **fields))  # type: ignore[arg-type]


def malformed_ipv4_headers() -> list[bytes]:
    """tests/codecs/test_ipv4.py's refused headers, each on the wire."""
    good = bytearray(_ping_packet())
    return [frame(data) for data in (
        bytes(good[:19]),  # a truncated header
        _resum(bytearray([0x65]) + good[1:]),  # version 6 in an IPv4 frame
        _resum(bytearray([0x44]) + good[1:]),  # header length 16
        _resum(good[:2] + bytearray(b"\x00\x10") + good[4:]),  # total < header
        _resum(good[:2] + bytearray(b"\xff\xff") + good[4:]),  # total > frame
        _resum(good[:6] + bytearray(b"\x80\x00") + good[8:]),  # the reserved flag
        bytes(good[:10] + bytearray(b"\x00\x00") + good[12:]),  # a zeroed checksum
    )]


def icmp_option_abuse() -> list[bytes]:
    """The NCC audit's ICMPv4 option-pointer underflow (pointers below 4 and 5 that
    made the reply's slot offset negative), and full option areas, on the wire."""
    frames = []
    for pointer in (0, 1, 2, 3):
        raw = bytearray(_ping_packet(opt.RecordRoute(pointer=4, addresses=("0.0.0.0",)),
                                     opt.EndOfOptionList()))
        raw[22] = pointer
        frames.append(frame(_resum(raw)))
    for pointer in (0, 4):
        raw = bytearray(_ping_packet(opt.Timestamp(
            pointer=5, overflow=0, flag=opt.TimestampFlag.TIMESTAMPS_ONLY,
            entries=(opt.TimestampEntry(address=None, timestamp=0),))))
        raw[22] = pointer
        frames.append(frame(_resum(raw)))
    full = opt.RecordRoute(pointer=40, addresses=("198.51.100.9",) * 9)
    frames.append(frame(_ping_packet(full)))
    overflowing = opt.Timestamp(pointer=9, overflow=15,
                                flag=opt.TimestampFlag.TIMESTAMPS_ONLY,
                                entries=(opt.TimestampEntry(address=None, timestamp=1),))
    frames.append(frame(_ping_packet(overflowing)))
    return frames


def spoofed_sources() -> list[bytes]:
    """CVE-2023-7060: loopback, own, broadcast, multicast and unspecified sources."""
    return [echo4(sequence=1, source=source)
            for source in ("127.0.0.1", "127.1.2.3", DEVICE_IP, "255.255.255.255",
                           "224.0.0.1", "0.0.0.0", "192.0.2.255")]


def tcp_flag_abuse(port: int) -> list[bytes]:
    """CVE-2022-1841-style segments: flag combinations no peer sends, data on a SYN,
    and a reset or acknowledgement out of nowhere."""
    combinations = [("SYN", "FIN"), ("SYN", "RST"), ("FIN", "PSH", "URG"), (),
                    ("SYN", "ACK"), ("RST",), ("ACK",), ("FIN",), ("SYN", "FIN", "RST", "PSH",
                                                                  "ACK", "URG")]
    frames = []
    for index, flags in enumerate(combinations):
        segment = TcpSegment(source_port=41000 + index, destination_port=port,
                             sequence_number=1000 + index, acknowledgment_number=5,
                             flags=flags, window=1000,
                             payload=b"data on a strange segment" if index % 2 else b"")
        data = tcp.encode(segment, source=PEER_IP, destination=DEVICE_IP)
        frames.append(frame(datagram(ipv4.PROTOCOL_TCP, data)))
    return frames


def syn_flood(port: int, count: int = SYN_FLOOD) -> list[bytes]:
    """SYNs from many spoofed ports and addresses that never complete the handshake."""
    frames = []
    for index in range(count):
        source = f"192.0.2.{10 + index % 200}"
        segment = TcpSegment(source_port=20000 + index, destination_port=port,
                             sequence_number=index * 7919, flags=("SYN",), window=1000)
        data = tcp.encode(segment, source=source, destination=DEVICE_IP)
        frames.append(frame(datagram(ipv4.PROTOCOL_TCP, data, source=source)))
    return frames


def ipv4_fragments() -> list[bytes]:
    """Overlapping pieces, a piece ending past 65535 octets, a lone last piece, pieces
    that are not multiples of 8, and more datagrams begun than there are slots."""
    body = icmp.encode(IcmpEcho(type=icmp.ECHO_REQUEST, identifier=1, sequence=1,
                                payload=bytes(200)))

    def piece(identification: int, offset: int, data: bytes, more: bool) -> bytes:
        return frame(datagram(ipv4.PROTOCOL_ICMP, data, identification=identification,
                              fragment_offset=offset // 8, more_fragments=more))

    frames = [
        piece(100, 0, body[:96], True), piece(100, 64, body[64:], False),  # overlap
        piece(101, 0, body[:96], True), piece(101, 0, body[:96], True),  # duplicate
        piece(102, 65528, bytes(64), False),  # ends past 65535 octets
        piece(103, 0, body[:13], True),  # not a multiple of 8
        piece(104, 8, body[8:], False),  # a last piece whose first never comes
    ]
    frames += [piece(200 + index, 0, body[:96], True) for index in range(FRAGMENT_FLOOD)]
    return frames


def ipv6_fragments() -> list[bytes]:
    """The same abuse of IPv6's fragment header (RFC 5722, RFC 8200 §4.5)."""
    message = icmpv6.encode(icmpv6.echo_message(icmpv6.ECHO_REQUEST,
                                                icmpv6.Echo(9, 9, bytes(200))),
                            source=PEER_GLOBAL, destination=DEVICE_GLOBAL)

    def piece(identification: int, offset: int, data: bytes, more: bool) -> bytes:
        header = bytes((58, 0)) + ((offset & 0xFFF8) | more).to_bytes(2, "big") \
            + identification.to_bytes(4, "big")
        return frame6(Ipv6Packet(next_header=44, source=PEER_GLOBAL,
                                 destination=DEVICE_GLOBAL, payload=header + data),
                      source_mac=HOSTILE_MAC)

    frames = [
        piece(300, 0, message[:96], True), piece(300, 64, message[64:], False),
        piece(301, 65528, bytes(64), False),
        piece(302, 0, message[:13], True),
        piece(303, 8, message[8:], False),
    ]
    frames += [piece(400 + index, 0, message[:96], True) for index in range(FRAGMENT_FLOOD)]
    return frames


def arp_flood() -> list[bytes]:
    """Requests and unsolicited replies from hundreds of senders (the cache churns)."""
    return [*inject_frames.hostile_frames()[6:],
            *(arp_reply(sender_ip=f"198.51.100.{host}", sender_mac=f"02:00:00:00:05:{host:02x}")
              for host in range(1, ARP_FLOOD))]


def nd_flood() -> list[bytes]:
    """Solicitations from hundreds of global sources, each a would-be neighbour."""
    return [solicitation(source=f"2001:db8::{index + 0x1000:x}",
                         mac=f"02:00:00:00:06:{index % 256:02x}",
                         source_mac=f"02:00:00:00:06:{index % 256:02x}")
            for index in range(ARP_FLOOD)]


def hostile_sequences(port: int) -> dict[str, list[bytes]]:
    """Every sequence by name, in the order the replay sends them."""
    return {
        "ipv4-malformed-headers": malformed_ipv4_headers(),
        "icmp-option-pointers": icmp_option_abuse(),
        "cve-2023-7060-sources": spoofed_sources(),
        "ipv4-link-abuse": inject_frames.hostile_frames()[:6],
        "tcp-flag-abuse": tcp_flag_abuse(port),
        "syn-flood": syn_flood(port),
        "ipv4-fragments": ipv4_fragments(),
        "ipv6-hostile": inject_frames6.hostile_frames(),
        "ipv6-fragments": ipv6_fragments(),
        "arp-flood": arp_flood(),
        "nd-flood": nd_flood(),
    }
