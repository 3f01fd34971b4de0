"""End to end over a real TAP device with IPv6: Linux `ping -6` in a network namespace
gets replies from samples/net/ping_target's link-local and static global addresses,
while Linux's own Neighbor Discovery and MLD traffic (its router solicitations, DAD
probes and reports at link-up) leaves the device undisturbed. Needs root: the test
creates the namespace and the TAP device, uses only 2001:db8::/32 and link-local
addresses, and deletes the namespace whatever happens."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace

from conftest import SAMPLES, Builder
from levante.codecs import ethernet, icmpv6, ipv6, ndp
from levante.codecs.ipv6_extensions import parse_chain
from levante.codecs.pcap import PcapRecord, read_pcap

APP = SAMPLES / "net" / "ping_target"
TAP = "lv6tap0"
DEVICE_MAC = "00:00:5e:00:53:01"
DEVICE_LINK_LOCAL = "fe80::200:5eff:fe00:5301"
DEVICE_GLOBAL = "2001:db8::1"
HOST_GLOBAL = "2001:db8::2"

needs_root = needs_root_with()


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A network namespace holding an up TAP device, the host's side at HOST_GLOBAL
    (with Linux's own DAD, so its link-up traffic reaches the device)."""
    with tap_namespace("lv6ping", request.node.nodeid, TAP,
                       (f"{HOST_GLOBAL}/64",), linux_dad=True) as name:
        yield name


def wait_for_linux_dad(namespace: str) -> None:
    """Until Linux's own addresses passed its DAD, which starts when the device opens
    the TAP device (the carrier comes up); ping cannot use a tentative address."""
    for _ in range(300):
        tentative = subprocess.run(["ip", "netns", "exec", namespace, "ip", "-6", "addr",
                                    "show", "dev", TAP, "tentative"], capture_output=True,
                                   text=True, timeout=30, check=True).stdout
        if not tentative.strip():
            return
        time.sleep(0.1)


def ping6(namespace: str, address: str, count: int) -> subprocess.CompletedProcess[str]:
    # -w: keep asking until `count` replies came, the device's boot and DAD included.
    return subprocess.run(["ip", "netns", "exec", namespace, "ping", "-6", "-c", str(count),
                           "-w", "60", "-i", "0.5", address],
                          capture_output=True, text=True, timeout=120, check=False)


def device_packets(capture: Path) -> list[ipv6.Ipv6Packet]:
    _, events = read_pcap(capture.read_bytes())
    packets = []
    for event in events:
        if not isinstance(event, PcapRecord):
            continue
        frame = ethernet.decode(event.data)
        if frame.source == DEVICE_MAC and frame.ethertype == ethernet.ETHERTYPE_IPV6:
            packets.append(ipv6.decode(frame.payload))
    return packets


def icmp_of(packet: ipv6.Ipv6Packet) -> icmpv6.Icmpv6Message:
    chain = parse_chain(packet, destination_is_multicast=packet.destination[:2] == "ff")
    return icmpv6.decode(chain.upper_data(packet), source=packet.source,
                         destination=packet.destination)


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_linux_ping6_gets_replies_from_both_device_addresses(builder: Builder, board: str,
                                                             namespace: str,
                                                             tmp_path: Path) -> None:
    build_dir = builder.build(APP, board)
    capture = tmp_path / "ping6.pcap"
    trace = tmp_path / "ping6.jsonl"
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--pcap", str(capture), "--trace",
         str(trace)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_linux_dad(namespace)
        link_local = ping6(namespace, f"{DEVICE_LINK_LOCAL}%{TAP}", 3)
        global_address = ping6(namespace, DEVICE_GLOBAL, 3)
        all_nodes = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-6", "-c",
                                    "1", "-w", "10", f"ff02::1%{TAP}"], capture_output=True,
                                   text=True, timeout=60, check=False)
        device.send_signal(signal.SIGINT)
        output, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert link_local.returncode == 0, link_local.stdout + link_local.stderr + errors
    assert " 3 received" in link_local.stdout
    assert global_address.returncode == 0, global_address.stdout + errors
    assert " 3 received" in global_address.stdout
    assert f"from {DEVICE_LINK_LOCAL}" in all_nodes.stdout, all_nodes.stdout
    assert f"ping target {DEVICE_GLOBAL}, peer {HOST_GLOBAL}" in output
    assert device.returncode == 130, errors
    packets = device_packets(capture)
    replies = {(packet.source, packet.destination) for packet in packets
               if packet.next_header == ipv6.NEXT_ICMPV6
               and icmp_of(packet).type == icmpv6.ECHO_REPLY}
    assert (DEVICE_GLOBAL, HOST_GLOBAL) in replies
    assert any(source == DEVICE_LINK_LOCAL for source, _ in replies)
    # Each address went through DAD, and MLD reported its groups.
    probes = [ndp.decode(icmp_of(packet)).target for packet in packets  # type: ignore[union-attr]
              if packet.source == "::" and packet.next_header == ipv6.NEXT_ICMPV6
              and icmp_of(packet).type == icmpv6.NEIGHBOR_SOLICITATION]
    assert probes == [DEVICE_LINK_LOCAL, DEVICE_GLOBAL]
    assert any(packet.destination == "ff02::16" for packet in packets)
    # Linux's own ND and MLD traffic did not disturb the device: no address was lost,
    # nothing it sent was malformed to the stack.
    [stats] = [json.loads(line) for line in trace.read_text().splitlines()
               if '"net_stats"' in line]
    counters = stats["counters"]
    assert counters.get("ipv6.dad_failed", 0) == 0
    assert counters["ipv6.address_assigned"] == 2
    assert not [name for name in counters
                if name.startswith(("ipv6.drop.", "icmpv6.drop.", "ndp.drop.bad", "mld.drop."))
                and name not in ("ipv6.drop.tentative-destination",)], counters


