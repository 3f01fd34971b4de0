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

from levante.codecs import ipv4, tcp
from levante.codecs.ipv4 import Ipv4Packet
from levante.codecs.tcp import TcpSegment
from levante.net.link.user.plan import GATEWAY_MAC, HOST_LOOPBACK
from levante.net.link.user.tcp_flow import TcpFlow, abort_host
from levante.net.stack.ipv4 import ProtocolInput
from levante.net.stack.settings import (
    InterfaceSettings,
    Ipv4Settings,
    SettingsError,
    TcpSettings,
)
from levante.net.stack.stats import NetStats
from levante.net.stack.tcp import TcpLayer
from levante.net.stack.tcp_sequence import seq_add
from levante.net.stack.tcp_types import TcpUsageError

MAX_FLOWS = 32
# The gateway's side offers the largest window without scaling, and as much to send.
GATEWAY_TCP = TcpSettings(send_buffer=0xFFFF, receive_window=0xFFFF)
ISN_KEY_OCTETS = 16

# (the gateway's address, its port, the device's address, its port)
FlowKey = tuple[str, int, str, int]


class _AddressIp:
    """The IP below one gateway address's TCP engine: what it sends is collected."""

    def __init__(self, address: str, outgoing: list[Ipv4Packet]) -> None:
        # Netmask 0: every address is on link, the device being the gateway's only peer.
        self.settings = InterfaceSettings(mac=GATEWAY_MAC,
                                          ipv4=Ipv4Settings(address, "0.0.0.0"),
                                          tcp=GATEWAY_TCP)
        self.protocols: dict[int, ProtocolInput] = {}
        self.address = address
        self._outgoing = outgoing

    def send(self, destination: str, protocol: int, payload: bytes, now: int) -> bool:
        self._outgoing.append(Ipv4Packet(protocol=protocol, source=self.address,
                                         destination=destination, payload=payload))
        return True


@dataclass
class _Connecting:
    """A device's SYN waiting for the host's connect to finish."""

    sock: socket.socket
    syn: Ipv4Packet
    segment: TcpSegment


class HostTcpRelay:
    """The gateway's TCP: segments from the device in, packets to it out."""

    def __init__(self, host_aliases: tuple[str, ...], refused: frozenset[str],
                 counters: Counter[str], isn_key: bytes | None = None) -> None:
        self.host_aliases = host_aliases
        self.refused = refused  # gateway addresses with no TCP (the DNS server's)
        self.counters = counters
        self.stats = NetStats()
        self._key = isn_key or os.urandom(ISN_KEY_OCTETS)
        self._layers: dict[str, TcpLayer] = {}
        self._outgoing: list[Ipv4Packet] = []
        self._connecting: dict[FlowKey, _Connecting] = {}
        self.flows: dict[FlowKey, TcpFlow] = {}

    # --- The device's side --------------------------------------------------------

    def from_device(self, packet: Ipv4Packet, segment: TcpSegment,
                    now: int) -> list[Ipv4Packet]:
        """The device's segment in `packet` at simulated `now` (µs); packets to it."""
        local, device = packet.destination, packet.source
        key = (local, segment.destination_port, device, segment.source_port)
        layer = self._layers.get(local)
        known = layer is not None and (key[1], device, key[3]) in layer.connections
        if known or not segment.has("SYN") or segment.has("ACK"):
            if layer is None:
                self._reset(packet, segment)
            else:
                layer.receive(packet, b"", False, now)
        elif key not in self._connecting:  # a retransmitted SYN waits with the first
            self._open_host(key, packet, segment)
        self._pump(now)
        return self._take()

    def _open_host(self, key: FlowKey, packet: Ipv4Packet, segment: TcpSegment) -> None:
        local, port = key[0], key[1]
        if local in self.refused or len(self.flows) + len(self._connecting) >= MAX_FLOWS:
            self.counters["tcp.refused-by-gateway"] += 1
            self._reset(packet, segment)
            return
        target = HOST_LOOPBACK if local in self.host_aliases else local
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
        listener = layer.listeners.get(key[1])
        if listener is None:
            listener = layer.listen(key[1], MAX_FLOWS)
        layer.receive(pending.syn, b"", False, now)
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
                network = _AddressIp(address, self._outgoing)
            except SettingsError:
                return None  # no address the gateway can speak as
            layer = TcpLayer(network, self.stats, GATEWAY_TCP, self._key)
            self._layers[address] = layer
        return layer

    def _reset(self, packet: Ipv4Packet, segment: TcpSegment) -> None:
        """RFC 9293 §3.10.7.1 (CLOSED): the reset answering `segment` (none for a RST)."""
        if segment.has("RST"):
            return
        if segment.has("ACK"):
            reply = TcpSegment(source_port=segment.destination_port,
                               destination_port=segment.source_port,
                               sequence_number=segment.acknowledgment_number,
                               flags=("RST",))
        else:
            length = len(segment.payload) + segment.has("SYN") + segment.has("FIN")
            reply = TcpSegment(source_port=segment.destination_port,
                               destination_port=segment.source_port,
                               acknowledgment_number=seq_add(segment.sequence_number,
                                                             length),
                               flags=("ACK", "RST"))
        payload = tcp.encode(reply, source=packet.destination, destination=packet.source)
        self._outgoing.append(Ipv4Packet(protocol=ipv4.PROTOCOL_TCP,
                                         source=packet.destination,
                                         destination=packet.source, payload=payload))

    # --- Forwarded host clients -----------------------------------------------------

    def connect_device(self, sock: socket.socket, device: str, device_port: int,
                       now: int) -> list[Ipv4Packet]:
        """A host client accepted by `--forward tcp:`: a connection from the gateway's
        first address to the device's `device_port`; the client is reset when the flows
        are all taken or the device cannot be reached."""
        layer = self._layer(self.host_aliases[0])
        if layer is None or len(self.flows) + len(self._connecting) >= MAX_FLOWS:
            abort_host(sock)
            return []
        try:
            connection = layer.connect(0, device, device_port, now)
        except TcpUsageError:
            abort_host(sock)
            return []
        sock.setblocking(False)
        key = (self.host_aliases[0], connection.local_port, device, device_port)
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
              now: int) -> list[Ipv4Packet]:
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

    def advance(self, now: int) -> list[Ipv4Packet]:
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

    def _take(self) -> list[Ipv4Packet]:
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

