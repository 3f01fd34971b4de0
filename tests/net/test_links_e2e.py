"""The links end to end, through `levante run` (no root needed): two devices on the
virtual switch with this test as a third port, a host client reaching a device through
`--forward udp:` on the user-mode link, and a recorded run replayed exactly."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SAMPLES, TARGET_TESTS, Builder, levante
from levante.codecs import arp, ethernet, icmp, ipv4, udp
from levante.codecs.pcap import PcapRecord, read_pcap
from levante.net.link.hub import SwitchHub

APP = SAMPLES / "net" / "ping_target"
PEER_MAC = "00:00:5e:00:53:63"
PEER_IP = "192.0.2.99"
FIRST, SECOND = ("192.0.2.1", "00:00:5e:00:53:01"), ("192.0.2.3", "00:00:5e:00:53:03")


def run_device(build_dir: Path, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "levante.cli", "run", str(build_dir),
                             *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def stop(device: subprocess.Popen[str]) -> tuple[str, str]:
    device.send_signal(signal.SIGINT)
    try:
        return device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()


def captured(path: Path) -> list[ethernet.EthernetFrame]:
    _, events = read_pcap(path.read_bytes())
    return [ethernet.decode(event.data) for event in events if isinstance(event, PcapRecord)]


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[SwitchHub]:
    switch = SwitchHub(tmp_path / "switch.sock")
    thread = threading.Thread(target=switch.serve, daemon=True)
    thread.start()
    yield switch
    switch.stop()
    thread.join(timeout=5)
    switch.close()


class Port:
    """This test as a port of the switch."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.connect(str(path))
        self.sock.settimeout(0.5)

    def send(self, destination: str, ethertype: int, payload: bytes) -> None:
        self.sock.send(ethernet.encode(ethernet.EthernetFrame(
            destination=destination, source=PEER_MAC, ethertype=ethertype,
            payload=payload)))

    def frames(self, seconds: float) -> list[ethernet.EthernetFrame]:
        ends, got = time.monotonic() + seconds, []
        while time.monotonic() < ends:
            try:
                got.append(ethernet.decode(self.sock.recv(65535)))
            except TimeoutError:
                continue
        return got

    def resolve(self, address: str) -> str | None:
        """Ask ARP for `address` (once a second, up to 30 s) → its MAC."""
        for _ in range(30):
            self.send("ff:ff:ff:ff:ff:ff", ethernet.ETHERTYPE_ARP, arp.encode(arp.ArpPacket(
                operation=arp.ArpOperation.REQUEST, sender_mac=PEER_MAC, sender_ip=PEER_IP,
                target_mac="00:00:00:00:00:00", target_ip=address)))
            for frame in self.frames(1.0):
                if frame.ethertype == ethernet.ETHERTYPE_ARP:
                    reply = arp.decode(frame.payload[:28])
                    if reply.operation == arp.ArpOperation.REPLY and reply.sender_ip == address:
                        return reply.sender_mac
        return None


def test_two_devices_and_a_peer_on_one_switch(builder: Builder, hub: SwitchHub,
                                              tmp_path: Path) -> None:
    # Both boards on one segment: lv_m4 at 192.0.2.1, lv_m33 at 192.0.2.3.
    builds = [builder.build(APP), builder.build(APP, "lv_m33", extra=("overlay-second.conf",))]
    captures = [tmp_path / "first.pcap", tmp_path / "second.pcap"]
    devices = [run_device(build, "--net", f"switch:{hub.path}", "--pcap", str(capture))
               for build, capture in zip(builds, captures, strict=True)]
    try:
        peer = Port(hub.path)
        macs = {address: peer.resolve(address) for address, _ in (FIRST, SECOND)}
        assert macs == {FIRST[0]: FIRST[1], SECOND[0]: SECOND[1]}
        for address, mac in (FIRST, SECOND):
            echo = icmp.encode(icmp.IcmpEcho(type=icmp.ECHO_REQUEST, identifier=1,
                                             sequence=1, payload=b"switch"))
            peer.send(mac, ethernet.ETHERTYPE_IPV4, ipv4.encode(ipv4.Ipv4Packet(
                protocol=ipv4.PROTOCOL_ICMP, source=PEER_IP, destination=address,
                payload=echo)))
            replies = [ipv4.decode(frame.payload) for frame in peer.frames(3.0)
                       if frame.ethertype == ethernet.ETHERTYPE_IPV4]
            assert [(packet.source, packet.protocol) for packet in replies] == \
                [(address, ipv4.PROTOCOL_ICMP)]
        # A datagram to the first device that names the second as its source: the first
        # answers port unreachable to the second, resolving it over the switch.
        datagram = udp.encode(udp.UdpDatagram(source_port=9, destination_port=9,
                                              payload=b"x"),
                              source=SECOND[0], destination=FIRST[0])
        peer.send(FIRST[1], ethernet.ETHERTYPE_IPV4, ipv4.encode(ipv4.Ipv4Packet(
            protocol=ipv4.PROTOCOL_UDP, source=SECOND[0], destination=FIRST[0],
            payload=datagram)))
        peer.frames(3.0)
    finally:
        results = [stop(device) for device in devices]
    for device, (_, errors) in zip(devices, results, strict=True):
        assert device.returncode == 130, errors
    first, second = (captured(path) for path in captures)
    # The first device asked for the second's MAC and got the answer from the second.
    asked = [arp.decode(frame.payload[:28]) for frame in first
             if frame.ethertype == ethernet.ETHERTYPE_ARP and frame.source == FIRST[1]]
    assert any(packet.operation == arp.ArpOperation.REQUEST and packet.target_ip == SECOND[0]
               for packet in asked)
    assert any(frame.source == SECOND[1] and frame.ethertype == ethernet.ETHERTYPE_ARP
               and arp.decode(frame.payload[:28]).operation == arp.ArpOperation.REPLY
               for frame in first)
    # ... and the second received the first's port unreachable.
    from_first = [ipv4.decode(frame.payload) for frame in second
                  if frame.source == FIRST[1] and frame.ethertype == ethernet.ETHERTYPE_IPV4]
    assert any(packet.protocol == ipv4.PROTOCOL_ICMP and
               icmp.decode(packet.payload).type == 3 for packet in from_first)
    assert hub.counters.forwarded > 0  # unicast went to one port, once learned


