"""`--forward tcp:HOSTPORT:DEVPORT`: host listeners whose clients become the gateway's TCP
connections to a server on the device."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from levante.net.link.user.plan import HOST_LOOPBACK

# Host clients taken from one listener at each look (the rest wait in its backlog).
ACCEPTS_PER_LOOK = 8
HOST_BACKLOG = 16


@dataclass
class TcpForward:
    host_port: int
    device_port: int
    sock: socket.socket


class TcpForwards:
    """Every `--forward tcp:` of the run: a listener on 127.0.0.1:HOSTPORT each."""

    def __init__(self, specs: list[tuple[int, int]]) -> None:
        self.forwards: list[TcpForward] = []
        try:
            for host_port, device_port in specs:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    sock.bind((HOST_LOOPBACK, host_port))
                    sock.listen(HOST_BACKLOG)
                except OSError as error:
                    sock.close()
                    raise OSError(error.errno, f"tcp:{host_port}:{device_port}: cannot "
                                  f"listen on {HOST_LOOPBACK}:{host_port}: "
                                  f"{error.strerror}") from None
                sock.setblocking(False)
                self.forwards.append(TcpForward(host_port, device_port, sock))
        except OSError:
            self.close()
            raise

    @property
    def sockets(self) -> list[socket.socket]:
        return [forward.sock for forward in self.forwards]

    def accept(self, sock: socket.socket) -> list[tuple[socket.socket, int]]:
        """The clients waiting on the listener `sock`, each with its device port."""
        forward = next((forward for forward in self.forwards if forward.sock is sock), None)
        if forward is None:
            return []
        clients: list[tuple[socket.socket, int]] = []
        for _ in range(ACCEPTS_PER_LOOK):
            try:
                client, _ = sock.accept()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break  # the client left before it was taken
            clients.append((client, forward.device_port))
        return clients

    def close(self) -> None:
        for forward in self.forwards:
            forward.sock.close()
        self.forwards.clear()
