"""zsock_* system calls: making, naming, connecting and closing sockets.

Every call names its socket by descriptor; the descriptor is looked up in the kernel's
table and a user caller must hold a permission on the socket object behind it, else the
call fails with EBADF as Zephyr's does (a descriptor number alone gives no access).
Results are -errno for the header's zsock_* functions to put into errno.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.objects.eventfd import EventFd
from levante.kernel.objects.registry import InitState
from levante.kernel.objects.socket import NetSocket
from levante.kernel.objects.socket_address import SOCKADDR_MAX_SIZE, decode_address, unspecified
from levante.kernel.objects.socket_requests import (
    WORD,
    AcceptRequest,
    AddressOut,
    ConnectRequest,
)
from levante.kernel.objects.socket_transport import SocketAddress
from levante.kernel.syscalls.eventfd_waits import release_eventfd
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.socket_waits import accept_into, adopt_socket, release_socket

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

K_FOREVER_TICKS = -1


def find_socket(kernel: Inspect, caller: Caller, descriptor: int) -> NetSocket | int:
    """The socket `descriptor` names for this caller, or -EBADF (no such descriptor, or
    one a user caller holds no permission on: Zephyr's get_sock_vtable)."""
    sock = kernel.sockets.socket(descriptor)
    if sock is None:
        # POSIX: a descriptor the caller may use that is no socket (an eventfd).
        other = find_descriptor(kernel, caller, descriptor)
        return -ERRNO["ENOTSOCK"] if isinstance(other, EventFd) else -ERRNO["EBADF"]
    if caller.is_user and kernel.objects.validate(caller.thread, sock.address, sock.KIND,
                                                  InitState.INITIALISED):
        return -ERRNO["EBADF"]
    return sock


def find_descriptor(kernel: Inspect, caller: Caller,
                    descriptor: int) -> NetSocket | EventFd | int:
    """The socket or eventfd `descriptor` names for this caller (close, poll), or -EBADF
    as find_socket gives it."""
    found = kernel.sockets.lookup(descriptor)
    if found is None:
        return -ERRNO["EBADF"]
    if caller.is_user and kernel.objects.validate(caller.thread, found.address, found.KIND,
                                                  InitState.INITIALISED):
        return -ERRNO["EBADF"]
    return found


def read_address(kernel: Inspect, caller: Caller, sock: NetSocket, address: int,
                 length: int) -> SocketAddress | int:
    """A struct sockaddr the caller passes (its length bounded: only what a sockaddr
    can hold is read), or -errno."""
    if address == 0:
        return -ERRNO["EINVAL"]
    raw = kernel.memory.read(caller, address, min(length, SOCKADDR_MAX_SIZE))
    return decode_address(raw, sock.family)


def address_out(kernel: Inspect, caller: Caller, address: int,
                length_pointer: int) -> AddressOut | None:
    """Where an address is written back (recvfrom, accept, getsockname): both pointers
    checked now; none when `address` is NULL."""
    if address == 0:
        return None
    length_buffer = kernel.memory.buffer(caller, length_pointer, WORD.size, AccessKind.WRITE)
    (length,) = WORD.unpack(length_buffer.read())
    return AddressOut(kernel.memory.buffer(caller, address, length, AccessKind.WRITE),
                      length_buffer)


def wait_ticks(timeout: int | None) -> int:
    return K_FOREVER_TICKS if timeout is None else timeout


# ---- making and closing ---------------------------------------------------------------


def _valid_socket(kernel: Inspect, caller: Caller, family: int, kind: int,
                  protocol: int) -> int | Plan:
    if kernel.sockets.network is None:
        return -ERRNO["EAFNOSUPPORT"]  # no network interface: no family is served
    unavailable = kernel.sockets.unavailable()
    return unavailable if unavailable else (family, kind, protocol)


@syscall("z_levante_zsock_socket", validate=_valid_socket)
def zsock_socket(kernel: Services, caller: Caller, family: int, kind: int,
                 protocol: int) -> int:
    network = kernel.sockets.network
    assert network is not None  # validated
    opened = network.open(family, kind, protocol)
    if isinstance(opened, int):
        return opened
    return adopt_socket(kernel, caller, opened, family, kind, protocol)


def _valid_descriptor(kernel: Inspect, caller: Caller, descriptor: int,
                      *rest: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    return sock if isinstance(sock, int) else (sock, *rest)


def _valid_close(kernel: Inspect, caller: Caller, descriptor: int) -> int | Plan:
    found = find_descriptor(kernel, caller, descriptor)
    return found if isinstance(found, int) else (found,)


@syscall("z_levante_zsock_close", validate=_valid_close)
def zsock_close(kernel: Services, caller: Caller, sock: NetSocket | EventFd) -> int:
    """close() of any descriptor: a socket's, or an eventfd's."""
    if isinstance(sock, EventFd):
        release_eventfd(kernel, sock)
    else:
        release_socket(kernel, sock)
    return 0


@syscall("z_levante_zsock_shutdown", validate=_valid_descriptor)
def zsock_shutdown(kernel: Services, caller: Caller, sock: NetSocket, how: int) -> int:
    if how not in (0, 1, 2):
        return -ERRNO["EINVAL"]
    return sock.transport.shutdown(how)


@syscall("zsock_get_context_object")
def zsock_get_context_object(kernel: Services, caller: Caller, descriptor: int) -> int:
    """The object behind a descriptor (a socket, or an eventfd), for
    k_object_access_grant; NULL for a descriptor the caller may not use."""
    sock = find_descriptor(kernel, caller, descriptor)
    return 0 if isinstance(sock, int) else sock.address


# ---- addresses and connections --------------------------------------------------------


def _valid_bind(kernel: Inspect, caller: Caller, descriptor: int, address: int,
                length: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    decoded = read_address(kernel, caller, sock, address, length)
    if isinstance(decoded, int):
        return decoded
    if length < len(decoded.address) + 4:
        return -ERRNO["EINVAL"]
    return sock, decoded


@syscall("z_levante_zsock_bind", validate=_valid_bind)
def zsock_bind(kernel: Services, caller: Caller, sock: NetSocket,
               address: SocketAddress) -> int:
    return sock.transport.bind(address, sock.reuse_address)


@syscall("z_levante_zsock_connect", validate=_valid_bind)
def zsock_connect(kernel: Services, caller: Caller, sock: NetSocket,
                  address: SocketAddress) -> int | Blocked:
    result = sock.transport.connect(address)
    if result != -ERRNO["EINPROGRESS"]:
        return result
    sock.connecting = True
    if sock.nonblocking:
        return result
    return kernel.pend(caller, sock.writers, wait_ticks(sock.send_timeout),
                       -ERRNO["ETIMEDOUT"], wait_data=ConnectRequest())


@syscall("z_levante_zsock_listen", validate=_valid_descriptor)
def zsock_listen(kernel: Services, caller: Caller, sock: NetSocket, backlog: int) -> int:
    result = sock.transport.listen(backlog)
    if result == 0:
        sock.listening = True
    return result


def _valid_accept(kernel: Inspect, caller: Caller, descriptor: int, address: int,
                  length: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    return sock, address_out(kernel, caller, address, length)


@syscall("z_levante_zsock_accept", validate=_valid_accept)
def zsock_accept(kernel: Services, caller: Caller, sock: NetSocket,
                 peer: AddressOut | None) -> int | Blocked:
    accepted = sock.transport.accept()
    request = AcceptRequest(peer)
    if accepted != -ERRNO["EAGAIN"]:
        if isinstance(accepted, int):
            return accepted
        # The address buffers were checked for this caller, whose view cannot have
        # changed since: the writes cannot be refused.
        return accept_into(kernel, caller, sock, request, accepted)
    if sock.nonblocking:
        return accepted
    return kernel.pend(caller, sock.readers, wait_ticks(sock.receive_timeout),
                       -ERRNO["EAGAIN"], wait_data=request)


def _valid_name(kernel: Inspect, caller: Caller, descriptor: int, address: int,
                length: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    if address == 0 or length == 0:
        return -ERRNO["EINVAL"]
    out = address_out(kernel, caller, address, length)
    assert out is not None
    return sock, out


@syscall("z_levante_zsock_getsockname", validate=_valid_name)
def zsock_getsockname(kernel: Services, caller: Caller, sock: NetSocket,
                      out: AddressOut) -> int:
    local = sock.transport.local_address()
    if local is None:
        local = unspecified(sock.family)
    out.write(local)
    return 0


@syscall("z_levante_zsock_getpeername", validate=_valid_name)
def zsock_getpeername(kernel: Services, caller: Caller, sock: NetSocket,
                      out: AddressOut) -> int:
    peer = sock.transport.peer_address()
    if peer is None:
        return -ERRNO["ENOTCONN"]
    out.write(peer)
    return 0
