"""Synchronous IPC system calls: call, receive, reply, reply_error (docs/ipc.md).

seL4's and Hubris' shape: a client's call blocks until a server has received it and
replied; a server's receive blocks until a call comes.  Every message is copied in when
it is sent (the validate stage) and checked whole against its method's description
before it goes anywhere: a malformed one is refused to its sender with -EBADMSG, traced
and told to the policy's audit, and never reaches the other side.  The policy then
judges the request, reply or error as the event `service ipc.INTERFACE.METHOD`, whose
fields are the decoded parameters.  While a server serves a call it runs at least at its
client's priority, as a mutex's owner does for its waiters; a client whose server ends
gets -EPIPE, a server that replies to a client that has gone gets -EPIPE too.  A
message's handles move to the receiver's domain as it is delivered, all of them or none
(docs/ipc.md, "Handles in messages").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.ipc_endpoint import (
    HEADER_SIZE,
    MAX_IN_SERVICE,
    MAX_MESSAGE,
    CheckedMessage,
    IpcEndpoint,
    PendingCall,
    PendingReceive,
)
from levante.kernel.service_control import HandleView, ServiceMessage, judge, refuse
from levante.kernel.syscalls.delivery import still_writable
from levante.kernel.syscalls.registry import Plan, syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.thread import Thread
    from levante.kernel.usermem import UserBuffer

MAX_ERRNO = 4095  # reply_error's error is -1 .. -4095

_EAGAIN = -ERRNO["EAGAIN"]
_EBADMSG = -ERRNO["EBADMSG"]
_EINVAL = -ERRNO["EINVAL"]
_EMSGSIZE = -ERRNO["EMSGSIZE"]
_ENOSPC = -ERRNO["ENOSPC"]
_ENOTSUP = -ERRNO["ENOTSUP"]
_EPIPE = -ERRNO["EPIPE"]


def _refuse_isr(caller: Caller, name: str) -> None:
    if caller.in_isr:
        raise Oops(f"{name}: IPC cannot be used from an ISR")


def _message(kernel: Inspect, caller: Caller, address: int, length: int) -> bytes | int:
    """Copy a message in (the caller's read access checked), or -EMSGSIZE past the bound."""
    if length > MAX_MESSAGE:
        return _EMSGSIZE
    return kernel.memory.read(caller, address, max(length, 0))


def _refused(kernel: Services, thread: Thread, peer: str, direction: str, what: str,
             reason: str, error: int) -> int:
    kernel.trace("ipc_refused", thread=thread.name, peer=peer, direction=direction,
                 message=what, reason=reason, errno=error)
    return error


def _malformed(kernel: Services, thread: Thread, peer: str, endpoint: IpcEndpoint,
               direction: str, reason: str) -> int:
    """Refuse a malformed message: -EBADMSG, traced, and recorded by the policy's audit
    as a denial of `service ipc.malformed` (no verdict is asked: none could let it
    through)."""
    refuse(kernel, thread.name, peer, ServiceMessage("ipc", "malformed", {
        "direction": direction, "interface": endpoint.interface, "reason": reason}))
    return _refused(kernel, thread, peer, direction, f"{endpoint.interface:#x}", reason,
                    _EBADMSG)


def _judge(kernel: Services, thread: Thread, peer: str, checked: CheckedMessage,
           direction: str, extra: dict[str, object] | None = None) -> int | None:
    fields = {**checked.fields, **_handle_fields(kernel, thread, checked, direction),
              "direction": direction, "interface": checked.interface,
              "method": checked.method, **(extra or {})}
    refusal = judge(kernel, thread.name, peer,
                    ServiceMessage("ipc", f"{checked.interface}.{checked.method}", fields))
    if refusal is not None:
        _refused(kernel, thread, peer, direction, _name(checked), "policy", refusal)
    return refusal


def _handle_fields(kernel: Services, sender: Thread, checked: CheckedMessage,
                   direction: str) -> dict[str, object]:
    """A request's or reply's handle parameters as the policy (and the trace) sees them:
    the sender's handle each names, as `key.value`, `key.rights` (its rights before any
    attenuation), `key.type` (its object's kind, "k_sem") and `key.live`; a zero or
    unknown value has rights 0 and type "".  An error's fields are its request's."""
    transfer = kernel.handle_transfer
    if direction == "error" or transfer is None or not checked.handles:
        return {}
    fields: dict[str, object] = {}
    for slot in checked.handles:
        handle = transfer.find(sender, slot.value) if slot.value else None
        fields[slot.name] = HandleView(
            value=slot.value, rights=handle.rights if handle else 0,
            type=handle.entry.kind if handle else "", live=bool(handle and handle.live))
    return fields


def _name(checked: CheckedMessage) -> str:
    return f"{checked.interface}.{checked.method}"


def _move_handles(kernel: Services, message: bytes, checked: CheckedMessage,
                  sender: Thread, receiver: Thread) -> bytes | int:
    """The message with each non-zero handle slot's value replaced by the receiver's,
    or the errno that refuses it whole (-ENOTSUP with no handle transfer installed):
    the transfer moves all the message's handles or none."""
    slots = checked.moves
    if not slots:
        return message
    transfer = kernel.handle_transfer
    if transfer is None:
        return _ENOTSUP
    moved = transfer.move_all(sender, receiver, [(slot.value, slot.rights) for slot in slots])
    if isinstance(moved, int):
        return moved
    out = bytearray(message)
    for slot, value in zip(slots, moved, strict=True):
        out[slot.offset:slot.offset + 4] = (value & 0xFFFFFFFF).to_bytes(4, "little")
    return bytes(out)


# ---- priority inheritance --------------------------------------------------------------


def _all_served(server: Thread) -> list[PendingCall]:
    """Every call the server has in service, on any endpoint: each endpoint it serves
    is a key of its on_abort (so a boost on one is seen while answering another)."""
    return [pending for key in list(server.on_abort) if isinstance(key, IpcEndpoint)
            for pending in key.served_by(server)]


def _serve_priority(kernel: Services, server: Thread) -> None:
    """The server runs at its own priority or its most important client's, whichever
    is more important (Zephyr's mutex rule, with the calls it serves, on every
    endpoint, as waiters)."""
    serving = _all_served(server)
    if not serving:
        return
    base = serving[0].own_priority()
    kernel.set_priority(server, min([base, *(call.client.priority for call in serving)]))


def _end_service(kernel: Services, endpoint: IpcEndpoint, pending: PendingCall) -> None:
    """The call is over: out of service, the server's priority as its other calls say."""
    server = pending.server
    if endpoint.in_service.get(pending.token) is pending:
        del endpoint.in_service[pending.token]
    pending.client.on_abort.pop(pending, None)
    if server is None:
        return
    if not endpoint.served_by(server):
        server.on_abort.pop(endpoint, None)
    if _all_served(server):
        _serve_priority(kernel, server)
    else:
        kernel.set_priority(server, pending.own_priority())


# ---- delivery --------------------------------------------------------------------------


def _deliver(kernel: Services, endpoint: IpcEndpoint, pending: PendingCall, server: Thread,
             receive: PendingReceive) -> int | None:
    """Hand a call to a server: the request's length for the server, the negative errno
    that refused the call on the way (its client told, if it waits), or None when the
    server's buffers are no longer its own (it faults; the call is still to deliver)."""
    client = pending.client
    if not (still_writable(kernel, server, receive.buffer, len(pending.request))
            and still_writable(kernel, server, receive.token, 4)):
        return None
    message = _move_handles(kernel, pending.request, pending.checked, client, server)
    if isinstance(message, int):
        _refused(kernel, client, server.name, "request", _name(pending.checked),
                 "handle transfer", message)
        _finish_client(kernel, pending, message)
        return message
    receive.buffer.write(message)
    pending.token = endpoint.new_token()
    receive.token.write(pending.token.to_bytes(4, "little"))
    earlier = _all_served(server)
    pending.server = server
    pending.server_priority = earlier[0].server_priority if earlier else server.priority
    pending.server_base = earlier[0].server_base if earlier else server.base_priority
    endpoint.in_service[pending.token] = pending
    server.on_abort[endpoint] = lambda: _server_gone(kernel, endpoint, server)
    client.on_abort[pending] = lambda: _client_gone(kernel, endpoint, pending)
    _serve_priority(kernel, server)
    kernel.trace("ipc_delivered", thread=server.name, peer=client.name,
                 message=_name(pending.checked), token=pending.token)
    return len(message)


def _finish_client(kernel: Services, pending: PendingCall, result: int) -> None:
    if pending.client_waits():
        kernel.wake(pending.client, result)


def _server_gone(kernel: Services, endpoint: IpcEndpoint, server: Thread) -> None:
    """The server ended: every call it had fails with -EPIPE, none is left behind."""
    for pending in endpoint.served_by(server):
        del endpoint.in_service[pending.token]
        pending.client.on_abort.pop(pending, None)
        kernel.trace("ipc_peer_gone", thread=pending.client.name, peer=server.name,
                     message=_name(pending.checked))
        _finish_client(kernel, pending, _EPIPE)


def _client_gone(kernel: Services, endpoint: IpcEndpoint, pending: PendingCall) -> None:
    """The client ended or timed out while served: the server's reply will get -EPIPE."""
    if endpoint.in_service.get(pending.token) is not pending:
        return
    _end_service(kernel, endpoint, pending)
    endpoint.abandon(pending)


# ---- call --------------------------------------------------------------------------------


def _valid_call(kernel: Inspect, caller: Caller, endpoint: IpcEndpoint, request: int,
                length: int, reply: int, reply_cap: int, timeout: int) -> int | Plan:
    _refuse_isr(caller, "z_levante_ipc_call")
    message = _message(kernel, caller, request, length)
    if isinstance(message, int):
        return message
    capacity = min(reply_cap, MAX_MESSAGE)
    if capacity < HEADER_SIZE:
        return _EINVAL
    reply_buffer = kernel.memory.buffer(caller, reply, capacity, AccessKind.WRITE)
    return endpoint, message, reply_buffer, timeout


@syscall("z_levante_ipc_call", validate=_valid_call)
def z_levante_ipc_call(kernel: Services, caller: Caller, endpoint: IpcEndpoint,
                       request: bytes, reply_buffer: UserBuffer,
                       timeout: int) -> int | Blocked:
    client = caller.thread
    checker = kernel.ipc_checker
    if checker is None or not checker.knows(endpoint.interface):
        return _refused(kernel, client, "", "request", f"{endpoint.interface:#x}",
                        "no such interface in this build", _ENOTSUP)
    checked = checker.check(request, endpoint.interface)
    if isinstance(checked, str):
        return _malformed(kernel, client, "", endpoint, "request", checked)
    if checked.moves and kernel.handle_transfer is None:
        return _refused(kernel, client, "", "request", _name(checked),
                        "handles need a handle transfer", _ENOTSUP)
    refusal = _judge(kernel, client, "", checked, "request")
    if refusal is not None:
        return refusal
    pending = PendingCall(client, request, checked, reply_buffer)

    def timed_out() -> None:
        _client_gone(kernel, endpoint, pending)

    full = len(endpoint.in_service) >= MAX_IN_SERVICE  # then it waits in the queue
    for server in [] if full else endpoint.receivers.threads():
        receive = server.wait_data
        assert isinstance(receive, PendingReceive)
        if len(request) > receive.buffer.size:
            kernel.wake(server, _EMSGSIZE)  # its buffer cannot hold the call
            continue
        delivered = _deliver(kernel, endpoint, pending, server, receive)
        if delivered is None:
            continue
        if delivered < 0:
            return delivered
        kernel.wake(server, delivered)
        return kernel.pend(caller, None, timeout, _EAGAIN, wait_data=pending,
                           on_timeout=timed_out)
    if timeout == 0:
        return _EAGAIN
    return kernel.pend(caller, endpoint.callers, timeout, _EAGAIN, wait_data=pending,
                       on_timeout=timed_out)


# ---- receive -----------------------------------------------------------------------------


def _valid_receive(kernel: Inspect, caller: Caller, endpoint: IpcEndpoint, buffer: int,
                   capacity: int, token: int, timeout: int) -> int | Plan:
    _refuse_isr(caller, "z_levante_ipc_receive")
    capacity = min(capacity, MAX_MESSAGE)
    if capacity < HEADER_SIZE:
        return _EINVAL
    into = kernel.memory.buffer(caller, buffer, capacity, AccessKind.WRITE)
    token_buffer = kernel.memory.buffer(caller, token, 4, AccessKind.WRITE)
    return endpoint, PendingReceive(into, token_buffer), timeout


@syscall("z_levante_ipc_receive", validate=_valid_receive)
def z_levante_ipc_receive(kernel: Services, caller: Caller, endpoint: IpcEndpoint,
                          receive: PendingReceive, timeout: int) -> int | Blocked:
    server = caller.thread
    for client in endpoint.callers.threads():
        pending = client.wait_data
        assert isinstance(pending, PendingCall)
        if len(pending.request) > receive.buffer.size:
            return _EMSGSIZE
        if len(endpoint.in_service) >= MAX_IN_SERVICE:
            return _ENOSPC
        endpoint.callers.remove(client)
        client.waiting_on = None  # waits on, off the queue, for the reply
        delivered = _deliver(kernel, endpoint, pending, server, receive)
        assert delivered is not None  # the caller's own buffers, checked by this call
        if delivered >= 0:
            return delivered
    if timeout == 0:
        return _EAGAIN
    return kernel.pend(caller, endpoint.receivers, timeout, _EAGAIN, wait_data=receive)


# ---- reply -------------------------------------------------------------------------------


def _in_service(endpoint: IpcEndpoint, caller: Caller, token: int) -> PendingCall | int:
    """The call `token` names, if the caller serves it: -EPIPE when its client is gone,
    -EINVAL for a token it does not hold (never issued, answered, or another's)."""
    pending = endpoint.in_service.get(token)
    if pending is not None and pending.server is caller.thread:
        return pending
    if endpoint.abandoned.get(token) is caller.thread:
        return _EPIPE
    return _EINVAL


def _valid_reply(kernel: Inspect, caller: Caller, endpoint: IpcEndpoint, token: int,
                 reply: int, length: int) -> int | Plan:
    _refuse_isr(caller, "z_levante_ipc_reply")
    pending = _in_service(endpoint, caller, token)
    if isinstance(pending, int):
        return pending
    message = _message(kernel, caller, reply, length)
    if isinstance(message, int):
        return message
    return endpoint, pending, message


@syscall("z_levante_ipc_reply", validate=_valid_reply)
def z_levante_ipc_reply(kernel: Services, caller: Caller, endpoint: IpcEndpoint,
                        pending: PendingCall, message: bytes) -> int:
    server, client = caller.thread, pending.client
    checker = kernel.ipc_checker
    assert checker is not None  # the call was checked by it
    checked = checker.check(message, endpoint.interface, pending.checked)
    if isinstance(checked, str):
        return _malformed(kernel, server, client.name, endpoint, "reply", checked)
    if checked.moves and kernel.handle_transfer is None:
        return _refused(kernel, server, client.name, "reply", _name(checked),
                        "handles need a handle transfer", _ENOTSUP)
    if len(message) > pending.reply_buffer.size:
        _end_service(kernel, endpoint, pending)
        _finish_client(kernel, pending, _EMSGSIZE)
        return _refused(kernel, server, client.name, "reply", _name(checked),
                        "the caller's reply buffer is too small", _EMSGSIZE)
    if not still_writable(kernel, client, pending.reply_buffer, len(message)):
        # Its reply buffer is no longer its own: the client faults, as if it had gone.
        _end_service(kernel, endpoint, pending)
        return _refused(kernel, server, client.name, "reply", _name(checked),
                        "the caller's reply buffer is no longer its own", _EPIPE)
    refusal = _judge(kernel, server, client.name, checked, "reply")
    if refusal is None:
        moved = _move_handles(kernel, message, checked, server, client)
        if isinstance(moved, int):
            refusal = _refused(kernel, server, client.name, "reply", _name(checked),
                               "handle transfer", moved)
        else:
            message = moved
    _end_service(kernel, endpoint, pending)
    if refusal is not None:
        _finish_client(kernel, pending, refusal)
        return refusal
    pending.reply_buffer.write(message)
    _finish_client(kernel, pending, len(message))
    return 0


def _valid_reply_error(kernel: Inspect, caller: Caller, endpoint: IpcEndpoint, token: int,
                       error: int) -> int | Plan:
    _refuse_isr(caller, "z_levante_ipc_reply_error")
    if not -MAX_ERRNO <= error <= -1:
        return _EINVAL
    pending = _in_service(endpoint, caller, token)
    if isinstance(pending, int):
        return pending
    return endpoint, pending, error


@syscall("z_levante_ipc_reply_error", validate=_valid_reply_error)
def z_levante_ipc_reply_error(kernel: Services, caller: Caller, endpoint: IpcEndpoint,
                              pending: PendingCall, error: int) -> int:
    server = caller.thread
    refusal = _judge(kernel, server, pending.client.name, pending.checked, "error",
                     {"status": error})
    _end_service(kernel, endpoint, pending)
    _finish_client(kernel, pending, error if refusal is None else refusal)
    return 0 if refusal is None else refusal
