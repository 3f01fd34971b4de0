"""Devices and external events: the run loop stops threads at a device's event, lets it
raise an interrupt, and keeps an idle system alive while a device awaits outside input."""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_cpu import K_FOREVER, Args, MockSystem, Script, call, mark, run

from levante.kernel.devices import DeviceBus, EventSource
from levante.kernel.kernel import Kernel, RunEnd


@dataclass
class InterruptingDevice:
    """Raises its interrupt (an ISR script) at each of `events`, in order."""

    isr: int
    events: list[int]
    kind: str = "test"
    kconfig: str = "TEST"
    delivered: list[int] = field(default_factory=list)
    outside_input: list[int] = field(default_factory=list)  # delays of inputs to come
    waits: int = 0

    def attach(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def next_event(self) -> int | None:
        return self.events[0] if self.events else None

    def deliver(self, kernel: Kernel) -> None:
        self.delivered.append(kernel.now)
        self.events.pop(0)
        kernel.run_callback(self.isr, (0,), "test device")

    def awaits_outside_input(self) -> bool:
        return bool(self.outside_input)

    def wait_for_outside_input(self) -> None:
        # What arrives from outside is delivered at the instant the system is at.
        self.waits += 1
        self.outside_input.pop(0)
        self.events.append(self.kernel.now)


def system_with_device(events: list[int], main_script: object,
                       outside_input: list[int] | None = None,
                       ) -> tuple[MockSystem, InterruptingDevice]:
    system = MockSystem()
    sem = system.sem(0, 10)

    def isr(_: Args) -> Script:
        yield call("k_sem_give", sem)

    device = InterruptingDevice(system.function(isr, "isr"), events,
                                outside_input=outside_input or [])

    def main(_: Args) -> Script:
        yield from main_script(sem)  # type: ignore[operator]

    system.main(main)
    layout = system.layout()
    kernel = Kernel(system.cpu, system.config, layout, system.console.extend,
                    system.trace.append, devices=[device])
    system.cpu.clock = lambda: kernel.now
    system._kernel = kernel  # noqa: SLF001 - the mock system runs this kernel
    kernel.boot()
    return system, device


def test_a_device_event_stops_the_running_thread_and_its_interrupt_wakes_a_waiter() -> None:
    def main(sem: int) -> Script:
        yield run(30_000)  # busy past the event: the event must cut it short
        yield mark("busy done")
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("woken")

    system, device = system_with_device([12_345, 50_000], main)
    assert system.run() is RunEnd.IDLE
    assert device.delivered == [12_345, 50_000]
    # The first interrupt gave the semaphore while main was busy; the second woke nobody.
    assert system.labels() == ["busy done", "woken"]
    assert [event["function"] for event in system.events("isr")] == ["test device"] * 2


def test_outside_input_keeps_an_idle_system_alive_and_arrives_at_the_current_instant() -> None:
    def main(sem: int) -> Script:
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("first input")
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("second input")
        yield call("k_sem_take", sem, K_FOREVER)
        yield mark("never")

    system, device = system_with_device([], main, outside_input=[1, 1])
    assert system.run() is RunEnd.IDLE  # idle for good once no more input can come
    assert device.waits == 2
    assert system.labels() == ["first input", "second input"]


def test_a_device_raising_events_forever_does_not_keep_a_bounded_run_going() -> None:
    def main(sem: int) -> Script:
        while True:
            yield call("k_sem_take", sem, K_FOREVER)

    system, device = system_with_device(list(range(100, 10_000_000, 100)), main)
    assert system.run(until=100_000) is RunEnd.TIME_LIMIT
    # The run ends at the limit (plus the last interrupt's own cost).
    assert 100_000 <= system.kernel.now < 100_000 + 1_000
    # Each event was raised no earlier than it was due, in order, while time moved on.
    assert device.delivered == sorted(set(device.delivered))
    assert all(raised >= 100 * (index + 1) for index, raised in enumerate(device.delivered))
    assert len(device.delivered) > 100


def test_the_bus_finds_event_sources_and_devices_by_kind() -> None:
    device = InterruptingDevice(0, [7])
    bus = DeviceBus([device])
    assert isinstance(device, EventSource)
    assert bus.of_kind("test") is device and bus.of_kind("flash") is None
    assert bus.next_event() == 7
