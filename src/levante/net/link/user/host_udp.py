"""The user-mode gateway's UDP at the host edge: the device's flows relayed through host
sockets (a NAT), and `--forward udp:HOSTPORT:DEVPORT` bringing host clients to the device.

Flows are keyed by the device's endpoint (endpoint-independent mapping, RFC 4787 §4.1):
one host socket per device address and port, whatever the destination, so a peer's reply
from another port comes back too. At most `MAX_FLOWS`; the least recently used makes
room, and a flow unused for `FLOW_IDLE_SECONDS` of wall-clock time is closed (RFC 4787
REQ-5 asks at least two minutes for ports above 1023; the relay is on the host, where
a flow's socket is a host resource, hence the host's clock).
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from levante.codecs.addresses import is_ipv6_text
from levante.net.link.user.forward_sockets import device_target, open_forward_sockets
from levante.net.link.user.plan import HOST_LOOPBACK
from levante.net.link.user.plan6 import HOST_LOOPBACK6

MAX_FLOWS = 64
FLOW_IDLE_SECONDS = 120.0
MAX_DATAGRAM = 65_527  # the largest UDP payload (over IPv6; IPv4's is smaller)
# The gateway's own ports for forwarded clients: the dynamic range (RFC 6335 §6).
FORWARD_PORTS = range(49152, 65536)
MAX_FORWARD_CLIENTS = 64

# A datagram for the device: source address and port, device address and port, payload.
ToDevice = tuple[str, int, str, int, bytes]


@dataclass
class _Flow:
    device: tuple[str, int]
    sock: socket.socket
    loopback_alias: str  # the gateway address the device used for the host's loopback
    used: float


class UdpRelay:
    """The device's UDP flows through host sockets: an IPv4 socket for a flow from an
    IPv4 address, an IPv6 one for a flow from an IPv6 address; the gateway's addresses
    that stand for the host reach 127.0.0.1 and ::1."""

    def __init__(self, host_aliases: tuple[str, ...],
                 host_aliases6: tuple[str, ...] = ()) -> None:
        self.host_aliases = host_aliases
        self.host_aliases6 = host_aliases6
        self._flows: dict[tuple[str, int], _Flow] = {}
        self.send_failures = 0

    @property
    def sockets(self) -> list[socket.socket]:
        return [flow.sock for flow in self._flows.values()]

    @property
    def is_open(self) -> bool:
        return bool(self._flows)

    def send(self, device: tuple[str, int], destination: str, port: int,
             payload: bytes) -> bool:
        """The device's datagram to `destination`:`port`; False when the host refused."""
        flow = self._flows.get(device)
        if flow is None:
            flow = self._open(device)
            if flow is None:
                return False
        flow.used = time.monotonic()
        target = destination
        if destination in self.host_aliases:
            flow.loopback_alias, target = destination, HOST_LOOPBACK
        elif destination in self.host_aliases6:
            flow.loopback_alias, target = destination, HOST_LOOPBACK6
        try:
            flow.sock.sendto(payload, (target, port))
        except OSError:
            self.send_failures += 1
            return False
        return True

    def _open(self, device: tuple[str, int]) -> _Flow | None:
        if len(self._flows) >= MAX_FLOWS:
            oldest = min(self._flows.values(), key=lambda flow: flow.used)
            self._close(oldest)
        ipv6 = is_ipv6_text(device[0])
        try:
            sock = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET,
                                 socket.SOCK_DGRAM)
        except OSError:
            self.send_failures += 1  # the host has no IPv6
            return None
        try:
            sock.bind(("::" if ipv6 else "0.0.0.0", 0))
        except OSError:
            sock.close()
            self.send_failures += 1
            return None
        sock.setblocking(False)
        aliases = self.host_aliases6 if ipv6 else self.host_aliases
        flow = _Flow(device, sock, aliases[0] if aliases else "", time.monotonic())
        self._flows[device] = flow
        return flow

    def receive(self, sock: socket.socket) -> list[ToDevice]:
        """What arrived on `sock` for the device, the host's loopback shown as the
        gateway address the device used for it."""
        flow = next((flow for flow in self._flows.values() if flow.sock is sock), None)
        if flow is None:
            return []
        datagrams: list[ToDevice] = []
        for _ in range(64):
            try:
                payload, address = sock.recvfrom(MAX_DATAGRAM)
            except BlockingIOError:
                break
            except OSError:
                break  # an ICMP error the host reported for an earlier send
            source, port = str(address[0]), int(address[1])
            if "%" in source:
                continue  # a scoped (link-local) host address: the device cannot answer it
            if source.startswith("127.") or source == HOST_LOOPBACK6:
                source = flow.loopback_alias
            datagrams.append((source, port, flow.device[0], flow.device[1], payload))
            flow.used = time.monotonic()
        return datagrams

    def expire(self) -> None:
        now = time.monotonic()
        for flow in [flow for flow in self._flows.values()
                     if now - flow.used > FLOW_IDLE_SECONDS]:
            self._close(flow)

    def next_expiry(self) -> float | None:
        return min((flow.used + FLOW_IDLE_SECONDS for flow in self._flows.values()),
                   default=None)

    def _close(self, flow: _Flow) -> None:
        flow.sock.close()
        del self._flows[flow.device]

    def close(self) -> None:
        for flow in list(self._flows.values()):
            self._close(flow)


