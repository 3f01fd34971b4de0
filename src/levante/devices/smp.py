"""MCUmgr on the board: the SMP server's transports (UDP on the network stack, SMP's
serial framing on the console UART) and its view of the kernel and the flash.

The server runs as a kernel service, in the thread Zephyr names `mcumgr` (its SMP work
queue): requests are served at the simulated instant they arrive, each command passes
the kernel's control point, and an OS reset reboots the board once the response went
(CONFIG_MCUMGR_GRP_OS_RESET_MS later).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from levante.codecs import smp, smp_serial
from levante.devices.console import LineWaiting
from levante.kernel.flash_port import FlashPort
from levante.kernel.service_control import ServiceMessage, judge
from levante.kernel.smp_shell import SMP_LINE_MARK
from levante.kernel.thread import ThreadState
from levante.net.stack import NetworkStack
from levante.net.stack.udp import PortInUse, UdpEndpoint
from levante.services.smp.results import Mgmt, Refusal
from levante.services.smp.server import Outcome, SmpServer, SmpSettings
from levante.services.smp.target import ImageSlotsInfo, TaskStats

if TYPE_CHECKING:
    from levante.kernel.kernel import ConsoleSource, Kernel

SERVICE_THREAD = "mcumgr"  # the thread the commands are judged for
MICROSECONDS = 1_000_000
# Zephyr's thread state bits (kernel_structs.h) as task statistics report them.
_STATE_BITS = {ThreadState.PENDING: 0x02, ThreadState.PRESTART: 0x04,
               ThreadState.DEAD: 0x08, ThreadState.SLEEPING: 0x02}
_SUSPENDED_BIT = 0x10


@dataclass(frozen=True)
class SmpTransports:
    """Which transports the build enabled, and their settings."""

    udp_port: int | None  # CONFIG_MCUMGR_TRANSPORT_UDP_PORT, None without UDP
    serial: bool  # CONFIG_MCUMGR_TRANSPORT_UART: SMP on the console
    serial_line: int = smp_serial.MAX_LINE
    udp_ipv4: bool = True  # CONFIG_MCUMGR_TRANSPORT_UDP_IPV4
    udp_ipv6: bool = False  # CONFIG_MCUMGR_TRANSPORT_UDP_IPV6


class KernelSmpTarget:
    """The managed device as the SMP server sees it: the kernel's flash port, its
    threads, and its control point."""

    def __init__(self, kernel: Kernel, slots: ImageSlotsInfo | None) -> None:
        self.kernel = kernel
        self._slots = slots

    @property
    def flash(self) -> FlashPort | None:
        return self.kernel.flash

    @property
    def slots(self) -> ImageSlotsInfo | None:
        return self._slots

    def judge(self, peer: str, action: str, fields: Mapping[str, object]) -> int | None:
        return judge(self.kernel, SERVICE_THREAD, peer, ServiceMessage("smp", action, fields))

    def stat_groups(self) -> list[str]:
        return [group.name for group in self.kernel.stats.groups()]

    def stat_values(self, name: str) -> dict[str, int] | None:
        group = self.kernel.stats.find(name)
        # The counters' region was checked writable by the registering thread.
        return None if group is None else group.values(self.kernel.memory.kernel_read)

    def tasks(self) -> list[TaskStats]:
        stats = []
        for thread in self.kernel.threads.values():
            _, size = thread.stack_info
            # The stack's use shows only where it was filled (CONFIG_INIT_STACKS).
            used = size - self.kernel.stacks.unused_bytes(thread) \
                if size and self.kernel.config.init_stacks else 0
            state = _STATE_BITS.get(thread.state, 0) | (_SUSPENDED_BIT if thread.suspended
                                                         else 0)
            stats.append(TaskStats(thread.name, thread.priority, thread.address, state,
                                   used // 4, size // 4, thread.usage.windows,
                                   thread.usage.total))
        return stats


class SmpService:
    """The SMP server's device: its transports attached to the kernel, the reset it
    owes after a response (an event on simulated time)."""

    kind = "mcumgr"
    kconfig = "MCUMGR"

    def __init__(self, settings: SmpSettings, transports: SmpTransports,
                 slots: ImageSlotsInfo | None, stack: NetworkStack | None) -> None:
        self.settings = settings
        self.transports = transports
        self.slots = slots
        self.stack = stack
        self.server: SmpServer | None = None
        self.endpoint: UdpEndpoint | None = None
        self.serial: smp_serial.SerialDecoder | None = None
        self.reset_at: int | None = None  # the cycle the owed reset falls on
        self.input_at: int | None = None  # the cycle a console line arrived at
        self._kernel: Kernel | None = None
        self._raw_input: ConsoleSource | None = None  # the console's own, shared with SMP
        self._input_ended = False
        self._shell_header: smp.SmpHeader | None = None  # the shell command answered next
        self._for_the_shell = b""  # its line, until the shell reads it

    def attach(self, kernel: Kernel) -> None:
        self._kernel = kernel
        self.server = SmpServer(KernelSmpTarget(kernel, self.slots), self.settings)
        port = self.transports.udp_port
        if port is not None and self.stack is not None:
            try:
                self.endpoint = self.stack.udp.bind(port)
            except (PortInUse, ValueError) as error:
                kernel.print(f"mcumgr: UDP transport not started: {error}\n")
            else:
                self.endpoint.on_receive = self._datagram
        if self.settings.shell_group:
            kernel.smp_shell = self
        if self.transports.serial and kernel.console_input is not None:
            # SMP's lines are taken out of the console's input; the rest reaches the
            # shell or the application as before.
            self.serial = smp_serial.SerialDecoder(self.settings.buffer_size)
            self._raw_input = kernel.console_input
            kernel.console_input = self._console_lines

    # --- UDP -------------------------------------------------------------------------

    def _datagram(self, endpoint: UdpEndpoint) -> None:
        kernel, server, stack = self._kernel, self.server, self.stack
        assert kernel is not None and server is not None and stack is not None
        datagram = endpoint.take()
        while datagram is not None:
            source = datagram.source
            ipv6 = ":" in source
            peer = f"[{source}]:{datagram.source_port}" if ipv6 \
                else f"{source}:{datagram.source_port}"
            if not (self.transports.udp_ipv6 if ipv6 else self.transports.udp_ipv4):
                kernel.trace("smp_refused", transport="udp", peer=peer, action="",
                             reason=f"SMP over {'IPv6' if ipv6 else 'IPv4'} is not enabled")
                datagram = endpoint.take()
                continue
            outcome = server.handle(datagram.payload, peer)
            if outcome.shell_line and outcome.header is not None:
                # The shell reads the console: its commands are served there only.
                outcome = Outcome(server.refuse(outcome.header, Refusal(
                    Mgmt.ENOTSUP, "the shell group is served on the console")),
                    action=outcome.action, refused="the shell group is served on the console")
            self._trace(kernel, "udp", peer, outcome)
            if outcome.response is not None:
                now = kernel.now * MICROSECONDS // kernel.config.clock_hz
                stack.udp.send(endpoint, datagram.source, datagram.source_port,
                               outcome.response, now)
            self._after(kernel, outcome)
            datagram = endpoint.take()

    # --- the console UART ------------------------------------------------------------

    def _console_lines(self) -> bytes:
        """What the console's readers get: the next bytes that are not SMP's, b"" only
        at the input's end (a reader takes b"" for the end, so a line that held only
        SMP's packets must not look like one)."""
        while True:
            data = self._console_read()
            if data or self._input_ended:
                return data

    def _console_read(self) -> bytes:
        """The console's next bytes with SMP's lines taken out and served (b"" when
        the chunk held only those); SMP's responses go out on the console."""
        kernel, server, decoder = self._kernel, self.server, self.serial
        assert kernel is not None and server is not None and decoder is not None
        assert self._raw_input is not None
        data = self._raw_input()
        if not data:
            self._input_ended = True
            return b""
        # The mark of an SMP peer's shell line never comes from the console itself.
        events = decoder.feed(data.replace(bytes([SMP_LINE_MARK]), b""))
        for reason in events.refused:
            kernel.trace("smp_refused", transport="uart", peer="uart", action="",
                         reason=reason)
        for frame in events.frames:
            outcome = server.handle(frame, "uart")
            if outcome.shell_line and outcome.header is not None:
                outcome = self._hand_to_shell(outcome, outcome.header)
            self._trace(kernel, "uart", "uart", outcome)
            if outcome.response is not None:
                kernel.console(smp_serial.encode(outcome.response,
                                                 self.transports.serial_line))
            self._after(kernel, outcome)
        line, self._for_the_shell = self._for_the_shell, b""
        return events.console + line

    # --- the shell group -----------------------------------------------------------------

    def _hand_to_shell(self, outcome: Outcome, header: smp.SmpHeader) -> Outcome:
        """A shell command: its line goes to the shell, marked; the answer waits for the
        shell's report (`finish`). One at a time: another meanwhile is EBUSY."""
        assert self.server is not None
        if self._shell_header is not None:
            return Outcome(self.server.refuse(header, Refusal(
                Mgmt.EBUSY, "a shell command is running")), action=outcome.action,
                refused="a shell command is running")
        self._shell_header = header
        self._for_the_shell += bytes([SMP_LINE_MARK]) + outcome.shell_line.encode() + b"\n"
        return outcome

    @property
    def running(self) -> bool:
        return self._shell_header is not None

    @property
    def output_limit(self) -> int:
        # Room for the header, the CBOR around the output and the result.
        return max(0, self.settings.buffer_size - 32)

    def finish(self, result: int, output: bytes) -> None:
        kernel, server, header = self._kernel, self.server, self._shell_header
        assert kernel is not None and server is not None and header is not None
        self._shell_header = None
        kernel.console(smp_serial.encode(server.shell_answer(header, result, output),
                                         self.transports.serial_line))

    # --- the owed reset ----------------------------------------------------------------

    def _after(self, kernel: Kernel, outcome: Outcome) -> None:
        if outcome.reset and self.reset_at is None:
            self.reset_at = kernel.now + self.settings.reset_delay_ms * \
                kernel.config.clock_hz // 1000

    @staticmethod
    def _trace(kernel: Kernel, transport: str, peer: str, outcome: Outcome) -> None:
        if outcome.refused:
            kernel.trace("smp_refused", transport=transport, peer=peer,
                         action=outcome.action, reason=outcome.refused)

    def next_event(self) -> int | None:
        owed = [cycle for cycle in (self.reset_at, self.input_at) if cycle is not None]
        return min(owed) if owed else None

    def deliver(self, kernel: Kernel) -> None:
        if self.input_at is not None and kernel.now >= self.input_at:
            self.input_at = None
            # Bytes meant for the console wait in the kernel's input for the next reader.
            kernel.input_buffer += self._console_read()
        if self.reset_at is not None and kernel.now >= self.reset_at:
            self.reset_at = None
            kernel.reboot(cold=False, in_isr=False)

    def wait_until(self, horizon: int | None) -> int | None:
        """SMP on the console of a build without a network link: while the system idles
        towards its next timer, that time passes as wall-clock time in which a line
        may arrive (a serial port's manager does not wait for the application to read
        the console). The cycle it arrived at, served then; None when none came."""
        kernel = self._kernel
        # A device that owes a reset takes no more lines: the next boot reads them.
        if self.serial is None or self._input_ended or self.stack is not None \
                or kernel is None or self.reset_at is not None:
            return None
        console = kernel.devices.of_kind("console")
        if not isinstance(console, LineWaiting):
            return None
        seconds = None if horizon is None else (horizon - kernel.now) / kernel.config.clock_hz
        waited = console.wait_for_line(seconds)
        if waited is None:
            return None
        arrival = kernel.now + int(waited * kernel.config.clock_hz)
        self.input_at = arrival if horizon is None else min(arrival, horizon)
        return self.input_at

    def awaits_outside_input(self) -> bool:
        """With SMP on the console, an idle system still waits for its lines."""
        return self.serial is not None and not self._input_ended

    def wait_for_outside_input(self) -> None:
        if self.serial is None or self._input_ended or self._kernel is None:
            return
        # Bytes meant for the console wait in the kernel's input for the next reader.
        self._kernel.input_buffer += self._console_read()
