"""The board's Ethernet interface: the network stack on one side, a link on the other.

An event source on simulated time: frames from the link are taken when the system idles
(the idle time then passes as wall-clock time, `RealTimeSource`) and, between runs,
whenever the loop asks for events at most once a simulated millisecond; each is given to
the stack at the simulated instant it arrived. The stack's timers are events too, and
what the stack sends goes to the link (and the capture) at the instant it was sent.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from levante.devices.net_log import DropLog
from levante.net.link.link import Link
from levante.net.link.recording import IDLE, POLLED, FrameRecorder, ReplayFeed
from levante.net.sockets import StackNetwork
from levante.net.stack import NetworkStack

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel

# Capture of one frame: (seconds, nanoseconds) of simulated time, the frame.
Capture = Callable[[int, int, bytes], None]
MICROSECONDS = 1_000_000
NANOSECONDS = 1_000_000_000
# Frames taken from the link and not yet delivered, at most (a NIC's receive ring, the
# default of CONFIG_NET_PKT_RX_COUNT): a flood waits on the host's side, where its queue
# drops the excess, not in Levante.
RECEIVE_RING = 64


class NetworkInterface:
    """The interface's device: link up at boot, frames in and out on simulated time."""

    kind = "network"
    kconfig = "NETWORKING"

    def __init__(self, stack: NetworkStack, link: Link | None,
                 capture: Capture | None = None, recorder: FrameRecorder | None = None,
                 replay: ReplayFeed | None = None, receive_ring: int = RECEIVE_RING,
                 log_drops: DropLog | None = None) -> None:
        self.stack = stack
        self.receive_ring = receive_ring  # CONFIG_NET_PKT_RX_COUNT
        self.log_drops = log_drops  # CONFIG_NET_LOG: a console line for every drop
        self.link = link
        self.capture = capture
        self.recorder = recorder  # --net-record: what is taken from the link is written
        self.replay = replay  # --net-replay: frames come from the recording, not the link
        self._kernel: Kernel | None = None
        self._arrivals: deque[tuple[int, bytes]] = deque()  # (cycle, frame), in order
        self._next_poll = 0

    def attach(self, kernel: Kernel) -> None:
        self._kernel = kernel
        if self.log_drops is not None:
            log = self.log_drops
            self.stack.stats.on_drop = lambda layer, reason: kernel.print(
                log.line(kernel.now * 1000 // kernel.config.clock_hz, layer, reason))
        if kernel.config.net_sockets:
            # The kernel's sockets reach the network through this interface's stack.
            kernel.sockets.network = StackNetwork(
                self.stack, lambda: self._microseconds(kernel.now))
        # The carrier is up from power-on when a link is plugged in; the interface then
        # announces its address, as Zephyr's does once net_config has set it.
        if self.link is not None and self.link.is_open:
            self.stack.link_up(self._microseconds(kernel.now))

    # --- Simulated time -------------------------------------------------------------

    def now_microseconds(self) -> int:
        """The interface's simulated instant (0 before the kernel attaches it)."""
        return 0 if self._kernel is None else self._microseconds(self._kernel.now)

    def _microseconds(self, cycles: int) -> int:
        assert self._kernel is not None
        return cycles * MICROSECONDS // self._kernel.config.clock_hz

    def _cycles(self, microseconds: int) -> int:
        """The first cycle at or after `microseconds`."""
        assert self._kernel is not None
        return -(-microseconds * self._kernel.config.clock_hz // MICROSECONDS)

    # --- EventSource ----------------------------------------------------------------

    def next_event(self) -> int | None:
        kernel = self._kernel
        if kernel is None:
            return None
        if self.link is not None and kernel.now >= self._next_poll:
            self._next_poll = kernel.now + self._cycles(1000)
            self._take_frames(kernel.now, POLLED)
        if self.stack.has_outgoing:
            return kernel.now
        candidates = []
        if self._arrivals:
            candidates.append(self._arrivals[0][0])
        deadline = self.stack.next_deadline()
        if deadline is not None:
            candidates.append(self._cycles(deadline))
        return min(candidates) if candidates else None

    def deliver(self, kernel: Kernel) -> None:
        self._transmit(kernel.now)  # what was sent before (the link-up announcement)
        while self._arrivals and self._arrivals[0][0] <= kernel.now:
            cycle, frame = self._arrivals.popleft()
            self._capture(cycle, frame)
            self.stack.receive(frame, self._microseconds(cycle))
        self.stack.advance(self._microseconds(kernel.now))
        self._transmit(kernel.now)

    def _transmit(self, cycle: int) -> None:
        for frame in self.stack.take_outgoing():
            self._capture(cycle, frame)
            if self.link is None or not self.link.send(frame):
                self.stack.stats.drop("link", "send-failed")

    def awaits_outside_input(self) -> bool:
        return False  # its waits are real-time ones (wait_until), never open-ended

    def wait_for_outside_input(self) -> None:
        return None

    # --- RealTimeSource -------------------------------------------------------------

    def wait_until(self, horizon: int | None) -> int | None:
        kernel = self._kernel
        if kernel is None or self.link is None or not self.link.is_open:
            return None
        if self.replay is not None:
            arrival = self.replay.idle_arrival(kernel.now, horizon)
            return arrival if arrival is not None and self._take_frames(arrival, IDLE) \
                else None
        seconds = None
        if horizon is not None:
            seconds = (horizon - kernel.now) / kernel.config.clock_hz
        waited = self.link.wait(seconds)
        if waited is None:
            return None
        arrival = kernel.now + int(waited * kernel.config.clock_hz)
        if horizon is not None:
            arrival = min(arrival, horizon)
        return arrival if self._take_frames(arrival, IDLE) else None

    def _take_frames(self, cycle: int, how: int) -> bool:
        """Frames from the link (or the replay) arriving at `cycle`, taken `how`
        (between runs, or ending an idle wait); True when there were any."""
        assert self.link is not None
        room = self.receive_ring - len(self._arrivals)
        if room <= 0:
            return False
        if self.replay is not None:
            frames = self.replay.take(cycle, how, room)
        else:
            frames = self.link.receive(room)
        if frames and self.recorder is not None:
            self.recorder.write(cycle, how, frames)
        self._arrivals.extend((cycle, frame) for frame in frames)
        return bool(frames)

    def _capture(self, cycle: int, frame: bytes) -> None:
        if self.capture is None or self._kernel is None:
            return
        hz = self._kernel.config.clock_hz
        self.capture(cycle // hz, (cycle % hz) * NANOSECONDS // hz, frame)
