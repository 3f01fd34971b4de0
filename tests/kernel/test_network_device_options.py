"""The interface's Kconfig-given options under the run loop (mock CPU, a scripted link):
CONFIG_NET_PKT_RX_COUNT sizes the receive ring, CONFIG_NET_LOG prints every drop at debug level."""

from __future__ import annotations

import sys
from pathlib import Path

from mock_cpu import MockSystem
from test_network_device import ScriptedLink

from levante.devices.net_log import DropLog, drop_log
from levante.devices.network import NetworkInterface
from levante.kernel.kernel import Kernel, RunEnd
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack

sys.path.insert(0, str(Path(__file__).parent.parent / "net"))
from netpeer import DEVICE_IP, DEVICE_MAC, arp_request, echo_request  # noqa: E402


def booted(link: ScriptedLink, receive_ring: int = 64,
           log: DropLog | None = None) -> tuple[MockSystem, NetworkInterface]:
    system = MockSystem()  # 1 MHz: a cycle is a microsecond
    settings = InterfaceSettings(mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP))
    interface = NetworkInterface(NetworkStack(settings), link, receive_ring=receive_ring,
                                 log_drops=log)
    kernel = Kernel(system.cpu, system.config, system.layout(), system.console.extend,
                    system.trace.append, devices=[interface])
    system.cpu.clock = lambda: kernel.now
    system._kernel = kernel  # noqa: SLF001 - the mock system runs this kernel
    kernel.boot()
    return system, interface


def test_the_receive_ring_takes_at_most_net_pkt_rx_count_frames_at_once() -> None:
    flood = [echo_request(sequence=number) for number in range(23)]
    link = ScriptedLink([(0.01, [arp_request(), *flood])])
    system, interface = booted(link, receive_ring=5)
    assert system.run() is RunEnd.IDLE
    assert max(link.received_limits) == 5
    # The rest waited on the link's side and was taken later: nothing lost.
    assert interface.stack.stats.get("icmp.echo_replied") == 23


def bad_checksum_echo() -> bytes:
    frame = bytearray(echo_request(sequence=1))
    frame[14 + 10] ^= 0xFF  # the IPv4 header checksum
    return bytes(frame)


def test_with_net_log_every_drop_prints_a_debug_line() -> None:
    link = ScriptedLink([(0.25, [arp_request(), bad_checksum_echo(), bad_checksum_echo()])])
    system, interface = booted(link, log=DropLog(minimal=False))
    assert system.run() is RunEnd.IDLE
    drops = interface.stack.stats.drops()
    assert sum(drops.values()) == 2
    (name,) = drops
    layer, _, reason = name.partition(".drop.")
    lines = [line for line in bytes(system.console).decode().splitlines() if "dropped" in line]
    # Arrived a quarter of a second after main returned: the stamp says 00:00:00.25x.
    assert len(lines) == 2
    assert all(line.startswith("[00:00:00.25") for line in lines)
    assert all(line.endswith(f"] <dbg> net_{layer}: dropped: {reason}") for line in lines)


def test_the_minimal_log_layout_has_no_stamp() -> None:
    link = ScriptedLink([(0.01, [arp_request(), bad_checksum_echo()])])
    system, _ = booted(link, log=DropLog(minimal=True))
    assert system.run() is RunEnd.IDLE
    lines = [line for line in bytes(system.console).decode().splitlines() if "dropped" in line]
    assert len(lines) == 1 and lines[0].startswith("D: dropped: ")


def test_without_net_log_drops_are_only_counted() -> None:
    link = ScriptedLink([(0.01, [arp_request(), bad_checksum_echo()])])
    system, interface = booted(link)
    assert system.run() is RunEnd.IDLE
    assert interface.stack.stats.total_drops() == 1
    assert "dropped" not in bytes(system.console).decode()


def test_the_drop_log_needs_log_net_log_and_debug_compiled_in() -> None:
    assert drop_log(True, True, 4, False) == DropLog(False)
    assert drop_log(True, True, 4, True) == DropLog(True)
    assert drop_log(True, False, 4, False) is None  # NET_LOG off
    assert drop_log(False, True, 4, False) is None  # LOG off
    assert drop_log(True, True, 3, False) is None  # info and above: debug compiled out