def test_switch_errors_are_one_line(tmp_path: Path, builder: Builder) -> None:
    build_dir = builder.build(APP)
    missing = tmp_path / "none.sock"
    result = levante("run", str(build_dir), "--net", f"switch:{missing}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"levante: error: --net switch:{missing}: no switch there (start one with "
        f"`levante net-switch {missing}`)"]
    stale = tmp_path / "stale.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    dead.bind(str(stale))
    dead.close()  # the file stays, nobody listens: a hub that died
    result = levante("run", str(build_dir), "--net", f"switch:{stale}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"levante: error: --net switch:{stale}: the switch is not running (a stale socket "
        f"file; start one with `levante net-switch {stale}`)"]
    # A new switch replaces the stale file; a second one on the same path is refused.
    switch = SwitchHub(stale)
    try:
        result = levante("net-switch", str(stale))
        assert result.returncode == 2
        assert result.stderr.strip() == \
            f"levante: error: net-switch {stale}: a switch is already running there"
    finally:
        switch.close()


def test_a_switch_that_goes_away_ends_the_run_with_one_line(
        tmp_path: Path, builder: Builder) -> None:
    path = tmp_path / "gone.sock"
    switch = SwitchHub(path)
    thread = threading.Thread(target=switch.serve, daemon=True)
    thread.start()
    device = run_device(builder.build(APP), "--net", f"switch:{path}")
    try:
        while switch.port_count == 0 and device.poll() is None:
            time.sleep(0.05)
    finally:
        switch.stop()
        thread.join(timeout=5)
        switch.close()
    _, errors = device.communicate(timeout=60)
    assert device.returncode == 2
    assert errors.strip().splitlines()[-1] == \
        f"levante: error: --net switch:{path}: the switch went away"


def free_udp_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


def test_forward_reaches_the_device_and_a_recorded_run_replays_exactly(
        builder: Builder, tmp_path: Path) -> None:
    build_dir = builder.build(APP)
    port = free_udp_port()
    recording, capture = tmp_path / "run.lvrec", tmp_path / "user.pcap"
    traces = [tmp_path / "live.jsonl", tmp_path / "replay.jsonl"]
    device = run_device(build_dir, "--net", "user", "--forward", f"udp:{port}:7",
                        "--pcap", str(capture), "--net-record", str(recording),
                        "--trace", str(traces[0]), "--max-time", "4s")
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # Until the run ends (the forward is there once the board has powered on,
        # which takes its time on a loaded machine).
        number = 0
        while device.poll() is None and number < 1000:
            client.sendto(b"to port 7 #%d" % number, ("127.0.0.1", port))
            number += 1
            time.sleep(0.25)
        live, errors = device.communicate(timeout=120)
    finally:
        client.close()
        if device.poll() is None:
            device.kill()
            device.wait()
    assert device.returncode == 0, errors
    frames = captured(capture)
    inbound = [ipv4.decode(frame.payload) for frame in frames
               if frame.source != "00:00:5e:00:53:01"
               and frame.ethertype == ethernet.ETHERTYPE_IPV4]
    delivered = [udp.decode(packet.payload).payload for packet in inbound
                 if packet.protocol == ipv4.PROTOCOL_UDP]
    assert delivered and all(payload.startswith(b"to port 7 #") for payload in delivered)
    assert {packet.source for packet in inbound} == {"192.0.2.2"}
    # Nothing listens on port 7 in the device: each datagram got port unreachable back.
    unreachable = [ipv4.decode(frame.payload) for frame in frames
                   if frame.source == "00:00:5e:00:53:01"
                   and frame.ethertype == ethernet.ETHERTYPE_IPV4]
    assert len(unreachable) == len(delivered)
    assert all(icmp.decode(packet.payload).type == 3 for packet in unreachable)

    replayed = levante("run", str(build_dir), "--net-replay", str(recording), "--trace",
                       str(traces[1]), "--max-time", "4s")
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == live
    assert traces[0].read_bytes() == traces[1].read_bytes()
    stats = [json.loads(line) for line in traces[1].read_text().splitlines()
             if '"net_stats"' in line]
    assert stats[0]["counters"]["udp.received"] == len(delivered)


@pytest.mark.parametrize(("cut", "message"), [
    (lambda data: data[:-3], "truncated in frame"),
    (lambda data: data[:20], "truncated after 0 frames"),
    (lambda data: b"LVNETREX" + data[8:], "not a Levante network recording"),
    (lambda data: data[:8] + b"\x00\x02" + data[10:], "format version 2"),
    (lambda data: data[:28] + b"\x07" + data[29:], "frame 1 is corrupt"),
])
def test_a_broken_replay_file_is_one_line_with_status_2(builder: Builder, tmp_path: Path,
                                                        cut: object, message: str) -> None:
    from levante.net.link.recording import POLLED, FrameRecorder

    build_dir = builder.build(APP)
    good = tmp_path / "good.lvrec"
    recorder = FrameRecorder(good, 64_000_000)
    recorder.write(1000, POLLED, [bytes(60)])
    recorder.close()
    assert callable(cut)
    broken = tmp_path / "broken.lvrec"
    broken.write_bytes(cut(good.read_bytes()))
    result = levante("run", str(build_dir), "--net-replay", str(broken))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"levante: error: --net-replay {broken}: ") and message in line
    other_clock = levante("run", str(builder.build(APP, "lv_m33")), "--net-replay", str(good))
    assert other_clock.returncode == 2
    assert "recorded on a 64000000 Hz board, this build runs at 100000000 Hz" in \
        other_clock.stderr


def test_net_switch_command_serves_until_ctrl_c(tmp_path: Path) -> None:
    path = tmp_path / "cmd.sock"
    hub = subprocess.Popen([sys.executable, "-m", "levante.cli", "net-switch", str(path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not path.exists() and hub.poll() is None:
            time.sleep(0.05)
        ports = [Port(path), Port(path)]
        ports[0].send("ff:ff:ff:ff:ff:ff", 0x88B5, b"hello segment")
        [received] = ports[1].frames(1.0)
        assert received.payload.startswith(b"hello segment")
        assert ports[0].frames(0.3) == []  # a frame never comes back to its sender
    finally:
        hub.send_signal(signal.SIGINT)
        _, errors = hub.communicate(timeout=30)
    assert hub.returncode == 0, errors
    assert errors.splitlines()[-1] == "levante: switch ended: 2 ports, 1 frames, 0 dropped"
    assert not path.exists()


def test_record_and_replay_follow_the_board_through_a_reboot(builder: Builder,
                                                             tmp_path: Path) -> None:
    build_dir = builder.build(TARGET_TESTS / "net_reboot")
    port = free_udp_port()
    recording = tmp_path / "reboot.lvrec"
    traces = [tmp_path / "live.jsonl", tmp_path / "replay.jsonl"]
    device = run_device(build_dir, "--forward", f"udp:{port}:9", "--net-record",
                        str(recording), "--trace", str(traces[0]), "--max-time", "5s")
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        while device.poll() is None:
            client.sendto(b"across boots", ("127.0.0.1", port))
            time.sleep(0.1)
        live, errors = device.communicate(timeout=60)
    finally:
        client.close()
    assert device.returncode == 0, errors
    assert "BOOT 1" in live and "BOOT 2" in live and "DONE" in live
    from levante.net.link.recording import parse_recording

    boots = {frame.boot for frame in parse_recording(recording.read_bytes(), 64_000_000,
                                                     "test")}
    assert boots == {0, 1}  # frames arrived in both boots
    replayed = levante("run", str(build_dir), "--net-replay", str(recording), "--trace",
                       str(traces[1]), "--max-time", "5s")
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == live
    assert traces[0].read_bytes() == traces[1].read_bytes()
    assert "not delivered" not in replayed.stderr
