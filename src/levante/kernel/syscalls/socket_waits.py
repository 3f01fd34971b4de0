"""What a thread blocked on a socket waits with, and serving those waits when the
network says a socket changed (its `TransportSocket` listener).

A receiver waits with its destinations (`UserBuffer`s, checked again when written), an
acceptor with its address buffers, a sender with its bytes copied in, a connector with
nothing; whoever finds the socket ready does the transfer in the kernel and wakes the
waiter with its result.  A waiter whose memory is no longer its own faults in its own
context (`delivery.py`'s rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS
from levante.kernel.fatal import Oops
from levante.kernel.objects.socket import NetSocket
from levante.kernel.objects.socket_poll import SocketPollWait
from levante.kernel.objects.socket_requests import (
    MSG_PEEK,
    AcceptRequest,
    ConnectRequest,
    ReceiveRequest,
    SendRequest,
)
from levante.kernel.objects.socket_transport import Received, TransportSocket
from levante.kernel.syscalls.mqtt_io import flush as flush_mqtt

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Services
    from levante.kernel.thread import Thread

def receive_now(sock: NetSocket, request: ReceiveRequest) -> Received | int | None:
    return sock.transport.receive(request.limit, bool(request.flags & MSG_PEEK))


def adopt_socket(kernel: Services, caller: Caller, transport: TransportSocket, family: int,
                 kind: int, protocol: int) -> int:
    """A new socket object for `transport`, granted to the caller's thread only; its
    descriptor, or -ENFILE / -ENOENT when there is no room (SocketTable.unavailable)."""
    table = kernel.sockets
    descriptor, slot = table.free_descriptor(), table.free_slot()
    if descriptor is None or slot is None:
        transport.close()
        return table.unavailable()
    sock = NetSocket(descriptor, family, kind, protocol, transport, address=slot)
    kernel.objects.register(slot, sock)
    entry = kernel.objects.entry(slot)
    if entry is not None:
        entry.tracked = True  # the runtime's slot: user threads can be granted it
        entry.permissions = {caller.thread}
    table.by_descriptor[descriptor] = sock
    kernel.memory.kernel_write_u32(slot + FIELD_OFFSETS["net_context.fd"], descriptor)
    transport.set_listener(lambda: socket_changed(kernel, sock))
    return descriptor


def release_socket(kernel: Services, sock: NetSocket) -> None:
    """close: the descriptor is free at once; waiters are woken with -EINTR (Zephyr
    flushes the queues with EINTR as the socket's error); the slot is free for the next
    socket, with no permission left on it."""
    table = kernel.sockets
    if table.by_descriptor.get(sock.descriptor) is sock:
        del table.by_descriptor[sock.descriptor]
    sock.transport.set_listener(None)
    sock.transport.close()
    for queue in sock.wait_queues():
        while (waiter := queue.pop_best()) is not None:
            kernel.wake(waiter, -ERRNO["EINTR"])
    entry = kernel.objects.entry(sock.address)
    if entry is not None and entry.state is sock:
        entry.state = None
        entry.permissions = set()
        entry.public = False
    kernel.memory.kernel_write_u32(sock.address + FIELD_OFFSETS["net_context.fd"],
                                   0xFFFFFFFF)
    notify_socket_pollers(kernel, sock)


def socket_changed(kernel: Services, sock: NetSocket) -> None:
    """The network's word that `sock` may be ready: serve its waiters, then its pollers."""
    if kernel.sockets.by_descriptor.get(sock.descriptor) is not sock:
        return  # closed meanwhile
    _serve_readers(kernel, sock)
    _serve_writers(kernel, sock)
    if sock.mqtt is not None and sock.mqtt.outgoing and sock.transport.readiness().writable:
        flush_mqtt(kernel, sock)  # its packets waiting for room go on now
    notify_socket_pollers(kernel, sock)


def _deliver(kernel: Services, waiter: Thread, action: object) -> bool:
    """Run `action` (writes into the waiter's memory, returns its result) and wake the
    waiter with it; a refused write faults the waiter instead.  True when it woke."""
    assert callable(action)
    try:
        result = action()
    except Oops as refused:
        kernel.fault_on_resume(waiter, kernel.refusal_fault(
            waiter.context, refused, waiter.caller.is_user))
        return False
    kernel.wake(waiter, result)
    return True


def _serve_readers(kernel: Services, sock: NetSocket) -> None:
    while (waiter := sock.readers.best()) is not None:
        request = waiter.wait_data
        if isinstance(request, ReceiveRequest):
            received = receive_now(sock, request)
            if isinstance(received, int):
                sock.readers.remove(waiter)
                kernel.wake(waiter, received)
                continue
            if received is None:
                if not sock.transport.readiness().readable:
                    return
                sock.readers.remove(waiter)  # readable with nothing: the end of input
                kernel.wake(waiter, 0)
                continue
            sock.readers.remove(waiter)
            _deliver(kernel, waiter, lambda r=request, d=received: r.complete(d))
        elif isinstance(request, AcceptRequest):
            accepted = sock.transport.accept()
            if accepted == -ERRNO["EAGAIN"]:
                return
            sock.readers.remove(waiter)
            finish_accept(kernel, waiter, sock, request, accepted)
        else:
            return


def accept_into(kernel: Services, caller: Caller, sock: NetSocket, request: AcceptRequest,
                accepted: TransportSocket) -> int:
    """The accepted connection becomes the caller's socket; its descriptor.  Writing the
    peer's address may be refused (Oops) for a waiter whose memory changed."""
    peer = accepted.peer_address()
    if request.peer is not None and peer is not None:
        request.peer.write(peer)
    return adopt_socket(kernel, caller, accepted, sock.family, sock.kind, sock.protocol)


def finish_accept(kernel: Services, waiter: Thread, sock: NetSocket, request: AcceptRequest,
                  accepted: TransportSocket | int) -> None:
    if isinstance(accepted, int):
        kernel.wake(waiter, accepted)
        return
    connection = accepted
    if not _deliver(kernel, waiter,
                    lambda: accept_into(kernel, waiter.caller, sock, request, connection)):
        connection.close()


def _serve_writers(kernel: Services, sock: NetSocket) -> None:
    while (waiter := sock.writers.best()) is not None:
        request = waiter.wait_data
        readiness = sock.transport.readiness()
        if isinstance(request, ConnectRequest):
            if not (readiness.writable or readiness.error):
                return
            sock.writers.remove(waiter)
            sock.connecting = False
            kernel.wake(waiter, -sock.transport.take_error())
        elif isinstance(request, SendRequest):
            result = sock.transport.send(request.data, request.destination)
            if result == -ERRNO["EAGAIN"]:
                return
            sock.writers.remove(waiter)
            kernel.wake(waiter, result)
        else:
            return


def notify_socket_pollers(kernel: Services, sock: NetSocket) -> None:
    for poller in list(sock.pollers):
        assert isinstance(poller, SocketPollWait)
        poller.recheck(kernel)
