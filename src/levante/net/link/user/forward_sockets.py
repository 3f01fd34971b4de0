"""The host sockets of one `--forward`: on 127.0.0.1 and, where the host has IPv6, on
::1, both at HOSTPORT; and which of the device's addresses a host client reaches.

A client of the IPv4 socket reaches the device's IPv4 address, a client of the IPv6 one
its IPv6 address; when the device has an address in one family only, both reach that
one, so a device that has only IPv6 (or listens on an IPv6 socket with no IPv4 address)
is reached from 127.0.0.1 too.
"""

from __future__ import annotations

import errno
import socket

from levante.net.link.user.plan import HOST_LOOPBACK
from levante.net.link.user.plan6 import HOST_LOOPBACK6

# The host has no IPv6 loopback: the forward is on 127.0.0.1 only.
_NO_IPV6 = (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT)


def open_forward_sockets(kind: str, host_port: int, device_port: int,
                         listen_backlog: int | None = None) -> list[tuple[socket.socket, bool]]:
    """The forward's bound (and, for TCP, listening) sockets, each with whether it is
    the IPv6 one; a port the host cannot give is an OSError naming the forward."""
    sock_type = socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM
    opened: list[tuple[socket.socket, bool]] = []
    for family, address in ((socket.AF_INET, HOST_LOOPBACK), (socket.AF_INET6, HOST_LOOPBACK6)):
        ipv6 = family == socket.AF_INET6
        try:
            sock = socket.socket(family, sock_type)
        except OSError as error:
            if ipv6 and error.errno in _NO_IPV6:
                break
            _close_all(opened)
            raise
        try:
            if ipv6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if listen_backlog is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, host_port))
            if listen_backlog is not None:
                sock.listen(listen_backlog)
        except OSError as error:
            sock.close()
            if ipv6 and error.errno in _NO_IPV6:
                break
            _close_all(opened)
            shown = f"[{address}]" if ipv6 else address
            raise OSError(error.errno, f"{kind}:{host_port}:{device_port}: cannot listen on "
                          f"{shown}:{host_port}: {error.strerror}") from None
        sock.setblocking(False)
        opened.append((sock, ipv6))
    return opened


def device_target(client_ipv6: bool, device4: str | None,
                  device6: str | None) -> str | None:
    """The device address a client of the IPv4 or IPv6 socket reaches (None: the device
    has no address yet)."""
    if client_ipv6:
        return device6 or device4
    return device4 or device6


def _close_all(opened: list[tuple[socket.socket, bool]]) -> None:
    for sock, _ in opened:
        sock.close()
