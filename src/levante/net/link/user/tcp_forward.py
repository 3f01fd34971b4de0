"""`--forward tcp:HOSTPORT:DEVPORT`: host listeners (on 127.0.0.1 and ::1) whose clients
become the gateway's TCP connections to a server on the device."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from levante.net.link.user.forward_sockets import open_forward_sockets

# Host clients taken from one listener at each look (the rest wait in its backlog).
ACCEPTS_PER_LOOK = 8
HOST_BACKLOG = 16


@dataclass
class TcpForward:
    host_port: int
    device_port: int
    sock: socket.socket
    ipv6: bool = False


class TcpForwards:
    """Every `--forward tcp:` of the run: listeners on 127.0.0.1:HOSTPORT and
    [::1]:HOSTPORT each."""

    def __init__(self, specs: list[tuple[int, int]]) -> None:
        self.forwards: list[TcpForward] = []
        try:
            for host_port, device_port in specs:
                for sock, ipv6 in open_forward_sockets("tcp", host_port, device_port,
                                                       HOST_BACKLOG):
                    self.forwards.append(TcpForward(host_port, device_port, sock, ipv6))
        except OSError:
            self.close()
            raise

    @property
    def sockets(self) -> list[socket.socket]:
        return [forward.sock for forward in self.forwards]

    def accept(self, sock: socket.socket) -> list[tuple[socket.socket, int, bool]]:
        """The clients waiting on the listener `sock`, each with its device port and
        whether it came over IPv6."""
        forward = next((forward for forward in self.forwards if forward.sock is sock), None)
        if forward is None:
            return []
        clients: list[tuple[socket.socket, int, bool]] = []
        for _ in range(ACCEPTS_PER_LOOK):
            try:
                client, _ = sock.accept()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break  # the client left before it was taken
            clients.append((client, forward.device_port, forward.ipv6))
        return clients

    def close(self) -> None:
        for forward in self.forwards:
            forward.sock.close()
        self.forwards.clear()
