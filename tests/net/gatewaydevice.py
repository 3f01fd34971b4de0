"""A device for the user-mode gateway's tests: a NetworkStack (with the TCP engine) wired to
a `UserLink` on a simulated clock, and host TCP servers on 127.0.0.1 (or ::1) in threads.
With `ipv6="static"` the device also has 2001:db8::1 with peer 2001:db8::2; with
`ipv6="slaac"` it has IPv6 with no static address (the gateway's prefix gives one)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

from tcppeer import make_tcp_stack

from levante.net.link.user.gateway import Forward
from levante.net.link.user.link import UserLink
from levante.net.link.user.plan import default_plan, static_plan
from levante.net.link.user.plan6 import static_plan6
from levante.net.stack import NetworkStack
from levante.net.stack.ipv6_settings import Ipv6Settings
from levante.net.stack.settings import InterfaceSettings, Ipv4Settings, TcpSettings
from levante.net.stack.tcp import TcpLayer

DEVICE = "192.0.2.1"
PEER = "192.0.2.2"
DEVICE6 = "2001:db8::1"
PEER6 = "2001:db8::2"
MILLISECOND = 1_000
# Loop turns before a test gives up (a bound on work, not on time).
TURNS = 2_000_000


class GatewayBench:
    """The device's stack and the gateway, moved together one simulated step at a time."""

    def __init__(self, forwards: list[Forward] | None = None, ipv6: str | None = None,
                 ipv4: bool = True, **tunables: Any) -> None:
        self.now = 0
        # Without IPv4 the device has no static IPv4 address: the gateway's default plan.
        plan = static_plan(Ipv4Settings(DEVICE, "255.255.255.0"), PEER) if ipv4 \
            else default_plan()
        if ipv6 is None:
            self.stack: NetworkStack = make_tcp_stack(address=DEVICE, **tunables)
            self.link = UserLink(plan, forwards or [])
        else:
            static = DEVICE6 if ipv6 == "static" else None
            self.stack = NetworkStack(InterfaceSettings(
                mac="00:00:5e:00:53:01",
                ipv4=Ipv4Settings(DEVICE, "255.255.255.0") if ipv4 else None,
                ipv6=Ipv6Settings(static_address=static), tcp=TcpSettings(**tunables)),
                tcp_key=bytes(16))
            plan6 = static_plan6(DEVICE6, PEER6) if static else None
            self.link = UserLink(plan, forwards or [], plan6=plan6)
        self.link.set_clock(lambda: self.now)
        if ipv6 is not None:
            self.stack.link_up(0)

    @property
    def tcp(self) -> TcpLayer:
        assert self.stack.tcp is not None
        return self.stack.tcp

    def step(self) -> None:
        """Frames both ways; when none moved, the host is given a moment and simulated
        time moves on a millisecond (or to the device's next timer)."""
        moved = False
        for frame in self.stack.take_outgoing():
            self.link.send(frame)
            moved = True
        for frame in self.link.receive(64):
            self.stack.receive(frame, self.now)
            moved = True
        self.stack.advance(self.now)
        if moved or self.stack.has_outgoing:
            return
        waited = self.link.wait(0.002)
        self.now += max(MILLISECOND, int((waited or 0) * 1_000_000))
        self.stack.advance(self.now)

    def run_until(self, done: Callable[[], bool]) -> None:
        for _ in range(TURNS):
            if done():
                return
            self.step()
        raise AssertionError("the condition never came true")

    def close(self) -> None:
        self.link.close()


class HostServer:
    """A TCP server on 127.0.0.1 (or `address`) serving each client in a thread with
    `serve(conn)`."""

    def __init__(self, serve: Callable[[socket.socket], None],
                 receive_buffer: int | None = None, address: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if receive_buffer is not None:  # fixed for the accepted sockets: no autotuning
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.bind((address, 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.serve = serve
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(client,), daemon=True).start()

    def _one(self, client: socket.socket) -> None:
        try:
            client.settimeout(60)
            self.serve(client)
        except BaseException as error:  # the test looks at what went wrong
            self.errors.append(error)
        finally:
            client.close()

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self.sock.close()


def echo(client: socket.socket) -> None:
    """Echo until the client's end of stream, then close (a FIN back)."""
    while data := client.recv(65536):
        client.sendall(data)
