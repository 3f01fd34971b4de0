"""End to end over a real TAP device: Linux `ping` in a network namespace gets replies
from samples/net/ping_target, and the capture holds the exchange with simulated
timestamps. Needs root (CI runs as root): the test creates the namespace and the TAP
device inside it, uses only 192.0.2.0/24, and deletes the namespace whatever happens."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace

from conftest import SAMPLES, Builder, levante
from levante.codecs import ethernet, icmp, ipv4
from levante.codecs.pcap import PcapRecord, read_pcap

APP = SAMPLES / "net" / "ping_target"
TAP = "lvtap0"
DEVICE_IP = "192.0.2.1"
HOST_IP = "192.0.2.2"

needs_root = needs_root_with()


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A network namespace holding an up TAP device with the host's side at HOST_IP."""
    with tap_namespace("lvping", request.node.nodeid, TAP,
                       (f"{HOST_IP}/24",)) as name:
        yield name


def frames(path: Path) -> list[tuple[float, ethernet.EthernetFrame]]:
    _, events = read_pcap(path.read_bytes())
    return [(event.seconds + event.fraction / 1e9, ethernet.decode(event.data))
            for event in events if isinstance(event, PcapRecord)]


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_linux_ping_gets_replies_from_the_device(builder: Builder, board: str,
                                                 namespace: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board)
    capture = tmp_path / "ping.pcap"
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--pcap", str(capture)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # -w: keep asking (once a second) until 3 replies came, the device's boot included.
        ping = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-c", "3", "-w",
                               "60", "-i", "0.5", DEVICE_IP],
                              capture_output=True, text=True, timeout=120, check=False)
        device.send_signal(signal.SIGINT)
        output, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert ping.returncode == 0, ping.stdout + ping.stderr + errors
    assert " 3 received" in ping.stdout
    assert f"ping target {DEVICE_IP} on {board}" in output
    assert device.returncode == 130, errors  # ended by Ctrl-C, as a user would
    captured = frames(capture)
    # The device's first frame is its announcement, at power-on.
    stamp, announcement = next((stamp, frame) for stamp, frame in captured
                               if frame.source == "00:00:5e:00:53:01")
    assert stamp == 0.0
    assert announcement.ethertype == ethernet.ETHERTYPE_ARP
    assert announcement.destination == "ff:ff:ff:ff:ff:ff"
    replies = []
    for stamp, frame in captured:
        if frame.ethertype != ethernet.ETHERTYPE_IPV4:
            continue
        packet = ipv4.decode(frame.payload)
        if packet.protocol == ipv4.PROTOCOL_ICMP and packet.source == DEVICE_IP:
            message = icmp.decode(packet.payload)
            assert isinstance(message, icmp.IcmpEcho) and message.type == icmp.ECHO_REPLY
            replies.append(stamp)
    assert len(replies) >= 3
    stamps = [stamp for stamp, _ in captured]
    assert stamps == sorted(stamps)  # simulated time only moves forward


@needs_root
@pytest.mark.parametrize("board", ["lv_m4"])
def test_hostile_frames_on_the_link_leave_the_device_answering(
        builder: Builder, board: str, namespace: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board)
    capture = tmp_path / "hostile.pcap"
    trace = tmp_path / "hostile.jsonl"
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--pcap", str(capture), "--trace",
         str(trace)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-c", "1", "-w",
                                "60", DEVICE_IP], capture_output=True, text=True,
                               timeout=120, check=False)
        subprocess.run(["ip", "netns", "exec", namespace, sys.executable,
                        str(Path(__file__).with_name("inject_frames.py")), TAP],
                       check=True, timeout=60, capture_output=True)
        after = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-c", "2", "-w",
                                "30", "-i", "0.5", DEVICE_IP], capture_output=True,
                               text=True, timeout=60, check=False)
        device.send_signal(signal.SIGINT)
        _, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert first.returncode == 0, first.stdout + errors
    assert after.returncode == 0 and " 2 received" in after.stdout, after.stdout + errors
    sent_by_device = [frame for _, frame in frames(capture)
                      if frame.source == "00:00:5e:00:53:01"]
    destinations = [ipv4.decode(frame.payload).destination for frame in sent_by_device
                    if frame.ethertype == ethernet.ETHERTYPE_IPV4]
    # Only the host's real pings were answered: nothing went to a spoofed source.
    assert set(destinations) == {HOST_IP}
    assert len(destinations) >= 3
    # The flood's requests asked for 192.0.2.1: each got its reply, nothing more.
    arp_replies = [frame for frame in sent_by_device
                   if frame.ethertype == ethernet.ETHERTYPE_ARP]
    assert len(arp_replies) <= 240 + 3
    # Every hostile frame was counted where it was refused, and the cache stayed bounded.
    [stats] = [json.loads(line) for line in trace.read_text().splitlines()
               if '"net_stats"' in line]
    counters = stats["counters"]
    assert counters["ipv4.drop.martian-address"] == 2
    assert counters["ipv4.drop.bad-checksum"] == 2  # the cut header, padded by the link
    assert counters["ipv4.drop.malformed"] == 1
    assert counters["ipv4.drop.fragment"] == 1
    assert counters["arp.evicted"] >= 238


@needs_root
@pytest.mark.parametrize("board", ["lv_m33"])
def test_large_pings_are_reassembled_and_answered_in_fragments(
        builder: Builder, board: str, namespace: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board, ("overlay-fragments.conf",))
    capture = tmp_path / "large.pcap"
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--pcap", str(capture)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ping = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-c", "2", "-w",
                               "60", "-i", "0.5", "-s", "4000", DEVICE_IP],
                              capture_output=True, text=True, timeout=120, check=False)
        device.send_signal(signal.SIGINT)
        _, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert ping.returncode == 0 and " 2 received" in ping.stdout, ping.stdout + errors
    assert "4008 bytes from 192.0.2.1" in ping.stdout
    fragments_sent = [frame for _, frame in frames(capture)
                      if frame.source == "00:00:5e:00:53:01"
                      and frame.ethertype == ethernet.ETHERTYPE_IPV4
                      and ipv4.decode(frame.payload).is_fragment]
    assert len(fragments_sent) >= 2 * 3  # each 4008-octet reply in three fragments


def test_a_link_that_is_not_there_is_one_line_with_status_2(builder: Builder) -> None:
    build_dir = builder.build(APP)
    result = levante("run", str(build_dir), "--net", "tap:lvnosuchtap")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "levante: error: --net tap:lvnosuchtap: no network device 'lvnosuchtap' "
        "(create it with `ip tuntap add dev lvnosuchtap mode tap`)"]


@pytest.mark.parametrize(("options", "message"), [
    (("--net", "eth0"), "--net 'eth0': unknown link (use user, tap:NAME or switch:PATH)"),
    (("--net", "tap:"), "--net 'tap:': the device name is empty"),
    (("--net", "tap:averyveryverylongname"),
     "--net 'tap:averyveryverylongname': 'averyveryverylongname' is longer than 15 "
     "characters"),
    (("--net", "tap:a/b"), "--net 'tap:a/b': 'a/b' is not a valid network device name"),
    (("--net", "switch:"), "--net 'switch:': the switch's socket path is empty"),
    (("--net", "tap:lv0", "--forward", "udp:5000:7"),
     "--forward: only the user-mode link (--net user) forwards ports"),
    (("--forward", "tcp:8080:0"), "--forward 'tcp:8080:0': '0' is not a port (1..65535)"),
    (("--forward", "sctp:1:2"), "--forward 'sctp:1:2': use udp:HOSTPORT:DEVPORT or "
     "tcp:HOSTPORT:DEVPORT"),
    (("--forward", "tcp:5000:1", "--forward", "tcp:5000:2"),
     "--forward: tcp host port 5000 is forwarded twice"),
    (("--forward", "udp:0:80"), "--forward 'udp:0:80': '0' is not a port (1..65535)"),
    (("--forward", "udp:80"), "--forward 'udp:80': use udp:HOSTPORT:DEVPORT or "
     "tcp:HOSTPORT:DEVPORT"),
    (("--forward", "udp:5000:1", "--forward", "udp:5000:2"),
     "--forward: udp host port 5000 is forwarded twice"),
    (("--net-replay", "x.rec", "--net", "user"),
     "--net-replay: a replay has no link, so no --net"),
    (("--net-replay", "lvnosuch.rec"),
     "--net-replay: cannot read lvnosuch.rec: No such file or directory"),
])
def test_bad_network_options_are_one_line_with_status_2(builder: Builder,
                                                        options: tuple[str, ...],
                                                        message: str) -> None:
    result = levante("run", str(builder.build(APP)), *options)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"levante: error: {message}"]


def test_a_build_without_networking_refuses_net(builder: Builder) -> None:
    result = levante("run", str(builder.build(SAMPLES / "hello_world")), "--net", "tap:x")
    assert result.returncode == 2
    assert result.stderr.strip() == \
        "levante: error: --net: this build has no network interface (CONFIG_NETWORKING=n)"


@needs_root
@pytest.mark.parametrize("board", ["lv_m4"])
def test_a_recorded_ping_run_replays_byte_for_byte(builder: Builder, board: str,
                                                   namespace: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board)
    recording = tmp_path / "ping.lvrec"
    traces = [tmp_path / "live.jsonl", tmp_path / "replay.jsonl"]
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}", "--net-record", str(recording), "--trace",
         str(traces[0]), "--max-time", "10s"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ping = subprocess.run(["ip", "netns", "exec", namespace, "ping", "-c", "3", "-w",
                               "8", "-i", "0.5", DEVICE_IP],
                              capture_output=True, text=True, timeout=60, check=False)
        live, errors = device.communicate(timeout=120)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    assert ping.returncode == 0, ping.stdout + errors
    assert device.returncode == 0, errors
    replayed = levante("run", str(build_dir), "--net-replay", str(recording), "--trace",
                       str(traces[1]), "--max-time", "10s")
    assert replayed.returncode == 0, replayed.stderr
    assert "not delivered" not in replayed.stderr
    assert replayed.stdout == live
    assert traces[0].read_bytes() == traces[1].read_bytes()
    [stats] = [json.loads(line) for line in traces[1].read_text().splitlines()
               if '"net_stats"' in line]
    assert stats["counters"]["icmp.echo_replied"] >= 3
