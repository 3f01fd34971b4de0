"""The user-mode gateway's TCP relay: the device's TCP flows through host TCP sockets.

Each device connection ends at the gateway, in a TCP engine of the gateway's own (the
stack's `TcpLayer`, one per address the gateway speaks as: the device's peer), and its
bytes go on through a non-blocking host socket (`tcp_flow.py`). Like QEMU's slirp, the
device's SYN is answered only once the host's connect has: when the host refuses (or
fails), the device gets the reset a closed port sends (RFC 9293 §3.10.7.1) and its
connect fails with ECONNREFUSED. The gateway's addresses that stand for the host reach
its loopback; any other address is connected to as it is (a NAT).

The engine's timers run on the interface's simulated clock (`now`, µs), as the device's
do; the host sockets are served at the wall-clock edge, when the link looks at them.
At most `MAX_FLOWS` flows (open and connecting): a SYN beyond them is reset.
"""

from __future__ import annotations

import errno
import os
import socket
from collections import Counter
from dataclasses import dataclass

from levante.codecs.addresses import is_ipv6_text
from levante.codecs.tcp import TcpSegment
from levante.net.link.user.plan import HOST_LOOPBACK
from levante.net.link.user.plan6 import HOST_LOOPBACK6
from levante.net.link.user.tcp_engine import IpPacket, engine_for, engine_receive, reset_for
from levante.net.link.user.tcp_flow import TcpFlow, abort_host
from levante.net.stack.settings import SettingsError
from levante.net.stack.stats import NetStats
from levante.net.stack.tcp import TcpLayer
from levante.net.stack.tcp_types import TcpUsageError

MAX_FLOWS = 32
ISN_KEY_OCTETS = 16

# (the gateway's address, its port, the device's address, its port)
FlowKey = tuple[str, int, str, int]


@dataclass
class _Connecting:
    """A device's SYN waiting for the host's connect to finish."""

    sock: socket.socket
    syn: IpPacket
    segment: TcpSegment


