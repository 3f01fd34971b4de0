"""`--net user`: the user-mode gateway as the interface's link.

What the device sends is answered at once (the answers wait in the gateway until the
interface takes them, within a simulated millisecond or when it next idles). Waiting is
on the host's sockets and a wake-up pipe the DNS workers write to; when nothing can come
from the host (no forward, no open flow, no lookup running) `wait` returns at once, so
an idle device with no business on the host ends its run as it would with no link.
While the device idles its simulated time passes as wall-clock time, so the gateway's
TCP timers due during a wait run when that much wall-clock time has passed.
"""

from __future__ import annotations

import os
import select
import socket
import time
from collections.abc import Callable

from levante.net.link.errors import LinkError
from levante.net.link.user.dns_service import Lookup, host_lookup
from levante.net.link.user.gateway import Forward, UserGateway
from levante.net.link.user.plan import GatewayPlan
from levante.net.link.user.plan6 import Gateway6Plan


class UserLink:
    description = "user-mode gateway"

    def __init__(self, plan: GatewayPlan, forwards: list[Forward],
                 lookup: Lookup = host_lookup, plan6: Gateway6Plan | None = None) -> None:
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        try:
            self.gateway = UserGateway(plan, forwards, self._wake, lookup, plan6)
        except OSError as error:
            self._close_pipe()
            raise LinkError(f"--forward {error.strerror}") from None
        self._open = True

    def set_clock(self, clock: Callable[[], int]) -> None:
        """The interface's simulated clock (µs), for what the gateway times."""
        self.gateway.clock = clock

    def _wake(self) -> None:
        try:
            os.write(self._wake_write, b"!")
        except OSError:
            pass  # the pipe is full (already awake) or closed (the run ended)

    @property
    def is_open(self) -> bool:
        return self._open

    def send(self, frame: bytes) -> bool:
        if not self._open:
            return False
        self.gateway.from_device(frame)
        return True

    def receive(self, limit: int) -> list[bytes]:
        if not self._open:
            return []
        self._serve(0.0)
        return self.gateway.take_frames(limit)

    def wait(self, seconds: float | None) -> float | None:
        if not self._open:
            return None
        started = time.monotonic()
        started_us = self.gateway.now()
        while True:
            if self.gateway.has_frames:
                return time.monotonic() - started
            if not self.gateway.listens:
                return None
            elapsed = time.monotonic() - started
            timeout = None if seconds is None else seconds - elapsed
            if timeout is not None and timeout <= 0:
                return None
            host_deadline = self.gateway.next_host_deadline()
            if host_deadline is not None:
                until_host = max(0.0, host_deadline - time.monotonic())
                timeout = until_host if timeout is None else min(timeout, until_host)
            device_deadline = self.gateway.next_device_deadline()
            if device_deadline is not None:
                until_timer = max(0.0, (device_deadline - started_us) / 1e6 - elapsed)
                if until_timer <= 0.0:
                    self.gateway.advance(started_us + int(elapsed * 1e6))
                    if self.gateway.has_frames:
                        continue
                    until_timer = 0.001  # nothing was due after all: look again soon
                timeout = until_timer if timeout is None else min(timeout, until_timer)
            self._serve(timeout)

    def _serve(self, timeout: float | None) -> None:
        sockets = self.gateway.host_sockets
        writers = self.gateway.host_writers
        if timeout == 0.0 and not sockets and not writers and not self.gateway.dns.busy:
            self.gateway.advance(self.gateway.now())
            return  # nothing on the host's side: no system call on every look
        watched: list[int | socket.socket] = [self._wake_read, *sockets]
        try:
            ready, writable, _ = select.select(watched, writers, [], timeout)
        except (OSError, ValueError):
            ready, writable = [], []
        if self._wake_read in ready:
            try:
                while os.read(self._wake_read, 512):
                    pass
            except BlockingIOError:
                pass
        self.gateway.serve_host([sock for sock in sockets if sock in ready], writable)

    def close(self) -> None:
        if self._open:
            self._open = False
            self.gateway.close()
            self._close_pipe()

    def _close_pipe(self) -> None:
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass
