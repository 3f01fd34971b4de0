"""The hostile session (tests/net/hostile_session.py) against a whole device, with no
link and no root: samples/net/udp_echo (overlay-hostile.conf) takes every hostile
sequence through `--net-replay`, runs on, keeps every bounded table within its limit,
answers ping, ping -6 and its UDP echo afterwards, and a second replay gives the same
trace byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_session import PORT, write
from netpeer import DEVICE_IP, PEER_IP
from netpeer6 import PEER_GLOBAL

from conftest import SAMPLES, Builder, levante
from levante.codecs import ethernet, icmp, icmpv6, ipv4, ipv6, udp
from levante.codecs.pcap import PcapRecord, read_pcap
from levante.config import load_board

APP = SAMPLES / "net" / "udp_echo"
OVERLAY = ("overlay-hostile.conf",)
# Sources the CVE-2023-7060 sequence spoofed: nothing may ever be sent to them.
SPOOFED = {"127.0.0.1", "127.1.2.3", DEVICE_IP, "255.255.255.255", "224.0.0.1", "0.0.0.0",
           "192.0.2.255"}


def sent_packets(capture: Path) -> list[ipv4.Ipv4Packet | ipv6.Ipv6Packet]:
    """The IP packets the device put on the link."""
    _, events = read_pcap(capture.read_bytes())
    packets: list[ipv4.Ipv4Packet | ipv6.Ipv6Packet] = []
    for event in events:
        if not isinstance(event, PcapRecord):
            continue
        frame = ethernet.decode(event.data)
        if frame.source != "00:00:5e:00:53:01":
            continue
        if frame.ethertype == ethernet.ETHERTYPE_IPV4:
            packets.append(ipv4.decode(frame.payload))
        elif frame.ethertype == ethernet.ETHERTYPE_IPV6:
            packets.append(ipv6.decode(frame.payload))
    return packets


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_device_survives_the_hostile_session_and_answers_afterwards(
        builder: Builder, board: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board, OVERLAY)
    session = tmp_path / "hostile.lvrec"
    write(session, load_board(board).clock_hz, 2000, None)
    runs = []
    for run in ("first", "second"):
        trace, capture = tmp_path / f"{run}.jsonl", tmp_path / f"{run}.pcap"
        result = levante("run", str(build_dir), "--net-replay", str(session), "--trace",
                         str(trace), "--pcap", str(capture), "--max-time", "320s")
        assert result.returncode == 0, result.stderr
        assert "not delivered" not in result.stderr  # every frame reached the device
        runs.append((result.stdout, trace.read_bytes(), capture))
    assert runs[0][:2] == runs[1][:2]  # deterministic: same output, same trace
    output, trace_bytes, capture = runs[0]
    assert output.splitlines()[-2:] == ["udp_echo: echoing UDP port 4242",
                                        f"udp_echo: 12 bytes from {PEER_IP}:40000"]
    [stats] = [json.loads(line) for line in trace_bytes.decode().splitlines()
               if '"net_stats"' in line]
    tables = stats["tables"]
    assert all(use["peak"] <= use["limit"] for use in tables.values()), tables
    # The floods pushed each table to its limit, and no further.
    for name in ("arp.entries", "arp.resolving", "ipv4.reassembly", "ipv6.neighbors",
                 "ipv6.reassembly"):
        assert tables[name]["peak"] == tables[name]["limit"], name
    counters = stats["counters"]
    assert counters["ipv4.drop.martian-address"] == 8
    assert counters["ipv4.drop.bad-options"] == 6
    assert counters["ipv4.drop.reassembly-full"] == 64
    assert counters["ipv6.drop.fragment-overlap"] == 2
    assert counters["arp.evicted"] >= 238 and counters["ndp.evicted"] >= 232
    # The SYN flood met no listener: each SYN was refused with a reset (the ones to
    # unresolvable spoofed senders never left: ARP's bounded resolution dropped them).
    assert counters["tcp.drop.closed-port"] >= 300
    packets = sent_packets(capture)
    assert not SPOOFED & {packet.destination for packet in packets}
    to_peer = [packet for packet in packets if packet.destination in (PEER_IP, PEER_GLOBAL)]
    echoes = [icmp.decode(packet.payload) for packet in to_peer
              if isinstance(packet, ipv4.Ipv4Packet)
              and packet.protocol == ipv4.PROTOCOL_ICMP]
    assert any(isinstance(echo, icmp.IcmpEcho) and echo.type == icmp.ECHO_REPLY
               and echo.sequence == 77 for echo in echoes)
    echoes6 = [icmpv6.decode(packet.payload, source=packet.source,
                             destination=packet.destination) for packet in to_peer
               if isinstance(packet, ipv6.Ipv6Packet)
               and packet.next_header == ipv6.NEXT_ICMPV6]
    assert any(message.type == icmpv6.ECHO_REPLY
               and icmpv6.decode_echo(message).sequence == 78 for message in echoes6)
    datagrams = [udp.decode(packet.payload, source=packet.source,
                            destination=packet.destination) for packet in to_peer
                 if isinstance(packet, ipv4.Ipv4Packet)
                 and packet.protocol == ipv4.PROTOCOL_UDP]
    assert [(datagram.source_port, datagram.payload) for datagram in datagrams
            if datagram.destination_port == 40000] == [(PORT, b"still there\n")]
