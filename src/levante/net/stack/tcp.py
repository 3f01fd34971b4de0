"""TCP (RFC 9293) for the interface: the port table, listeners, and segments to the
connections they belong to.

The socket layer's API (every call that can send takes `now`, simulated µs):

- `TcpLayer.listen(port, backlog, ipv6=False) -> Listener` (port 0: an ephemeral one;
  IPv4 and IPv6 have a listener table each, so one port may listen in both);
  `Listener.accept() -> Connection | None`, `Listener.readable` (one waits),
  `Listener.close(now)` (resets what was not accepted), `Listener.on_event`.
- `TcpLayer.connect(local_port or 0, remote_ip, remote_port, now) -> Connection`
  (in SYN-SENT; `TcpEvent.CONNECTED` or an `error` follows); `remote_ip` is dotted
  decimal or IPv6 text, and the connection runs over that family.
- `Connection.send(data, now) -> int` octets taken (0 when the buffer is full),
  `Connection.receive(maximum, now) -> bytes` (b"" when nothing is there),
  `Connection.shutdown_write(now)`, `Connection.close(now)`, `Connection.abort(now)`.
- State: `state` (`TcpState`), `readable`, `writable`, `at_eof`, `is_connected`,
  `error` (None or Zephyr's errno name: "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"),
  `no_delay` (TCP_NODELAY), `local_port`, `remote_ip`, `remote_port`.
- `on_event(connection, TcpEvent)`: CONNECTED, READABLE, WRITABLE, ERROR, CLOSED (and
  ACCEPTABLE on a listener), called from inside the stack so waiters can be woken.
- Calls a connection cannot take raise `TcpUsageError` with `errno` ("EPIPE",
  "ENOTCONN", "EADDRINUSE", "EINVAL", "ENETUNREACH", ...).

Every segment dropped is counted in NetStats as `tcp.drop.<reason>`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

from levante.codecs import ipv4, ipv6, tcp
from levante.codecs.addresses import canonical_ipv6, is_ipv6_text
from levante.codecs.ipv4 import Ipv4Packet
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.tcp import TcpSegment
from levante.net.stack.ipv4 import ProtocolInput
from levante.net.stack.ipv6 import Ipv6Input
from levante.net.stack.rate_limit import TokenBucket
from levante.net.stack.settings import (
    InterfaceSettings,
    SettingsError,
    TcpSettings,
    address_value,
)
from levante.net.stack.stats import NetStats
from levante.net.stack.tcp_arrival import segment_arrives
from levante.net.stack.tcp_connection import (
    Connection,
    TcpContext,
    TcpEvent,
    TcpState,
    TcpUsageError,
)
from levante.net.stack.tcp_sequence import IsnGenerator, seq_add

# RFC 6335 §6: the dynamic (ephemeral) ports.
EPHEMERAL_FIRST = 49152
EPHEMERAL_LAST = 65535
# listen()'s backlog is clamped to this: half-open and accepted-but-not-taken
# connections together never exceed it, whatever a SYN flood sends.
MAXIMUM_BACKLOG = 32
# Buffers when the tunables are 0 ("the stack chooses"): eight segments.
DEFAULT_BUFFER_SEGMENTS = 8
# RFC 5961 §7: challenge ACKs are rate limited; a burst of 10, then 100 a second.
CHALLENGE_BURST = 10
CHALLENGE_INTERVAL_US = 10_000
IPV4_AND_TCP_HEADERS = 40
IPV6_AND_TCP_HEADERS = 60

ConnectionKey = tuple[int, str, int]  # (local port, remote address, remote port)


class TcpNetwork(Protocol):
    """What the layer needs of the IP below it: the interface's settings (its address,
    MTU), the protocol table to register its input in, and a way to send. The stack's
    `Ipv4Layer` is one; the user-mode gateway gives each address it speaks as another."""

    settings: InterfaceSettings
    protocols: dict[int, ProtocolInput]

    def send(self, destination: str, protocol: int, payload: bytes, now: int) -> bool: ...


class TcpAddresses(Protocol):
    def is_ours(self, address: str) -> bool: ...


class TcpNetwork6(Protocol):
    """What the layer needs of the IPv6 below it: the stack's `Ipv6Layer` is one; the
    user-mode gateway gives each IPv6 address it speaks as another."""

    protocols: dict[int, Ipv6Input]

    @property
    def addresses(self) -> TcpAddresses: ...

    def source_for(self, destination: str) -> str | None: ...

    def send(self, destination: str, next_header: int, payload: bytes, now: int, *,
             source: str) -> bool: ...


class Listener:
    """A port in LISTEN (§3.10.7.2) with its bounded backlog."""

    def __init__(self, layer: TcpLayer, port: int, backlog: int, ipv6: bool = False) -> None:
        self.layer = layer
        self.port = port
        self.ipv6 = ipv6
        self.backlog = backlog
        self.half_open: list[Connection] = []
        self.accept_queue: deque[Connection] = deque()
        self.on_event: Callable[[Listener, TcpEvent], None] | None = None
        self.closed = False

    @property
    def readable(self) -> bool:
        return bool(self.accept_queue)

    @property
    def is_full(self) -> bool:
        return len(self.half_open) + len(self.accept_queue) >= self.backlog

    def accept(self) -> Connection | None:
        """The oldest established connection, or None when none waits."""
        return self.accept_queue.popleft() if self.accept_queue else None

    def established(self, connection: Connection) -> None:
        if connection in self.half_open:
            self.half_open.remove(connection)
        connection.listener = None
        self.accept_queue.append(connection)
        if self.on_event is not None:
            self.on_event(self, TcpEvent.ACCEPTABLE)

    def forget(self, connection: Connection) -> None:
        if connection in self.half_open:
            self.half_open.remove(connection)

    def close(self, now: int) -> None:
        """Stop listening; connections not accepted yet are reset."""
        if self.closed:
            return
        self.closed = True
        for connection in [*self.half_open, *self.accept_queue]:
            connection.abort(now)
        self.half_open.clear()
        self.accept_queue.clear()
        table = self.layer.listeners6 if self.ipv6 else self.layer.listeners
        if table.get(self.port) is self:
            del table[self.port]


class TcpLayer:
    """The connections and listeners of the interface, and its TCP input."""

    def __init__(self, ip: TcpNetwork, stats: NetStats, settings: TcpSettings,
                 isn_key: bytes) -> None:
        self.ip = ip
        self.stats = stats
        self.settings = settings
        self.isn = IsnGenerator(isn_key)
        self.connections: dict[ConnectionKey, Connection] = {}
        self.listeners: dict[int, Listener] = {}
        self.listeners6: dict[int, Listener] = {}
        self.ipv6: TcpNetwork6 | None = None
        self.context6: TcpContext | None = None
        self._challenges = TokenBucket(CHALLENGE_BURST, CHALLENGE_INTERVAL_US)
        mss = ip.settings.mtu - IPV4_AND_TCP_HEADERS
        default_buffer = DEFAULT_BUFFER_SEGMENTS * mss
        local = ip.settings.ipv4.address if ip.settings.ipv4 is not None else ""
        self.context = TcpContext(
            settings=settings, stats=stats, local_ip=local, mss=mss,
            send_capacity=settings.send_buffer or default_buffer,
            receive_capacity=min(settings.receive_window or default_buffer, 0xFFFF),
            emit=self._emit, released=self._released, may_challenge=self._challenges.take)
        # RFC 6056 §3.3.1-style: ephemeral ports start at a point the key chooses.
        span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1
        self._next_ephemeral = EPHEMERAL_FIRST + int.from_bytes(isn_key[:2], "big") % span
        ip.protocols[ipv4.PROTOCOL_TCP] = self.receive

    def attach_ipv6(self, ip: TcpNetwork6, link_mtu: int) -> None:
        """Serve TCP over IPv6 too: its segments carry at most the link MTU less the
        IPv6 and TCP headers (RFC 8200 §5: no fragmenting needed)."""
        self.ipv6 = ip
        mss = link_mtu - IPV6_AND_TCP_HEADERS
        self.context6 = TcpContext(
            settings=self.settings, stats=self.stats, local_ip="", mss=mss,
            send_capacity=self.context.send_capacity,
            receive_capacity=self.context.receive_capacity, emit=self._emit,
            released=self._released, may_challenge=self._challenges.take)
        ip.protocols[ipv6.NEXT_TCP] = self.receive_ipv6

    # --- The socket layer's calls -------------------------------------------------------

    def listen(self, port: int, backlog: int, ipv6: bool = False) -> Listener:
        if not 0 <= port <= 0xFFFF:
            raise TcpUsageError("EINVAL", f"port {port} outside 0..65535")
        if ipv6 and self.ipv6 is None:
            raise TcpUsageError("EAFNOSUPPORT", "the interface has no IPv6")
        if port == 0:
            port = self._free_ephemeral_port()
        table = self.listeners6 if ipv6 else self.listeners
        if port in table:
            raise TcpUsageError("EADDRINUSE", f"TCP port {port} is listening already")
        listener = Listener(self, port, max(1, min(backlog, MAXIMUM_BACKLOG)), ipv6)
        table[port] = listener
        return listener

    def connect(self, local_port: int, remote_ip: str, remote_port: int,
                now: int) -> Connection:
        """OPEN (active, §3.10.1): a connection in SYN-SENT whose SYN is on its way."""
        if is_ipv6_text(remote_ip):
            return self._connect_ipv6(local_port, remote_ip, remote_port, now)
        settings = self.ip.settings.ipv4
        if settings is None:
            raise TcpUsageError("ENETUNREACH", "the interface has no IPv4 address")
        if not 1 <= remote_port <= 0xFFFF or not 0 <= local_port <= 0xFFFF:
            raise TcpUsageError("EINVAL", "a port outside 1..65535")
        try:
            remote = address_value(remote_ip)
        except SettingsError:
            raise TcpUsageError("EINVAL", f"{remote_ip!r} is not an IPv4 address") from None
        # RFC 1122 §4.2.3.10: an OPEN to a broadcast or multicast address is refused.
        if remote >> 28 >= 0xE or settings.is_broadcast(remote_ip) or remote == 0:
            raise TcpUsageError("EINVAL", f"{remote_ip} is not a unicast address")
        if remote_ip == settings.address:
            raise TcpUsageError("ENETUNREACH", "the interface's own address needs a "
                                "loopback interface, which the stack does not have")
        if settings.next_hop(remote_ip) is None:
            raise TcpUsageError("ENETUNREACH", f"no route to {remote_ip}")
        return self._open(self.context, settings.address, local_port, remote_ip,
                          remote_port, now)

    def _connect_ipv6(self, local_port: int, remote_ip: str, remote_port: int,
                      now: int) -> Connection:
        if self.ipv6 is None or self.context6 is None:
            raise TcpUsageError("ENETUNREACH", "the interface has no IPv6")
        if not 1 <= remote_port <= 0xFFFF or not 0 <= local_port <= 0xFFFF:
            raise TcpUsageError("EINVAL", "a port outside 1..65535")
        try:
            remote_ip = canonical_ipv6(remote_ip, tcp.TcpError)
        except tcp.TcpError:
            raise TcpUsageError("EINVAL", f"{remote_ip!r} is not an IPv6 address") from None
        # RFC 1122 §4.2.3.10's rule over IPv6: no OPEN to a multicast or unspecified
        # address; the own address needs a loopback the stack does not have.
        if remote_ip.startswith("ff") or remote_ip == "::":
            raise TcpUsageError("EINVAL", f"{remote_ip} is not a unicast address")
        if self.ipv6.addresses.is_ours(remote_ip):
            raise TcpUsageError("ENETUNREACH", "the interface's own address needs a "
                                "loopback interface, which the stack does not have")
        source = self.ipv6.source_for(remote_ip)
        if source is None:
            raise TcpUsageError("ENETUNREACH", f"no IPv6 source address for {remote_ip}")
        return self._open(self.context6, source, local_port, remote_ip, remote_port, now)

    def _open(self, context: TcpContext, local_ip: str, local_port: int, remote_ip: str,
              remote_port: int, now: int) -> Connection:
        port = local_port or self._free_ephemeral_port()
        key = (port, remote_ip, remote_port)
        if key in self.connections:
            raise TcpUsageError("EADDRINUSE", f"a connection {port}→{remote_ip}:"
                                f"{remote_port} exists already")
        iss = self.isn.initial_sequence(local_ip, port, remote_ip, remote_port, now)
        connection = Connection(context, port, remote_ip, remote_port, iss)
        connection.local_address = local_ip
        self.connections[key] = connection
        connection.open_active(now)
        return connection

    def free_port(self) -> int:
        """An ephemeral port no listener or connection uses (a socket's bind to 0)."""
        return self._free_ephemeral_port()

    def _free_ephemeral_port(self) -> int:
        span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1
        used = {key[0] for key in self.connections} | set(self.listeners) | \
            set(self.listeners6)
        for step in range(span):
            port = EPHEMERAL_FIRST + (self._next_ephemeral - EPHEMERAL_FIRST + step) % span
            if port not in used:
                self._next_ephemeral = port + 1 if port < EPHEMERAL_LAST else EPHEMERAL_FIRST
                return port
        raise TcpUsageError("EADDRINUSE", "no ephemeral TCP port is free")

    # --- Timers ------------------------------------------------------------------------

    def connection_rows(self) -> list[tuple[str, str, str, str]]:
        """(protocol, local, remote, state) of every listener and connection, for
        `net conn`."""
        local = self.context.local_ip or "*"
        rows = [("TCP", f"{local}:{port}", "*:*", "LISTEN") for port in sorted(self.listeners)]
        rows += [("TCP", f"{local}:{port}", f"{remote}:{remote_port}", connection.state.value)
                 for (port, remote, remote_port), connection in sorted(
                     self.connections.items(), key=lambda item: item[0])]
        return rows

    def next_deadline(self) -> int | None:
        return min((deadline for connection in self.connections.values()
                    if (deadline := connection.next_deadline()) is not None), default=None)

    def advance(self, now: int) -> None:
        for connection in list(self.connections.values()):
            deadline = connection.next_deadline()
            if deadline is not None and deadline <= now:
                connection.advance(now)

    # --- Input -------------------------------------------------------------------------

    def receive(self, packet: Ipv4Packet, raw: bytes, to_broadcast: bool, now: int) -> None:
        self._arrives(packet.source, packet.destination, packet.payload, to_broadcast,
                      self.listeners, now)

    def receive_ipv6(self, packet: Ipv6Packet, data: bytes, to_multicast: bool,
                     now: int) -> None:
        self._arrives(packet.source, packet.destination, data, to_multicast,
                      self.listeners6, now)

    def _arrives(self, source: str, destination: str, data: bytes, to_broadcast: bool,
                 listeners: dict[int, Listener], now: int) -> None:
        self.stats.count("tcp.received")
        # RFC 1122 §4.2.3.10: a segment to a broadcast or multicast address is dropped.
        if to_broadcast:
            self.stats.drop("tcp", "broadcast")
            return
        try:
            segment = tcp.decode(data, source=source, destination=destination)
        except tcp.TcpChecksumError:
            self.stats.drop("tcp", "bad-checksum")
            return
        except tcp.TcpError:
            self.stats.drop("tcp", "malformed")
            return
        if segment.source_port == 0 or segment.destination_port == 0:
            self.stats.drop("tcp", "port-zero")
            return
        # CVE-2022-1841-style flag abuse: SYN with FIN or RST asks for two opposite
        # things at once; no state of RFC 9293 needs it, Linux drops it too.
        if segment.has("SYN") and (segment.has("FIN") or segment.has("RST")):
            self.stats.drop("tcp", "syn-fin" if segment.has("FIN") else "syn-rst")
            return
        key = (segment.destination_port, source, segment.source_port)
        connection = self.connections.get(key)
        if connection is not None:
            segment_arrives(connection, segment, now)
            return
        listener = listeners.get(segment.destination_port)
        if listener is not None:
            self._in_listen(listener, source, destination, segment, now)
            return
        self._to_closed_port(source, segment, now)

    def _to_closed_port(self, source: str, segment: TcpSegment, now: int) -> None:
        """§3.10.7.1 CLOSED: answer with a RST, except a RST (never a RST for a RST)."""
        if segment.has("RST"):
            self.stats.drop("tcp", "rst-to-closed-port")
            return
        self.stats.drop("tcp", "closed-port")
        if not self.settings.reject_with_rst:  # NET_TCP_REJECT_CONN_WITH_RST=n
            return
        self._reset_answering(source, segment, now)

    def _reset_answering(self, source: str, segment: TcpSegment, now: int) -> None:
        if segment.has("ACK"):
            # <SEQ=SEG.ACK><CTL=RST>
            reset = TcpSegment(source_port=segment.destination_port,
                               destination_port=segment.source_port,
                               sequence_number=segment.acknowledgment_number,
                               flags=("RST",))
        else:
            # <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
            length = len(segment.payload) + segment.has("SYN") + segment.has("FIN")
            reset = TcpSegment(source_port=segment.destination_port,
                               destination_port=segment.source_port, sequence_number=0,
                               acknowledgment_number=seq_add(segment.sequence_number,
                                                             length),
                               flags=("ACK", "RST"))
        self.stats.count("tcp.reset_sent")
        self._emit(source, reset, now)

    def _in_listen(self, listener: Listener, source: str, destination: str,
                   segment: TcpSegment, now: int) -> None:
        """§3.10.7.2 LISTEN: RST ignored, ACK reset, SYN opens (within the backlog)."""
        if segment.has("RST"):
            self.stats.drop("tcp", "rst-in-listen")
            return
        if segment.has("ACK"):
            self.stats.drop("tcp", "ack-in-listen")
            self._reset_answering(source, segment, now)
            return
        if not segment.has("SYN"):
            self.stats.drop("tcp", "no-syn-in-listen")
            return
        context = self.context6 if listener.ipv6 else self.context
        local = destination
        if not listener.ipv6:
            settings = self.ip.settings.ipv4
            if settings is None:
                self.stats.drop("tcp", "no-address")
                return
            local = settings.address
        assert context is not None  # an IPv6 listener exists only with IPv6 attached
        if listener.is_full:
            # A SYN flood beyond the backlog is dropped: no TCB, no SYN,ACK, no memory.
            self.stats.drop("tcp", "backlog-full")
            return
        iss = self.isn.initial_sequence(local, listener.port, source,
                                        segment.source_port, now)
        connection = Connection(context, listener.port, source, segment.source_port, iss)
        connection.local_address = local
        connection.listener = listener
        listener.half_open.append(connection)
        self.connections[(listener.port, source, segment.source_port)] = connection
        # Text in a SYN is not kept (the peer sends it again once it is acknowledged).
        connection.open_passive(segment, now)

    # --- Output -------------------------------------------------------------------------

    def _emit(self, remote: str, segment: TcpSegment, now: int) -> None:
        if is_ipv6_text(remote):
            self._emit_ipv6(remote, segment, now)
            return
        settings = self.ip.settings.ipv4
        if settings is None:
            self.stats.drop("tcp", "no-address")
            return
        data = tcp.encode(segment, source=settings.address, destination=remote)
        if self.ip.send(remote, ipv4.PROTOCOL_TCP, data, now):
            self.stats.count("tcp.sent")

    def _emit_ipv6(self, remote: str, segment: TcpSegment, now: int) -> None:
        source = self.ipv6.source_for(remote) if self.ipv6 is not None else None
        if self.ipv6 is None or source is None:
            self.stats.drop("tcp", "no-address")
            return
        data = tcp.encode(segment, source=source, destination=remote)
        if self.ipv6.send(remote, ipv6.NEXT_TCP, data, now, source=source):
            self.stats.count("tcp.sent")

    def _released(self, connection: Connection) -> None:
        key = (connection.local_port, connection.remote_ip, connection.remote_port)
        if self.connections.get(key) is connection:
            del self.connections[key]
        owner = connection.listener
        if isinstance(owner, Listener):
            owner.forget(connection)
        self.stats.count("tcp.closed")


__all__ = ["Connection", "Listener", "TcpEvent", "TcpLayer", "TcpNetwork", "TcpNetwork6",
           "TcpState", "TcpUsageError"]
