"""`levante decode`: one JSON object per packet, errors as objects, exit statuses 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import ARP, Ether

from levante.cli import main
from levante.codecs.pcap import write_pcap

HOST, PEER = "192.0.2.2", "198.51.100.7"
UDP_PACKET = bytes(IP(src=PEER, dst=HOST) / UDP(sport=40000, dport=9999) / b"hi")
COAP_GET = bytes.fromhex("400104d2b474656d70")  # CON GET, message ID 1234, Uri-Path "temp"
MQTT_PINGREQ = bytes.fromhex("c000")
MQTT_PUBLISH = bytes.fromhex("300700037426786869")  # QoS 0, topic "t&x", payload "hi"


def run(*arguments: str) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(main, ["decode", *arguments])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, lines, result.stderr


def ether(packet: Any) -> bytes:
    return bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / packet)


def capture(tmp_path: Path, *frames: bytes) -> str:
    path = tmp_path / "capture.pcap"
    path.write_bytes(write_pcap((1_700_000_000, number, frame)
                                for number, frame in enumerate(frames)))
    return str(path)


def test_decodes_hex_to_one_json_object() -> None:
    status, lines, _ = run("ipv4", UDP_PACKET.hex())
    assert status == 0
    assert lines[0]["source"] == PEER and lines[0]["protocol"] == 17
    assert lines[0]["payload"] == UDP_PACKET[20:].hex()


def test_hex_may_be_spaced_or_colon_separated() -> None:
    spaced = " ".join(f"{byte:02x}" for byte in UDP_PACKET[20:])
    status, lines, _ = run("udp", *spaced.split(" ")[:4], ":".join(spaced.split(" ")[4:]))
    assert status == 0 and lines[0]["destination_port"] == 9999


def test_a_malformed_packet_is_an_error_object_and_status_1() -> None:
    corrupted = bytearray(UDP_PACKET)
    corrupted[8] ^= 1
    status, lines, _ = run("ipv4", corrupted.hex())
    assert status == 1
    assert lines == [{"error": {"layer": "ipv4",
                                "message": lines[0]["error"]["message"]}}]
    assert "checksum" in lines[0]["error"]["message"]


def test_reads_raw_bytes_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "arp.bin"
    path.write_bytes(bytes(ARP(psrc=PEER, pdst=HOST)))
    status, lines, _ = run("arp", "--file", str(path))
    assert status == 0 and lines[0]["operation"] == "REQUEST" and lines[0]["target_ip"] == HOST


@pytest.mark.parametrize("arguments, problem", [
    (["ipv4"], "exactly one of"),
    (["ipv4", "4500", "--file", "x"], "exactly one of"),
    (["ipv4", "4g"], "pairs of hexadecimal"),
    (["ipv4", "--file", "/nonexistent/packet.bin"], "cannot read"),
    (["ipv4", "--pcap", "/nonexistent/capture.pcap"], "cannot read"),
    (["sctp", "00"], "sctp"),
])
def test_usage_errors_are_one_line_and_status_2(arguments: list[str], problem: str) -> None:
    status, lines, errors = run(*arguments)
    assert status == 2 and lines == []
    assert errors.count("\n") == 1 and problem in errors and "Traceback" not in errors


def test_pcap_frames_are_decoded_through_their_layers(tmp_path: Path) -> None:
    frames = (ether(IP(src=PEER, dst=HOST) / UDP(sport=40000, dport=9999) / b"hi"),
              ether(ARP(psrc=PEER, pdst=HOST)),
              ether(IP(src=PEER, dst=HOST) / ICMP(id=1, seq=2) / b"ping"),
              ether(IP(src=PEER, dst=HOST) / TCP(sport=40000, dport=80, flags="S")))
    status, lines, _ = run("ethernet", "--pcap", capture(tmp_path, *frames))
    assert status == 0
    assert [line["frame"] for line in lines] == [1, 2, 3, 4]
    assert [list(line)[3:] for line in lines] == [
        ["ethernet", "ipv4", "udp"], ["ethernet", "arp"], ["ethernet", "ipv4", "icmp"],
        ["ethernet", "ipv4", "tcp"]]
    assert lines[0]["time"] == "1700000000.000000" and lines[0]["udp"]["payload"] == "6869"
    assert "payload" not in lines[0]["ethernet"] and "payload" not in lines[0]["ipv4"]
    assert lines[2]["icmp"]["identifier"] == 1 and lines[3]["tcp"]["flags"] == ["SYN"]


def test_ipv6_frames_are_decoded_through_icmpv6_ndp_mld_and_udp(tmp_path: Path) -> None:
    from scapy.layers.inet6 import (
        UDP as UDP6,
    )
    from scapy.layers.inet6 import (
        ICMPv6EchoRequest,
        ICMPv6MLQuery2,
        ICMPv6ND_NS,
        ICMPv6NDOptSrcLLAddr,
        IPv6,
        IPv6ExtHdrHopByHop,
        RouterAlert,
    )
    frames = (
        ether(IPv6(src="2001:db8::2", dst="2001:db8::1") / ICMPv6EchoRequest(id=5, seq=6)),
        ether(IPv6(src="fe80::2", dst="ff02::1:ff00:1", hlim=255)
              / ICMPv6ND_NS(tgt="2001:db8::1") / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:02")),
        ether(IPv6(src="fe80::1", dst="ff02::1", hlim=1)
              / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / ICMPv6MLQuery2()),
        ether(IPv6(src="2001:db8::2", dst="2001:db8::1") / UDP6(sport=1, dport=2) / b"hi"))
    status, lines, _ = run("ipv6", "--pcap", capture(tmp_path, *frames))
    assert status == 0
    assert [list(line)[3:] for line in lines] == [
        ["ethernet", "ipv6", "icmpv6", "echo"], ["ethernet", "ipv6", "icmpv6", "ndp"],
        ["ethernet", "ipv6", "icmpv6", "mld"], ["ethernet", "ipv6", "udp"]]
    assert lines[0]["echo"]["identifier"] == 5 and lines[1]["ndp"]["target"] == "2001:db8::1"
    assert lines[2]["mld"]["version"] == 2 and lines[3]["udp"]["payload"] == "6869"


def test_proto_selects_frames_but_errors_are_always_shown(tmp_path: Path) -> None:
    bad_checksum = bytearray(ether(IP(src=PEER, dst=HOST) / UDP(dport=9999) / b"x"))
    bad_checksum[-1] ^= 0xFF  # the UDP payload changes, its checksum does not
    frames = (ether(ARP()), ether(IP(src=PEER, dst=HOST) / TCP()), bytes(bad_checksum),
              ether(IP(src=PEER, dst=HOST) / UDP(dport=9999) / b"ok"))
    status, lines, _ = run("udp", "--pcap", capture(tmp_path, *frames))
    assert status == 1
    assert [line["frame"] for line in lines] == [3, 4]
    assert lines[0]["error"]["layer"] == "udp" and "checksum" in lines[0]["error"]["message"]
    assert lines[0]["ipv4"]["payload"]  # the undecodable layer's bytes are still shown


def test_pcap_fragments_stop_at_the_ipv4_layer(tmp_path: Path) -> None:
    fragment = ether(IP(src=PEER, dst=HOST, flags="MF", proto=17) / (b"\x00" * 16))
    status, lines, _ = run("ipv4", "--pcap", capture(tmp_path, fragment))
    assert status == 0
    assert lines[0]["ipv4"]["more_fragments"] is True and "udp" not in lines[0]


def test_pcap_truncated_record_and_bad_link_type(tmp_path: Path) -> None:
    path = Path(capture(tmp_path, ether(ARP()), ether(ARP())))
    path.write_bytes(path.read_bytes()[:-3])
    status, lines, _ = run("arp", "--pcap", str(path))
    assert status == 1 and lines[0]["frame"] == 1 and "arp" in lines[0]
    assert lines[1]["frame"] == 2 and lines[1]["error"]["layer"] == "pcap"
    raw = bytearray(path.read_bytes())
    raw[20:24] = (113).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    status, lines, _ = run("arp", "--pcap", str(path))
    assert status == 1 and "LINUX_SLL" in lines[0]["error"]["message"]


def test_coap_on_udp_5683_is_decoded(tmp_path: Path) -> None:
    frame = ether(IP(src=PEER, dst=HOST) / UDP(sport=40000, dport=5683) / COAP_GET)
    status, lines, _ = run("coap", "--pcap", capture(tmp_path, frame))
    assert status == 0 and "coap" in lines[0] and "payload" not in lines[0]["udp"]
    assert lines[0]["coap"]["code"] == "0.01 GET"


def test_dhcp_and_dns_in_a_capture_are_decoded(tmp_path: Path) -> None:
    from scapy.layers.dhcp import BOOTP, DHCP
    from scapy.layers.dns import DNS, DNSQR

    discover = ether(IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67)
                     / BOOTP(chaddr=bytes(6), xid=9) / DHCP(options=[("message-type",
                                                                       "discover"), "end"]))
    query = ether(IP(src=PEER, dst=HOST) / UDP(sport=40000, dport=53)
                  / DNS(id=5, rd=1, qd=DNSQR(qname="localhost")))
    status, lines, _ = run("dhcpv4", "--pcap", capture(tmp_path, discover, query))
    assert status == 0 and len(lines) == 1
    assert lines[0]["dhcpv4"]["message_type"] == "DISCOVER"
    assert lines[0]["dhcpv4"]["transaction_id"] == 9
    status, lines, _ = run("dns", "--pcap", capture(tmp_path, discover, query))
    assert status == 0 and lines[0]["dns"]["questions"][0]["name"] == "localhost"
    status, lines, _ = run("dns", bytes(DNS(id=5, qd=DNSQR(qname="a.example"))).hex())
    assert status == 0 and lines[0]["identifier"] == 5


def test_coap_is_shown_with_the_registries_names_and_formats() -> None:
    status, lines, _ = run("coap", COAP_GET.hex())
    assert status == 0
    assert lines[0] == {"type": "CONFIRMABLE", "code": "0.01 GET", "message_id": 1234,
                        "token": "", "payload": "",
                        "options": [{"number": 11, "name": "Uri-Path", "value": "temp"}]}
    # 2.05 Content, text/plain (Content-Format 0), Max-Age 60, Block2 num 2 more size 64,
    # an unregistered elective option 65000: the payload shows as text.
    response = bytes.fromhex("6445") + (1234).to_bytes(2, "big") + bytes.fromhex(
        "00aabbcc" "c0" "213c" "9122" "e1fcc401" "ff") + b"23.5 C"
    status, lines, _ = run("coap", response.hex())
    assert status == 0
    coap = lines[0]
    assert coap["code"] == "2.05 Content" and coap["payload"] == "23.5 C"
    assert coap["options"] == [
        {"number": 12, "name": "Content-Format",
         "value": {"number": 0, "name": "text/plain;charset=utf-8"}},
        {"number": 14, "name": "Max-Age", "value": 60},
        {"number": 23, "name": "Block2", "value": {"num": 2, "more": False, "size": 64}},
        {"number": 65000, "name": "unregistered option 65000", "value": "01"},
    ]


def test_an_unassigned_code_is_shown_as_class_and_detail_only() -> None:
    status, lines, _ = run("coap", "40e704d2")
    assert status == 0 and lines[0]["code"] == "7.07"


def mqtt_segment(sequence: int, payload: bytes, flags: str = "PA") -> bytes:
    return ether(IP(src=PEER, dst=HOST) / TCP(sport=40000, dport=1883, seq=sequence,
                                              flags=flags) / payload)


def test_mqtt_is_followed_across_segments_per_flow_direction(tmp_path: Path) -> None:
    stream = MQTT_PUBLISH + MQTT_PINGREQ
    frames = (mqtt_segment(99, b"", flags="S"),
              mqtt_segment(100, stream[:4]),    # half a PUBLISH: nothing yet
              mqtt_segment(104, stream[4:]),    # the rest of it, and a PINGREQ
              mqtt_segment(104, stream[4:]))    # a retransmission: nothing new
    status, lines, _ = run("mqtt", "--pcap", capture(tmp_path, *frames))
    assert status == 0
    assert [(line["frame"], len(line["mqtt"])) for line in lines] == [(3, 2)]


def test_mqtt_carried_by_the_syn_itself_is_decoded_whole(tmp_path: Path) -> None:
    """RFC 7413 (TCP Fast Open): the SYN's data starts one after its sequence number,
    which the SYN itself occupies; no byte of the PUBLISH is lost."""
    frames = (mqtt_segment(99, MQTT_PUBLISH, flags="S"), mqtt_segment(109, MQTT_PINGREQ))
    status, lines, _ = run("mqtt", "--pcap", capture(tmp_path, *frames))
    assert status == 0
    assert [[packet["packet_type"] for packet in line["mqtt"]] for line in lines] == [
        ["PUBLISH"], ["PINGREQ"]]


def test_mqtt_gap_in_a_captured_stream_is_an_error(tmp_path: Path) -> None:
    frames = (mqtt_segment(99, b"", flags="S"), mqtt_segment(110, MQTT_PINGREQ))
    status, lines, _ = run("mqtt", "--pcap", capture(tmp_path, *frames))
    assert status == 1
    assert lines[0]["frame"] == 2 and "missing from the capture" in lines[0]["error"]["message"]


def test_mqtt_bytes_are_a_stream_and_leftovers_are_reported() -> None:
    status, lines, _ = run("mqtt", (MQTT_PINGREQ + MQTT_PUBLISH).hex())
    assert status == 0 and len(lines) == 2
    status, lines, _ = run("mqtt", (MQTT_PINGREQ + MQTT_PUBLISH[:5]).hex())
    assert status == 1 and len(lines) == 2
    assert lines[1] == {"offset": 2, "error": {
        "layer": "mqtt", "message": "incomplete packet: 5 bytes left over"}}


def test_the_installed_command_prints_json_lines() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "levante.cli", "decode", "udp", UDP_PACKET[20:].hex()],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["source_port"] == 40000