@dataclass
class UdpForward:
    """`udp:HOSTPORT:DEVPORT`: a host socket on 127.0.0.1:HOSTPORT (or [::1]:HOSTPORT)
    whose datagrams go to the device's DEVPORT, from the gateway (one gateway port per
    host client, so the device's answers find their way back)."""

    host_port: int
    device_port: int
    sock: socket.socket
    ipv6: bool = False


class UdpForwards:
    """Every `--forward udp:` of the run (`forward_sockets.py` says which socket reaches
    which of the device's addresses)."""

    def __init__(self, specs: list[tuple[int, int]], gateway_address: str,
                 gateway_address6: str | None = None) -> None:
        self.gateway_address = gateway_address
        self.gateway_address6 = gateway_address6
        self.forwards: list[UdpForward] = []
        self._clients: dict[int, tuple[UdpForward, tuple[str, int]]] = {}
        self._ports: dict[tuple[int, tuple[str, int]], int] = {}
        self._next_port = FORWARD_PORTS.start
        try:
            for host_port, device_port in specs:
                for sock, ipv6 in open_forward_sockets("udp", host_port, device_port):
                    self.forwards.append(UdpForward(host_port, device_port, sock, ipv6))
        except OSError:
            self.close()
            raise

    @property
    def sockets(self) -> list[socket.socket]:
        return [forward.sock for forward in self.forwards]

    def receive(self, sock: socket.socket, device_address: str | None,
                device_address6: str | None = None) -> list[ToDevice]:
        forward = next((forward for forward in self.forwards if forward.sock is sock), None)
        if forward is None:
            return []
        datagrams: list[ToDevice] = []
        for _ in range(64):
            try:
                payload, address = sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, OSError):
                break
            device = device_target(forward.ipv6, device_address, device_address6)
            if device is None:
                continue  # the device has no address yet: nothing to deliver to
            source = self.gateway_address6 if is_ipv6_text(device) else self.gateway_address
            if source is None:
                continue
            port = self._port_for(forward, (str(address[0]), int(address[1])))
            datagrams.append((source, port, device, forward.device_port, payload))
        return datagrams

    def _port_for(self, forward: UdpForward, client: tuple[str, int]) -> int:
        key = (forward.host_port, client)
        port = self._ports.get(key)
        if port is not None:
            return port
        if len(self._clients) >= MAX_FORWARD_CLIENTS:
            # The oldest client makes room (dicts keep insertion order).
            old_port = next(iter(self._clients))
            old_forward, old_client = self._clients.pop(old_port)
            del self._ports[(old_forward.host_port, old_client)]
        port = self._next_port
        self._next_port = FORWARD_PORTS.start + (
            (port + 1 - FORWARD_PORTS.start) % len(FORWARD_PORTS))
        self._clients[port] = (forward, client)
        self._ports[key] = port
        return port

    def answer(self, gateway_port: int, payload: bytes) -> bool:
        """The device's datagram to the gateway's `gateway_port`: back to the host client
        it stands for; False when it stands for none."""
        entry = self._clients.get(gateway_port)
        if entry is None:
            return False
        forward, client = entry
        try:
            forward.sock.sendto(payload, client)
        except OSError:
            return False
        return True

    def close(self) -> None:
        for forward in self.forwards:
            forward.sock.close()
        self.forwards.clear()