class HostTcpRelay:
    """The gateway's TCP: segments from the device in, packets to it out."""

    def __init__(self, host_aliases: tuple[str, ...], refused: frozenset[str],
                 counters: Counter[str], isn_key: bytes | None = None,
                 host_aliases6: tuple[str, ...] = ()) -> None:
        self.host_aliases = host_aliases
        self.host_aliases6 = host_aliases6
        self.refused = refused  # gateway addresses with no TCP (the DNS server's)
        self.counters = counters
        self.stats = NetStats()
        self._key = isn_key or os.urandom(ISN_KEY_OCTETS)
        self._layers: dict[str, TcpLayer] = {}
        self._outgoing: list[IpPacket] = []
        self._connecting: dict[FlowKey, _Connecting] = {}
        self.flows: dict[FlowKey, TcpFlow] = {}

    # --- The device's side --------------------------------------------------------

    def from_device(self, packet: IpPacket, segment: TcpSegment,
                    now: int) -> list[IpPacket]:
        """The device's segment in `packet` (its payload, over IPv4 or IPv6, extension
        headers taken off) at simulated `now` (µs); packets to it."""
        local, device = packet.destination, packet.source
        key = (local, segment.destination_port, device, segment.source_port)
        layer = self._layers.get(local)
        known = layer is not None and (key[1], device, key[3]) in layer.connections
        if known or not segment.has("SYN") or segment.has("ACK"):
            if layer is None:
                self._reset(packet, segment)
            else:
                engine_receive(layer, packet, now)
        elif key not in self._connecting:  # a retransmitted SYN waits with the first
            self._open_host(key, packet, segment)
        self._pump(now)
        return self._take()

    def _open_host(self, key: FlowKey, packet: IpPacket, segment: TcpSegment) -> None:
        local, port = key[0], key[1]
        if local in self.refused or len(self.flows) + len(self._connecting) >= MAX_FLOWS:
            self.counters["tcp.refused-by-gateway"] += 1
            self._reset(packet, segment)
            return
        ipv6 = is_ipv6_text(local)
        target = local
        if local in self.host_aliases:
            target = HOST_LOOPBACK
        elif local in self.host_aliases6:
            target = HOST_LOOPBACK6
        try:
            sock = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET,
                                 socket.SOCK_STREAM)
        except OSError:
            self.counters["tcp.host-refused"] += 1  # the host has no IPv6
            self._reset(packet, segment)
            return
        sock.setblocking(False)
        status = sock.connect_ex((target, port))
        if status not in (0, errno.EINPROGRESS):
            sock.close()
            self.counters["tcp.host-refused"] += 1
            self._reset(packet, segment)
            return
        self._connecting[key] = _Connecting(sock, packet, segment)

    def _host_connected(self, key: FlowKey, pending: _Connecting, now: int) -> None:
        """The host's connect ended: the device's SYN is answered (SYN,ACK or RST)."""
        del self._connecting[key]
        status = pending.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if status != 0:
            pending.sock.close()
            self.counters["tcp.host-refused"] += 1
            self._reset(pending.syn, pending.segment)
            return
        layer = self._layer(key[0])
        if layer is None:
            abort_host(pending.sock)
            self._reset(pending.syn, pending.segment)
            return
        ipv6 = is_ipv6_text(key[0])
        listener = (layer.listeners6 if ipv6 else layer.listeners).get(key[1])
        if listener is None:
            listener = layer.listen(key[1], MAX_FLOWS, ipv6=ipv6)
        engine_receive(layer, pending.syn, now)
        connection = layer.connections.get((key[1], key[2], key[3]))
        if connection is None:  # the engine dropped the SYN (counted in its stats)
            abort_host(pending.sock)
            return
        # Accepted at once: the flow holds it, the listener's queue stays empty.
        listener.half_open.remove(connection)
        connection.listener = None
        self.flows[key] = TcpFlow(connection, pending.sock)
        self.counters["tcp.flows"] += 1

    def _layer(self, address: str) -> TcpLayer | None:
        layer = self._layers.get(address)
        if layer is None:
            try:
                layer = engine_for(address, self._outgoing, self.stats, self._key)
            except SettingsError:
                return None  # no address the gateway can speak as
            self._layers[address] = layer
        return layer

    def _reset(self, packet: IpPacket, segment: TcpSegment) -> None:
        reset = reset_for(packet, segment)
        if reset is not None:
            self._outgoing.append(reset)

    # --- Forwarded host clients -----------------------------------------------------

    def connect_device(self, sock: socket.socket, device: str, device_port: int,
                       now: int) -> list[IpPacket]:
        """A host client accepted by `--forward tcp:`: a connection from the gateway's
        first address of the device address's family to its `device_port`; the client
        is reset when the flows are all taken or the device cannot be reached."""
        aliases = self.host_aliases6 if is_ipv6_text(device) else self.host_aliases
        if not aliases:
            abort_host(sock)
            return []
        local = aliases[0]
        layer = self._layer(local)
        if layer is None or len(self.flows) + len(self._connecting) >= MAX_FLOWS:
            abort_host(sock)
            return []
        try:
            connection = layer.connect(0, device, device_port, now)
        except TcpUsageError:
            abort_host(sock)
            return []
        sock.setblocking(False)
        key = (local, connection.local_port, device, device_port)
        self.flows[key] = TcpFlow(connection, sock)
        self.counters["tcp.forwarded"] += 1
        return self._take()

    # --- The host's side -------------------------------------------------------------

    @property
    def readers(self) -> list[socket.socket]:
        return [flow.sock for flow in self.flows.values() if flow.wants_read]

    @property
    def writers(self) -> list[socket.socket]:
        return [*(pending.sock for pending in self._connecting.values()),
                *(flow.sock for flow in self.flows.values() if flow.wants_write)]

    @property
    def busy(self) -> bool:
        """Flows open or connecting: something may still come from the host."""
        return bool(self.flows or self._connecting)

    def serve(self, readable: list[socket.socket], writable: list[socket.socket],
              now: int) -> list[IpPacket]:
        """The host sockets that became readable or writable; packets to the device."""
        for key, pending in list(self._connecting.items()):
            if pending.sock in writable:
                self._host_connected(key, pending, now)
        for flow in list(self.flows.values()):
            if flow.sock in readable:
                flow.host_readable(now)
        self._pump(now)
        return self._take()

    # --- Time ----------------------------------------------------------------------

    def next_deadline(self) -> int | None:
        return min((deadline for layer in self._layers.values()
                    if (deadline := layer.next_deadline()) is not None), default=None)

    def advance(self, now: int) -> list[IpPacket]:
        for layer in list(self._layers.values()):
            layer.advance(now)
        self._pump(now)
        return self._take()

    # --- Housekeeping ----------------------------------------------------------------

    def _pump(self, now: int) -> None:
        for key, flow in list(self.flows.items()):
            flow.pump(now)
            if flow.ended is not None:
                del self.flows[key]
                self.counters[f"tcp.end.{flow.ended.value}"] += 1
        for address, layer in list(self._layers.items()):
            if not layer.connections and not any(
                    key[0] == address for key in self._connecting):
                for listener in list(layer.listeners.values()):
                    listener.close(now)
                del self._layers[address]

    def _take(self) -> list[IpPacket]:
        packets, self._outgoing[:] = list(self._outgoing), []
        return packets

    def close(self) -> None:
        """The run ends: the host's peers see resets (the device is not told)."""
        for flow in self.flows.values():
            abort_host(flow.sock)
        for pending in self._connecting.values():
            pending.sock.close()
        self.flows.clear()
        self._connecting.clear()

