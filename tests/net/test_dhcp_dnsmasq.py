"""End to end against a real DHCP server: tests/target/net_dhcp gets a lease from
dnsmasq over a TAP device at boot and answers Linux `ping` at the leased address (root)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dnsmasq_peer import POOL, TAP, dnsmasq_link, needs_dnsmasq

from conftest import TARGET_TESTS, Builder
from levante.codecs import dhcpv4, ethernet, ipv4, udp
from levante.codecs.pcap import PcapRecord, read_pcap

APP = TARGET_TESTS / "net_dhcp"
DEVICE_MAC = "00:00:5e:00:53:01"


def dhcp_messages(capture: Path) -> list[tuple[str, dhcpv4.MessageType | None]]:
    """(sender MAC, message type) of the DHCP messages in the capture, in order."""
    _, events = read_pcap(capture.read_bytes())
    found = []
    for event in events:
        if not isinstance(event, PcapRecord):
            continue
        frame = ethernet.decode(event.data)
        if frame.ethertype != ethernet.ETHERTYPE_IPV4:
            continue
        packet = ipv4.decode(frame.payload)
        if packet.protocol != ipv4.PROTOCOL_UDP:
            continue
        datagram = udp.decode(packet.payload)
        if {datagram.source_port, datagram.destination_port} == {67, 68}:
            found.append((frame.source, dhcpv4.decode(datagram.payload).message_type))
    return found


@needs_dnsmasq
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_device_gets_a_lease_and_answers_ping_there(builder: Builder, board: str,
                                                         tmp_path: Path) -> None:
    build_dir = builder.build(APP, board)
    capture = tmp_path / "dhcp.pcap"
    with dnsmasq_link(board.replace("_", ""), tmp_path) as link:
        device = subprocess.Popen(
            ["ip", "netns", "exec", link.namespace, sys.executable, "-m", "levante.cli",
             "run", str(build_dir), "--net", f"tap:{TAP}", "--pcap", str(capture),
             "--max-time", "15s"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            ping = None
            for _ in range(30):  # until the lease is written (1..2 s of initial delay)
                leased = link.leased()
                if leased:
                    ping = link.run("ping", "-c", "2", "-w", "8", leased[0][1])
                    break
                subprocess.run(["sleep", "0.3"], check=True)
            output, errors = device.communicate(timeout=60)
        finally:
            if device.poll() is None:
                device.kill()
                device.wait()
    assert device.returncode == 0, errors
    assert "dhcp device ready" in output
    (mac, address), = leased
    assert mac == DEVICE_MAC and POOL[0] <= address <= POOL[1]
    assert ping is not None and " 2 received" in ping.stdout, ping.stdout
    kinds = [kind for _, kind in dhcp_messages(capture)]
    assert kinds == [dhcpv4.MessageType.DISCOVER, dhcpv4.MessageType.OFFER,
                     dhcpv4.MessageType.REQUEST, dhcpv4.MessageType.ACK]
