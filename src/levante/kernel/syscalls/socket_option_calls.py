"""zsock_setsockopt/getsockopt and zsock_fcntl: a socket's options and flags.

SOL_SOCKET options the kernel keeps itself (timeouts, SO_REUSEADDR, and what it reports:
SO_TYPE, SO_ERROR, SO_PROTOCOL, SO_DOMAIN); SO_RCVBUF and protocol options
(IPPROTO_TCP's TCP_NODELAY) belong to the transport, which refuses what its protocol
lacks with -ENOPROTOOPT, as Zephyr does.  SOL_TLS values are copied in whole (bounded)
and go to a secure socket's transport (`SecureTransport`).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.objects.socket import NetSocket
from levante.kernel.objects.socket_requests import WORD
from levante.kernel.objects.socket_secure import (
    SOL_TLS,
    TLS_ALPN_LIST,
    TLS_ALPN_MAX_ENTRIES,
    TLS_ALPN_NAME_MAX,
    TLS_OPTION_MAX_SIZE,
    SecureTransport,
)
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.socket_calls import find_socket

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer

SOL_SOCKET = 1
SO_REUSEADDR = 2
SO_TYPE = 3
SO_ERROR = 4
SO_RCVBUF = 8
SO_RCVTIMEO = 20
SO_SNDTIMEO = 21
SO_PROTOCOL = 38
SO_DOMAIN = 39
F_GETFL = 3
F_SETFL = 4
O_NONBLOCK = 0x4000  # the C library's (newlib and picolibc), as Zephyr's fcntl takes it
INT = struct.Struct("<i")
# struct timeval with a 64-bit time_t: tv_sec, tv_usec, padding to 8-byte alignment.
TIMEVAL = struct.Struct("<qi4x")
_KEPT_INTEGERS = (SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_PROTOCOL, SO_DOMAIN)
_TIMEOUTS = (SO_RCVTIMEO, SO_SNDTIMEO)


def _valid_setsockopt(kernel: Inspect, caller: Caller, descriptor: int, level: int,
                      name: int, value: int, length: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    if level == SOL_SOCKET and name in _TIMEOUTS:
        if length < TIMEVAL.size:
            return -ERRNO["EINVAL"]
        seconds, microseconds = TIMEVAL.unpack(kernel.memory.read(caller, value, TIMEVAL.size))
        if seconds < 0 or not 0 <= microseconds < 1_000_000:
            return -ERRNO["EINVAL"]
        return sock, level, name, seconds * 1_000_000 + microseconds
    if level == SOL_SOCKET and name in (SO_TYPE, SO_ERROR, SO_PROTOCOL, SO_DOMAIN):
        return -ERRNO["ENOPROTOOPT"]  # reported, never set
    if level == SOL_TLS:
        copied = _tls_value(kernel, caller, name, value, length)
        return copied if isinstance(copied, int) else (sock, level, name, copied)
    if length < INT.size:
        return -ERRNO["EINVAL"]
    (number,) = INT.unpack(kernel.memory.read(caller, value, INT.size))
    return sock, level, name, number


def _tls_value(kernel: Inspect, caller: Caller, name: int, value: int,
               length: int) -> bytes | tuple[bytes, ...] | None | int:
    """A SOL_TLS optval copied in: its bytes, None for NULL, or TLS_ALPN_LIST's names
    (an array of `length` bytes of string pointers, as Zephyr takes it)."""
    if value == 0:
        return None
    if not 0 <= length <= TLS_OPTION_MAX_SIZE:
        return -ERRNO["EINVAL"]
    if name != TLS_ALPN_LIST:
        return kernel.memory.read(caller, value, length)
    if length % WORD.size or length // WORD.size > TLS_ALPN_MAX_ENTRIES:
        return -ERRNO["EINVAL"]
    pointers = kernel.memory.read_words(caller, value, length // WORD.size)
    if 0 in pointers:
        return -ERRNO["EINVAL"]
    # Each name is read up to its NUL and never past TLS_ALPN_NAME_MAX + 1 bytes (a name
    # running out of the caller's memory before either faults it); one that reaches the
    # bound has no NUL within it and is refused here, before the transport sees it.
    names = tuple(kernel.memory.read_string(caller, pointer, TLS_ALPN_NAME_MAX + 1)
                  for pointer in pointers)
    if any(len(name) > TLS_ALPN_NAME_MAX for name in names):
        return -ERRNO["EINVAL"]
    return names


@syscall("z_levante_zsock_setsockopt", validate=_valid_setsockopt)
def zsock_setsockopt(kernel: Services, caller: Caller, sock: NetSocket, level: int,
                     name: int, value: int | bytes | tuple[bytes, ...] | None) -> int:
    if level == SOL_TLS:
        if not isinstance(sock.transport, SecureTransport):
            return -ERRNO["ENOPROTOOPT"]
        assert not isinstance(value, int)  # validated
        return sock.transport.set_tls_option(name, value)
    assert isinstance(value, int)  # validated
    if level == SOL_SOCKET and name in _TIMEOUTS:
        # A zero timeval waits forever (POSIX); otherwise whole ticks, rounded up.
        ticks = None if value == 0 else max(1, -(-value * kernel.config.ticks_per_second
                                                 // 1_000_000))
        if name == SO_RCVTIMEO:
            sock.receive_timeout = ticks
        else:
            sock.send_timeout = ticks
        return 0
    if level == SOL_SOCKET and name == SO_REUSEADDR:
        sock.reuse_address = value != 0
        return 0
    return sock.transport.set_option(level, name, value)


def _valid_getsockopt(kernel: Inspect, caller: Caller, descriptor: int, level: int,
                      name: int, value: int, length: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    length_buffer = kernel.memory.buffer(caller, length, WORD.size, AccessKind.WRITE)
    (room,) = WORD.unpack(length_buffer.read())
    if level == SOL_TLS:
        if not 0 < room <= TLS_OPTION_MAX_SIZE:
            return -ERRNO["EINVAL"]
        out = kernel.memory.buffer(caller, value, room, AccessKind.WRITE)
        return sock, level, name, out, length_buffer
    wanted = TIMEVAL.size if level == SOL_SOCKET and name in _TIMEOUTS else INT.size
    if room < wanted:
        return -ERRNO["EINVAL"]
    out = kernel.memory.buffer(caller, value, wanted, AccessKind.WRITE)
    return sock, level, name, out, length_buffer


@syscall("z_levante_zsock_getsockopt", validate=_valid_getsockopt)
def zsock_getsockopt(kernel: Services, caller: Caller, sock: NetSocket, level: int, name: int,
                     out: UserBuffer, length: UserBuffer) -> int:
    if level == SOL_TLS:
        if not isinstance(sock.transport, SecureTransport):
            return -ERRNO["ENOPROTOOPT"]
        answer = sock.transport.get_tls_option(name, out.size)
        if isinstance(answer, int):
            return answer
        out.write(answer)
        length.write(WORD.pack(len(answer)))
        return 0
    if level == SOL_SOCKET and name in _TIMEOUTS:
        ticks = sock.receive_timeout if name == SO_RCVTIMEO else sock.send_timeout
        microseconds = 0 if ticks is None else \
            ticks * 1_000_000 // kernel.config.ticks_per_second
        out.write(TIMEVAL.pack(microseconds // 1_000_000, microseconds % 1_000_000))
        length.write(WORD.pack(TIMEVAL.size))
        return 0
    if level == SOL_SOCKET and name in _KEPT_INTEGERS:
        value = {SO_REUSEADDR: int(sock.reuse_address), SO_TYPE: sock.kind,
                 SO_PROTOCOL: sock.protocol, SO_DOMAIN: sock.family}.get(name)
        if value is None:  # SO_ERROR: read and cleared
            value = sock.transport.take_error()
    else:
        value = sock.transport.get_option(level, name)
        if value < 0:
            return value
    out.write(INT.pack(value))
    length.write(WORD.pack(INT.size))
    return 0


def _valid_fcntl(kernel: Inspect, caller: Caller, descriptor: int, command: int,
                 flags: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    if command not in (F_GETFL, F_SETFL):
        return -ERRNO["EINVAL"]
    return sock, command, flags


@syscall("z_levante_zsock_fcntl", validate=_valid_fcntl)
def zsock_fcntl(kernel: Services, caller: Caller, sock: NetSocket, command: int,
                flags: int) -> int:
    if command == F_GETFL:
        return O_NONBLOCK if sock.nonblocking else 0
    sock.nonblocking = bool(flags & O_NONBLOCK)
    return 0