@needs_root
@pytest.mark.parametrize("board", ["lv_m33"])
def test_large_ping6_is_reassembled_and_answered_in_fragments(
        builder: Builder, board: str, namespace: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board, ("overlay-fragments.conf",))
    capture = tmp_path / "large6.pcap"
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--pcap", str(capture)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_linux_dad(namespace)
        ping = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-6", "-c", "2",
                               "-w", "60", "-i", "0.5", "-s", "4000", DEVICE_GLOBAL],
                              capture_output=True, text=True, timeout=120, check=False)
        device.send_signal(signal.SIGINT)
        _, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert ping.returncode == 0 and " 2 received" in ping.stdout, ping.stdout + errors
    assert f"4008 bytes from {DEVICE_GLOBAL}" in ping.stdout
    fragments_sent = [packet for packet in device_packets(capture)
                      if packet.next_header == ipv6.NEXT_FRAGMENT]
    assert len(fragments_sent) >= 2 * 3  # each 4008-octet reply in three fragments


@needs_root
@pytest.mark.parametrize("board", ["lv_m4"])
def test_hostile_ipv6_frames_on_the_link_leave_the_device_answering(
        builder: Builder, board: str, namespace: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board)
    capture = tmp_path / "hostile6.pcap"
    trace = tmp_path / "hostile6.jsonl"
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--pcap", str(capture), "--trace",
         str(trace)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_linux_dad(namespace)
        first = ping6(namespace, DEVICE_GLOBAL, 1)
        subprocess.run(["ip", "netns", "exec", namespace, sys.executable,
                        str(Path(__file__).with_name("inject_frames6.py")), TAP],
                       check=True, timeout=60, capture_output=True,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        after = ping6(namespace, DEVICE_GLOBAL, 2)
        device.send_signal(signal.SIGINT)
        _, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert first.returncode == 0, first.stdout + errors
    assert after.returncode == 0 and " 2 received" in after.stdout, after.stdout + errors
    # Nothing went to a spoofed source: only the host, the flood's solicitors (each
    # answered once) and groups.
    destinations = [packet.destination for packet in device_packets(capture)]
    assert not {"::1", DEVICE_GLOBAL, DEVICE_LINK_LOCAL} & set(destinations)
    flood_answers = [address for address in destinations if address.startswith("2001:db8::1")
                     and address != "2001:db8::1"]
    assert len(flood_answers) <= 200
    [stats] = [json.loads(line) for line in trace.read_text().splitlines()
               if '"net_stats"' in line]
    counters = stats["counters"]
    assert counters["ipv6.drop.loopback-address"] == 1
    assert counters["ipv6.drop.own-source"] == 2
    assert counters["ipv6.drop.multicast-source"] == 1
    assert counters["icmpv6.drop.bad-checksum"] == 1
    assert counters["ipv6.drop.malformed"] == 1
    assert counters["ndp.drop.hop-limit-not-255"] == 1
    assert counters["ndp.drop.address-conflict"] == 1
    assert counters["icmpv6.drop.unknown-type"] == 1
    assert counters["ipv6.drop.fragment"] == 2
    assert counters["ndp.evicted"] >= 200 - 8  # the cache churned, never grew
    assert counters.get("ipv6.dad_failed", 0) == 0
