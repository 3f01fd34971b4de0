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

from levante.codecs import dns
from levante.codecs.addresses import canonical_ipv6, is_ipv6_text
from levante.codecs.errors import CodecError
from levante.devices.name_lookup import NameLookup, lookup_families
from levante.devices.net_log import DropLog
from levante.devices.network_control import InterfaceControl
from levante.kernel.net_port import InterfaceState, NameAnswer, PingReply
from levante.kernel.waitq import WaitQueue
from levante.net.configuration import Dhcpv4Settings, DnsSettings
from levante.net.link.link import Link
from levante.net.link.recording import IDLE, POLLED, FrameRecorder, ReplayFeed
from levante.net.shell import NetShell
from levante.net.sockets import StackNetwork
from levante.net.sockets.secure import SecureProvision
from levante.net.stack import NetworkStack
from levante.net.stack.dhcpv4_client import Dhcpv4Client
from levante.net.stack.dns_resolver import DnsResolver, Resolution
from levante.net.stack.settings import address_value
from levante.net.tls.library import LibraryProfile

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
                 replay: ReplayFeed | None = None, dhcpv4: Dhcpv4Settings | None = None,
                 dns_resolver: DnsSettings | None = None, receive_ring: int = RECEIVE_RING,
                 log_drops: DropLog | None = None,
                 tls_library: LibraryProfile | None = None) -> None:
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
        self.shell = NetShell(stack)
        self.dhcpv4_settings = dhcpv4
        self.dhcpv4: Dhcpv4Client | None = None
        self.dns_settings = dns_resolver
        # The DNS resolver service (getaddrinfo's): `resolver.resolve(name,
        # dns.RecordType.A or AAAA, now_us, on_done)`, see net/stack/dns_resolver.py.
        self.resolver: DnsResolver | None = None
        self.control = InterfaceControl(stack)
        self.tls_library = tls_library  # what CONFIG_MBEDTLS_* allow secure sockets
        self.sockets: StackNetwork | None = None

    def attach(self, kernel: Kernel) -> None:
        self._kernel = kernel
        if self.log_drops is not None:
            log = self.log_drops
            self.stack.stats.on_drop = lambda layer, reason: kernel.print(
                log.line(kernel.now * 1000 // kernel.config.clock_hz, layer, reason))
        if kernel.config.net_sockets:
            # The kernel's sockets reach the network through this interface's stack.
            self.sockets = StackNetwork(
                self.stack, lambda: self._microseconds(kernel.now),
                self._secure_provision(kernel))
            kernel.sockets.network = self.sockets
        kernel.network = self  # the NetworkPort of supervisor code's network calls
        self.control.kernel = kernel
        # Zephyr's DHCP client and resolver draw from sys_rand32_get; so do these, or
        # from the entropy device when no random generator is configured.
        random = kernel.random
        draw = random.rand if random.unavailable("rand") is None else random.entropy
        if self.dns_settings is not None:
            resolver = self.dns_settings
            self.resolver = DnsResolver(self.stack, draw, resolver.servers,
                                        resolver.max_queries, resolver.cache_entries,
                                        resolver.max_servers, resolver.additional_queries)
        settings = self.dhcpv4_settings
        if settings is not None:
            self.dhcpv4 = Dhcpv4Client(self.stack, draw, settings.initial_delay_max_s,
                                       self._dhcpv4_event)
            self.control.client = self.dhcpv4
            self.shell.iface_sections.append(self._dhcpv4_lines)
            if settings.start_at_boot:
                if self.stack.settings.ipv4 is not None:
                    self.stack.address_origin = "overridable"
                self.dhcpv4.start(self._microseconds(kernel.now))
        # The carrier is up from power-on when a link is plugged in; the interface then
        # announces its address, as Zephyr's does once net_config has set it.
        if self.link is not None and self.link.is_open:
            self.stack.link_up(self._microseconds(kernel.now))
        if kernel.config.net_connection_manager:
            self.control.watch_connectivity()

    # --- InterfaceControl (the C API's kernel functions) -----------------------------

    def _secure_provision(self, kernel: Kernel) -> SecureProvision | None:
        """What TLS and DTLS sockets need, when the build has them."""
        if self.tls_library is None or not kernel.config.net_sockets_tls:
            return None
        return SecureProvision(kernel.tls_credentials.lookup, self.tls_library,
                               kernel.config.net_sockets_dtls,
                               kernel.config.net_sockets_tls_max_contexts,
                               kernel.config.net_sockets_dtls_timeout_ms * 1000)

    def interface_state(self) -> InterfaceState:
        return self.control.state()

    def set_ipv4(self, what: str, value: str, address_type: int) -> str | None:
        refused = self.control.set_ipv4(what, value, address_type)
        self.control.update_connectivity()
        return refused

    def set_ipv6(self, what: str, address: str) -> str | None:
        refused = self.control.set_ipv6(what, address, self.now_microseconds())
        self.control.update_connectivity()
        return refused

    def ipv6_address_state(self, address: str) -> int | None:
        return self.control.ipv6_address_state(address)

    def config_ready(self) -> bool:
        return self.control.config_ready()

    @property
    def config_waiters(self) -> WaitQueue:
        return self.control.config_waiters

    def connection_request(self, request: int) -> int | None:
        monitor = self.control.connections
        if monitor is None:
            return None
        answer = monitor.request(request)
        self.control.update_connectivity()  # ignoring a ready interface disconnects it
        return answer

    def dhcpv4_start(self) -> None:
        if self.dhcpv4 is not None:
            self.dhcpv4.start(self._now_us())

    def dhcpv4_stop(self) -> None:
        if self.dhcpv4 is not None:
            self.dhcpv4.stop()

    def dhcpv4_request_option(self, code: int) -> str | None:
        if self.dhcpv4 is None:
            return "ENOTSUP"
        if code not in self.dhcpv4.extra_parameters:
            self.dhcpv4.extra_parameters.append(code)
        return None

    def dhcpv4_option(self, code: int) -> bytes | None:
        return self.dhcpv4.ack_options.get(code) if self.dhcpv4 is not None else None

    def take_event(self) -> int | None:
        return self.control.take_event()

    def take_event_with_info(self) -> tuple[int, bytes] | None:
        return self.control.take_event_with_info()

    def raise_application_event(self, code: int, info: bytes) -> None:
        self.control.queue_event(code, info)

    def take_event_ready(self) -> bool:
        return bool(self.control.events)

    @property
    def event_waiters(self) -> WaitQueue:
        return self.control.waiters

    # --- NetworkPort ----------------------------------------------------------------

    def shell_command(self, arguments: list[str]) -> str:
        if arguments[:1] == ["dns"]:
            return self._dns_command(arguments[1:])
        return self.shell.run(arguments)

    def ping(self, destination: str, sequence: int, data_length: int) -> str | None:
        try:
            if is_ipv6_text(destination):
                destination = canonical_ipv6(destination, CodecError)
            else:
                address_value(destination)
        except CodecError:
            return "EINVAL"
        # The data is a counting pattern, as ping(8) fills it.
        payload = bytes(index & 0xFF for index in range(data_length))
        sent = self.stack.ping(destination, sequence, payload, self._now_us())
        return None if sent else "ENETUNREACH"

    def ping_reply(self, sequence: int) -> PingReply | None:
        reply = self.stack.pings.take_reply(sequence)
        ipv4 = self.stack.settings.ipv4
        if reply is None:
            return None
        return PingReply(reply.source, ipv4.address if ipv4 is not None else "0.0.0.0",
                         reply.ttl, reply.data_length, reply.round_trip_us)

    def resolve_name(self, name: str, family: int,
                     on_done: Callable[[NameAnswer], None]) -> Callable[[], None] | None:
        if self.resolver is None or self.dns_settings is None:
            on_done(NameAnswer(error="EAI_FAIL"))  # as Zephyr's without DNS_RESOLVER
            return None
        families = lookup_families(family, self.stack.settings.ipv6 is not None)
        lookup = NameLookup(self.resolver, name, families, self.dns_settings.max_addresses,
                            self._now_us, on_done)
        return None if lookup.start() else lookup.cancel

    def _dhcpv4_event(self, event: str) -> None:
        self.control.raise_event(event)
        self.control.update_connectivity()
        # DHCP option 6: the servers the lease names join the configured ones.
        client = self.dhcpv4
        if event == "IPV4_DHCP_BOUND" and self.resolver is not None and client is not None \
                and client.lease is not None:
            self.resolver.set_dhcp_servers(client.lease.dns_servers)

    def _dns_command(self, arguments: list[str]) -> str:
        """`net dns NAME [A|AAAA]`: the query goes out now; its result is printed when
        it comes, as Zephyr's shell prints it from the resolver's callback."""
        kinds = {"A": dns.RecordType.A, "AAAA": dns.RecordType.AAAA}
        if self.resolver is None:
            return "net dns: CONFIG_DNS_RESOLVER is disabled\n"
        if not 1 <= len(arguments) <= 2 or (len(arguments) == 2
                                            and arguments[1].upper() not in kinds):
            return "Usage: net dns NAME [A|AAAA]\n"
        kind = kinds[arguments[1].upper()] if len(arguments) == 2 else dns.RecordType.A
        answered: list[Resolution] = []  # at once: from the cache, or refused
        query = self.resolver.resolve(arguments[0], kind, self._now_us(),
                                      lambda resolution, now: answered.append(resolution))
        if query is None:
            return "".join(self._resolution_text(item) for item in answered)
        query.on_done = self._print_resolution
        return f"Query for '{arguments[0]}' sent.\n"

    @staticmethod
    def _resolution_text(resolution: Resolution) -> str:
        if resolution.error is not None:
            return f"dns: {resolution.name}: {resolution.error.value}\n"
        return "".join(f"dns: {resolution.name} -> {address}\n"
                       for address in resolution.addresses)

    def _print_resolution(self, resolution: Resolution, now: int) -> None:
        if self._kernel is not None:
            self._kernel.console(self._resolution_text(resolution).encode())

    def _dhcpv4_lines(self) -> list[str]:
        """`net iface`'s DHCPv4 part, as Zephyr's shell prints it."""
        client = self.dhcpv4
        assert client is not None
        lease = client.lease
        lines = []
        if lease is not None:
            lines += [f"DHCPv4 lease time : {lease.lease_time}",
                      f"DHCPv4 renew time : {lease.renewal_time}",
                      f"DHCPv4 server     : {lease.server}",
                      f"DHCPv4 requested  : {lease.settings.address}"]
        lines += [f"DHCPv4 state      : {client.state.value}",
                  f"DHCPv4 attempts   : {client.attempts}"]
        return lines

    def _now_us(self) -> int:
        assert self._kernel is not None
        return self._microseconds(self._kernel.now)

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
        deadlines = [self.stack.next_deadline(),
                     None if self.sockets is None else self.sockets.next_deadline()]
        candidates.extend(self._cycles(deadline) for deadline in deadlines
                          if deadline is not None)
        return min(candidates) if candidates else None

    def deliver(self, kernel: Kernel) -> None:
        self._transmit(kernel.now)  # what was sent before (the link-up announcement)
        while self._arrivals and self._arrivals[0][0] <= kernel.now:
            cycle, frame = self._arrivals.popleft()
            self._capture(cycle, frame)
            self.stack.receive(frame, self._microseconds(cycle))
        self.stack.advance(self._microseconds(kernel.now))
        if self.sockets is not None:
            self.sockets.advance(self._microseconds(kernel.now))  # DTLS retransmissions
        self._transmit(kernel.now)
        self.control.update_connectivity()  # DAD done, a lease bound, ...

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
