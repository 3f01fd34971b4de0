"""Devices and external events: what a board attaches to the kernel, and when it speaks.

A `Device` is one of the board's peripherals as the kernel sees it (the TRNG, the flash
controller, the console UART; a network interface next): its kind, the Kconfig symbol
that brings it, and what it attaches to the kernel.  A device that raises events is also
an `EventSource`: the run loop asks it for its next event beside the kernel's own
timeouts, stops the running thread at that simulated-time edge and lets the device
deliver it (wake a thread, run an interrupt handler).  A source waiting for input from
outside (console bytes, a frame from a TAP link) keeps an otherwise idle system alive:
the loop hands it the wait, and only there does wall-clock time enter (DESIGN
invariant 5); what arrives is delivered at the simulated instant the system is at.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


class Device(Protocol):
    """A board peripheral the kernel serves."""

    kind: str  # what it is: "entropy", "flash", "console", ...
    kconfig: str  # the Kconfig symbol (without CONFIG_) that brings it

    def attach(self, kernel: Kernel) -> None:
        """Connect to the kernel before it boots (its kernel object, its services)."""


@runtime_checkable
class EventSource(Protocol):
    """A device that raises events on simulated time."""

    def next_event(self) -> int | None:
        """The cycle of the next event it will raise, or None while it has none."""
        ...

    def deliver(self, kernel: Kernel) -> None:
        """Raise the events due at `kernel.now` (it is called once they are due)."""

    def awaits_outside_input(self) -> bool:
        """Whether it waits for input from outside: the system is not idle for good."""
        ...

    def wait_for_outside_input(self) -> None:
        """Block the host until input arrives or can never arrive (the one place
        wall-clock time enters); afterwards `next_event` says when to deliver it."""


@runtime_checkable
class RealTimeSource(Protocol):
    """A source joined to the outside world in real time (a network link): while the
    system idles towards its next deadline, that idle time passes as wall-clock time in
    which outside input may arrive, so that peers' replies meet the device's timers."""

    def wait_until(self, horizon: int | None) -> int | None:
        """Block the host for the wall-clock time from `now` to `horizon` cycles (None:
        without limit) or until input arrives; the cycle it arrived at (before
        `horizon`), or None when none came."""
        ...


class DeviceBus:
    """The devices of one system, in attachment order."""

    def __init__(self, devices: Iterable[Device] = ()) -> None:
        self.devices = list(devices)
        self._sources = [device for device in self.devices if isinstance(device, EventSource)]
        # Whether any device raises events (else the loop never needs to ask).
        self.raises_events = bool(self._sources)
        self._real_time = [source for source in self._sources
                           if isinstance(source, RealTimeSource)]
        # Whether idle time passes as wall-clock time (a network link is attached).
        self.paces_idle_time = bool(self._real_time)

    def attach_all(self, kernel: Kernel) -> None:
        for device in self.devices:
            device.attach(kernel)

    def of_kind(self, kind: str) -> Device | None:
        return next((device for device in self.devices if device.kind == kind), None)

    def next_event(self) -> int | None:
        """The earliest event any source will raise."""
        if not self._sources:
            return None
        events = [cycle for source in self._sources
                  if (cycle := source.next_event()) is not None]
        return min(events) if events else None

    def deliver_due(self, kernel: Kernel) -> None:
        for source in self._sources:
            cycle = source.next_event()
            if cycle is not None and cycle <= kernel.now:
                source.deliver(kernel)

    def wait_in_real_time(self, horizon: int | None) -> int | None:
        """The idle system's wait up to `horizon`, in wall-clock time: the cycle input
        arrived at, or None (the horizon was reached, or no source can receive)."""
        for source in self._real_time:
            arrival = source.wait_until(horizon)
            if arrival is not None:
                return arrival
        return None

    def wait_for_outside_input(self) -> bool:
        """Hand an idle system's wait to the sources expecting outside input; False when
        none does (the system is idle for good)."""
        waiting = [source for source in self._sources if source.awaits_outside_input()]
        for source in waiting:
            source.wait_for_outside_input()
        return bool(waiting)
