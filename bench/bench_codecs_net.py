"""(g) Network codecs: packets decoded per second by Levante vs scapy, side by side.

Each comparison decodes the same bytes with both: one header of the protocol and a raw
payload (ports and protocol numbers scapy binds to nothing, so it dissects one layer
too). Levante does more per packet, not less: it verifies the IPv4 header, ICMP, UDP and
TCP checksums (the last two over the pseudo-header), which scapy does not on dissection.
"""

from __future__ import annotations

from collections.abc import Callable

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import ARP, Ether

from bench.common import Result, best_time
from levante.codecs import arp, ethernet, icmp, ipv4, tcp, udp

TARGET = 5.0
LEVANTE_PACKETS = 20_000
SCAPY_PACKETS = 2_000
SOURCE, DESTINATION = "192.0.2.1", "192.0.2.2"
PAYLOAD = bytes(range(64))

VARIANTS = 256  # distinct packets per protocol, so no cache can answer from one


def ipv4_packets() -> list[bytes]:
    return [bytes(IP(src=SOURCE, dst=DESTINATION, proto=253, id=number) / PAYLOAD)
            for number in range(VARIANTS)]


def udp_datagrams() -> list[bytes]:
    return [bytes(IP(bytes(IP(src=SOURCE, dst=DESTINATION)
                           / UDP(sport=40000 + number, dport=40001) / PAYLOAD))[UDP])
            for number in range(VARIANTS)]


def tcp_segments() -> list[bytes]:
    return [bytes(IP(bytes(IP(src=SOURCE, dst=DESTINATION) / TCP(
        sport=40000, dport=40001, seq=number * 1000, flags="S",
        options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (number, 0)), ("NOP", None),
                 ("WScale", 7)]) / PAYLOAD))[TCP]) for number in range(VARIANTS)]


def icmp_messages() -> list[bytes]:
    return [bytes(ICMP(type=8, id=1, seq=number) / PAYLOAD) for number in range(VARIANTS)]


def ethernet_frames() -> list[bytes]:
    return [bytes(Ether(src="02:00:00:00:00:01", dst=f"02:00:00:00:01:{number:02x}",
                        type=0x88B5) / PAYLOAD) for number in range(VARIANTS)]


def arp_packets() -> list[bytes]:
    return [bytes(ARP(psrc=SOURCE, pdst=f"192.0.2.{number}")) for number in range(VARIANTS)]


def packets_per_second(decode: Callable[[bytes], object], packets: list[bytes],
                       count: int) -> float:
    batch = (packets * (count // len(packets) + 1))[:count]

    def loop() -> None:
        for data in batch:
            decode(data)

    return count / best_time(loop)


def compare(name: str, levante: Callable[[bytes], object], scapy: Callable[[bytes], object],
            packets: list[bytes]) -> Result:
    for data in packets[:4]:  # both must really decode these bytes before being timed
        levante(data)
        scapy(data)
    ours = packets_per_second(levante, packets, LEVANTE_PACKETS)
    theirs = packets_per_second(scapy, packets, SCAPY_PACKETS)
    return Result(
        name, ours / theirs, TARGET, True,
        f"{len(packets[0])}-byte packets: Levante {ours:,.0f}/s vs scapy {theirs:,.0f}/s",
    )


def run_ethernet() -> Result:
    return compare("ethernet_decode_vs_scapy", ethernet.decode, Ether, ethernet_frames())


def run_arp() -> Result:
    return compare("arp_decode_vs_scapy", arp.decode, ARP, arp_packets())


def run_ipv4() -> Result:
    return compare("ipv4_decode_vs_scapy", ipv4.decode, IP, ipv4_packets())


def run_icmp() -> Result:
    return compare("icmp_decode_vs_scapy", icmp.decode, ICMP, icmp_messages())


def run_udp() -> Result:
    def verified(data: bytes) -> object:
        return udp.decode(data, source=SOURCE, destination=DESTINATION)

    return compare("udp_decode_vs_scapy", verified, UDP, udp_datagrams())


def run_tcp() -> Result:
    def verified(data: bytes) -> object:
        return tcp.decode(data, source=SOURCE, destination=DESTINATION)

    return compare("tcp_decode_vs_scapy", verified, TCP, tcp_segments())


BENCHMARKS = (run_ethernet, run_arp, run_ipv4, run_icmp, run_udp, run_tcp)


if __name__ == "__main__":
    for benchmark in BENCHMARKS:
        result = benchmark()
        print(f"{result.name}: {result.details}")
        print(result.line())
