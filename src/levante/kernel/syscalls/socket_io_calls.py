"""zsock_sendto/sendmsg/recvfrom/recvmsg: data through a socket.

What is sent is copied in at the call (a datagram whole, bounded by what the network
takes; a stream's bytes up to a chunk); what is received is written into destinations
checked at the call and, for a waiter, again when the data comes.  A call that would
block returns -EAGAIN with O_NONBLOCK or MSG_DONTWAIT, else waits (SO_RCVTIMEO,
SO_SNDTIMEO) like any kernel wait.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.objects.socket import NetSocket
from levante.kernel.objects.socket_requests import (
    MSG_DONTWAIT,
    WORD,
    AddressOut,
    ReceiveRequest,
    SendRequest,
)
from levante.kernel.objects.socket_transport import SOCK_DGRAM, SocketAddress
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.socket_calls import (
    address_out,
    find_socket,
    read_address,
    wait_ticks,
)
from levante.kernel.syscalls.socket_waits import receive_now

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

STREAM_CHUNK = 16 * 1024  # bytes of a stream send copied in per call (a partial send)
IOV_MAX = 16  # iovec entries one sendmsg/recvmsg takes (POSIX: more is EMSGSIZE)
# struct msghdr: msg_name, msg_namelen, msg_iov, msg_iovlen, msg_control,
# msg_controllen, msg_flags.
MSGHDR = struct.Struct("<7I")
NAMELEN_OFFSET = 4
FLAGS_OFFSET = 24
IOVEC = struct.Struct("<II")  # iov_base, iov_len


def find_data_socket(kernel: Inspect, caller: Caller, descriptor: int) -> NetSocket | int:
    """The socket for a send or receive: -EBUSY while an MQTT session runs on it (its
    bytes are the session's: raw I/O would pass the control point by, or take the
    broker's bytes from the session's decoder)."""
    sock = find_socket(kernel, caller, descriptor)
    if not isinstance(sock, int) and sock.mqtt is not None:
        return -ERRNO["EBUSY"]
    return sock


def _send_limit(kernel: Inspect, sock: NetSocket) -> int:
    network = kernel.sockets.network
    if sock.kind == SOCK_DGRAM and network is not None:
        return network.max_datagram()
    return STREAM_CHUNK


def _valid_sendto(kernel: Inspect, caller: Caller, descriptor: int, buffer: int,
                  length: int, flags: int, address: int, address_length: int) -> int | Plan:
    sock = find_data_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    limit = _send_limit(kernel, sock)
    if sock.kind == SOCK_DGRAM and length > limit:
        return -ERRNO["EMSGSIZE"]
    kernel.memory.check(caller, buffer, length, AccessKind.READ)
    data = kernel.memory.read(caller, buffer, min(length, limit))
    destination = None
    if address != 0:
        decoded = read_address(kernel, caller, sock, address, address_length)
        if isinstance(decoded, int):
            return decoded
        destination = decoded
    return sock, data, flags, destination


@syscall("z_levante_zsock_sendto", validate=_valid_sendto)
def zsock_sendto(kernel: Services, caller: Caller, sock: NetSocket, data: bytes, flags: int,
                 destination: SocketAddress | None) -> int | Blocked:
    return _send(kernel, caller, sock, data, flags, destination)


def _send(kernel: Services, caller: Caller, sock: NetSocket, data: bytes, flags: int,
          destination: SocketAddress | None) -> int | Blocked:
    result = sock.transport.send(data, destination)
    if result >= 0:
        kernel.request_stop()  # what was sent goes to the link before the caller runs on
        return result
    if result != -ERRNO["EAGAIN"] or sock.nonblocking or flags & MSG_DONTWAIT:
        return result
    return kernel.pend(caller, sock.writers, wait_ticks(sock.send_timeout),
                       -ERRNO["EAGAIN"], wait_data=SendRequest(data, destination))


def _message(kernel: Inspect, caller: Caller, message: int,
             access: AccessKind) -> tuple[tuple[int, ...], list[tuple[int, int]]] | int:
    """A struct msghdr and its iovec array, copied in; -EMSGSIZE for too many entries."""
    header = MSGHDR.unpack(kernel.memory.read(caller, message, MSGHDR.size))
    count = header[3]
    if count > IOV_MAX:
        return -ERRNO["EMSGSIZE"]
    raw = kernel.memory.read(caller, header[2], count * IOVEC.size) if count else b""
    pieces = [IOVEC.unpack_from(raw, index * IOVEC.size) for index in range(count)]
    for base, size in pieces:
        kernel.memory.check(caller, base, size, access)
    return header, pieces


def _valid_sendmsg(kernel: Inspect, caller: Caller, descriptor: int, message: int,
                   flags: int) -> int | Plan:
    sock = find_data_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    copied = _message(kernel, caller, message, AccessKind.READ)
    if isinstance(copied, int):
        return copied
    header, pieces = copied
    limit = _send_limit(kernel, sock)
    total = sum(size for _, size in pieces)
    if sock.kind == SOCK_DGRAM and total > limit:
        return -ERRNO["EMSGSIZE"]
    data = bytearray()
    for base, size in pieces:
        if len(data) >= limit:
            break
        data += kernel.memory.read(caller, base, min(size, limit - len(data)))
    destination = None
    if header[0] != 0:
        decoded = read_address(kernel, caller, sock, header[0], header[1])
        if isinstance(decoded, int):
            return decoded
        destination = decoded
    return sock, bytes(data), flags, destination


@syscall("z_levante_zsock_sendmsg", validate=_valid_sendmsg)
def zsock_sendmsg(kernel: Services, caller: Caller, sock: NetSocket, data: bytes, flags: int,
                  destination: SocketAddress | None) -> int | Blocked:
    return _send(kernel, caller, sock, data, flags, destination)


def _valid_recvfrom(kernel: Inspect, caller: Caller, descriptor: int, buffer: int,
                    length: int, flags: int, address: int, address_length: int) -> int | Plan:
    sock = find_data_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    destination = kernel.memory.buffer(caller, buffer, length, AccessKind.WRITE)
    source = address_out(kernel, caller, address, address_length)
    return sock, ReceiveRequest((destination,), length, flags, source)


@syscall("z_levante_zsock_recvfrom", validate=_valid_recvfrom)
def zsock_recvfrom(kernel: Services, caller: Caller, sock: NetSocket,
                   request: ReceiveRequest) -> int | Blocked:
    return _receive(kernel, caller, sock, request)


def _receive(kernel: Services, caller: Caller, sock: NetSocket,
             request: ReceiveRequest) -> int | Blocked:
    received = receive_now(sock, request)
    if isinstance(received, int):
        return received
    if received is not None:
        # The destinations were checked for this caller, whose view has not changed.
        return request.complete(received)
    readiness = sock.transport.readiness()
    if readiness.readable:
        return 0  # the end of input (a stream's peer closed, SHUT_RD)
    if readiness.error:
        return -sock.transport.take_error()
    if sock.nonblocking or request.flags & MSG_DONTWAIT:
        return -ERRNO["EAGAIN"]
    return kernel.pend(caller, sock.readers, wait_ticks(sock.receive_timeout),
                       -ERRNO["EAGAIN"], wait_data=request)


def _valid_recvmsg(kernel: Inspect, caller: Caller, descriptor: int, message: int,
                   flags: int) -> int | Plan:
    sock = find_data_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    copied = _message(kernel, caller, message, AccessKind.WRITE)
    if isinstance(copied, int):
        return copied
    header, pieces = copied
    buffers = tuple(kernel.memory.buffer(caller, base, size, AccessKind.WRITE)
                    for base, size in pieces)
    source = None
    if header[0] != 0:
        source = AddressOut(
            kernel.memory.buffer(caller, header[0], header[1], AccessKind.WRITE),
            kernel.memory.buffer(caller, message + NAMELEN_OFFSET, WORD.size,
                                 AccessKind.WRITE))
    message_flags = kernel.memory.buffer(caller, message + FLAGS_OFFSET, WORD.size,
                                         AccessKind.WRITE)
    limit = sum(size for _, size in pieces)
    return sock, ReceiveRequest(buffers, limit, flags, source, message_flags)


@syscall("z_levante_zsock_recvmsg", validate=_valid_recvmsg)
def zsock_recvmsg(kernel: Services, caller: Caller, sock: NetSocket,
                  request: ReceiveRequest) -> int | Blocked:
    return _receive(kernel, caller, sock, request)
