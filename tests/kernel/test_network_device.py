"""The board's network interface under the run loop (mock CPU, a scripted link): frames
arrive at the simulated instant their wall-clock wait says, answers leave at once, idle
time passes as wall-clock time only while a link is attached, and the stack's timers
are events."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from mock_cpu import Args, MockSystem, Script, call, mark

from levante.codecs import ethernet
from levante.devices.network import RECEIVE_RING, NetworkInterface
from levante.kernel.kernel import Kernel, RunEnd
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack

sys.path.insert(0, str(Path(__file__).parent.parent / "net"))
from netpeer import DEVICE_IP, DEVICE_MAC, PEER_IP, arp_request, echo_request  # noqa: E402


@dataclass
class ScriptedLink:
    """A link whose waits are scripted: each entry is (wall-clock seconds until frames
    arrive, the frames), or None for a wait that times out."""

    script: list[tuple[float, list[bytes]] | None]
    description: str = "scripted link"
    sent: list[bytes] = field(default_factory=list)
    waits: list[float | None] = field(default_factory=list)
    is_open: bool = True
    received_limits: list[int] = field(default_factory=list)
    _ready: list[bytes] = field(default_factory=list)

    def send(self, frame: bytes) -> bool:
        self.sent.append(frame)
        return True

    def receive(self, limit: int) -> list[bytes]:
        frames, self._ready = self._ready[:limit], self._ready[limit:]
        self.received_limits.append(limit)
        return frames

    def wait(self, seconds: float | None) -> float | None:
        self.waits.append(seconds)
        if self._ready:
            return 0.0  # frames still waiting on the link: readable at once
        if not self.script:
            self.is_open = False  # the script is over: the link is gone
            return None
        entry = self.script.pop(0)
        if entry is None:
            return None
        delay, frames = entry
        self._ready += frames
        return delay

    def close(self) -> None:
        self.is_open = False


def booted(link: ScriptedLink | None, main: object = None,
           captured: list[tuple[int, int, bytes]] | None = None,
           ) -> tuple[MockSystem, NetworkInterface]:
    system = MockSystem()  # 1 MHz: a cycle is a microsecond
    if main is not None:
        system.main(main)  # type: ignore[arg-type]
    settings = InterfaceSettings(mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP))
    capture = (lambda *frame: captured.append(frame)) if captured is not None else None
    interface = NetworkInterface(NetworkStack(settings), link, capture)
    kernel = Kernel(system.cpu, system.config, system.layout(), system.console.extend,
                    system.trace.append, devices=[interface])
    system.cpu.clock = lambda: kernel.now
    system._kernel = kernel  # noqa: SLF001 - the mock system runs this kernel
    kernel.boot()
    return system, interface


def test_a_ping_arriving_after_a_wall_clock_wait_is_answered_at_that_instant() -> None:
    link = ScriptedLink([(0.25, [arp_request()]), (0.5, [echo_request(sequence=3)])])
    captured: list[tuple[int, int, bytes]] = []
    system, interface = booted(link, captured=captured)
    assert system.run() is RunEnd.IDLE  # the link went away: nothing can arrive any more
    kinds = [ethernet.decode(frame).ethertype for frame in link.sent]
    # The announcement at power-on, the ARP reply, the echo reply.
    assert kinds == [ethernet.ETHERTYPE_ARP, ethernet.ETHERTYPE_ARP, ethernet.ETHERTYPE_IPV4]
    stamps = [seconds * 10**9 + nanoseconds for seconds, nanoseconds, _ in captured]
    # Waiting starts once main has returned, a few hundred cycles after power-on.
    idle_from = stamps[1] - 250_000_000
    assert 0 < idle_from < 1_000_000
    assert stamps == [0, idle_from + 250_000_000, idle_from + 250_000_000,
                      idle_from + 750_000_000, idle_from + 750_000_000]
    assert system.kernel.now * 1000 == idle_from + 750_000_000
    assert link.waits == [None, None, None]  # nothing was due: waits without limit
    assert interface.stack.stats.get("icmp.echo_replied") == 1


def test_idle_time_towards_a_deadline_is_waited_in_wall_clock_time() -> None:
    def main(_: Args) -> Script:
        yield call("k_sleep", 30)  # 300 ms at 100 ticks/s
        yield mark("awake")

    link = ScriptedLink([None])
    system, _ = booted(link, main)
    assert system.run() is RunEnd.IDLE
    assert system.labels() == ["awake"]
    # One wait of the sleep's length (the tick in progress included), which timed out.
    assert link.waits[0] is not None and 0.30 <= link.waits[0] <= 0.31


def test_without_a_link_the_run_is_unchanged_and_nothing_is_sent() -> None:
    def main(_: Args) -> Script:
        yield call("k_sleep", 30)
        yield mark("awake")

    system, interface = booted(None, main)
    assert system.run() is RunEnd.IDLE
    assert system.labels() == ["awake"]
    assert not interface.stack.is_up
    assert interface.stack.stats.snapshot() == {}


def test_the_stack_s_timers_are_events_on_simulated_time() -> None:
    link = ScriptedLink([None] * 5)
    system, interface = booted(link)
    endpoint = interface.stack.udp.bind(7)
    interface.stack.udp.send(endpoint, PEER_IP, 9, b"x", 0)
    assert system.run(until=5_000_000) is RunEnd.IDLE
    requests = [frame for frame in link.sent[1:]
                if ethernet.decode(frame).ethertype == ethernet.ETHERTYPE_ARP]
    assert len(requests) == 3  # at 0, 1 s and 2 s; given up at 3 s
    assert interface.stack.stats.get("arp.drop.unresolved") == 1



def test_a_flood_is_taken_a_receive_ring_at_a_time() -> None:
    flood = [echo_request(sequence=number) for number in range(RECEIVE_RING * 3)]
    link = ScriptedLink([(0.01, [arp_request(), *flood])])
    system, interface = booted(link)
    assert system.run() is RunEnd.IDLE
    assert max(link.received_limits) == RECEIVE_RING
    # Every frame was taken in the end (the ring emptied between takes), none lost.
    assert interface.stack.stats.get("icmp.echo_replied") == RECEIVE_RING * 3
