"""CoAP's receive side (<zephyr/net/coap.h>, coap_service.h, coap_client.h): received
bytes are validated by the kernel's codec, never walked by application C code.

`z_levante_coap_parse` checks bytes a thread holds (coap_packet_parse) and writes the
packet's option index: the header's length, each option's number, offset and length, and
the payload's offset.  The C helpers (coap_find_options, coap_get_option_int, the block
helpers, coap_packet_get_payload) read only through that index.  `z_levante_coap_recv`
takes one datagram from a UDP socket, parses it the same way and passes it, with the peer
the kernel saw, through the services' control point: a request a server receives or a
response a client receives.  A refusal (or a message the codec refuses) comes back as an
errno with the header still indexed when it was readable, so the server can answer it.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.codecs.coap import (
    HEADER_SIZE,
    CoapError,
    CoapLimitError,
    CoapLimits,
    CoapMessage,
    decode,
    format_code,
)
from levante.codecs.coap_layout import check_option_values, layout
from levante.codecs.coap_view import CODE_NAMES
from levante.kernel.objects.socket_requests import MSG_DONTWAIT, ReceiveRequest
from levante.kernel.objects.socket_transport import SOCK_DGRAM, SocketAddress
from levante.kernel.service_control import ServiceMessage, judge
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.socket_calls import address_out, find_socket
from levante.kernel.syscalls.socket_waits import receive_now

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.objects.socket import NetSocket
    from levante.kernel.objects.socket_requests import AddressOut
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer

# struct coap_parsed (coap.h): len, hdr_len, count, opt_len, payload_offset, then
# COAP_PARSED_OPTIONS_MAX entries of {number, offset, len}.
PARSED_OPTIONS_MAX = 16
PARSED_HEAD = struct.Struct("<HBBHH")
PARSED_OPTION = struct.Struct("<HHH")
PARSED_SIZE = PARSED_HEAD.size + PARSED_OPTIONS_MAX * PARSED_OPTION.size
# The index holds this many options: a message with more is refused, not cut short.
LIMITS = CoapLimits(max_message_size=0xFFFF, max_options=PARSED_OPTIONS_MAX)
# z_levante_coap_recv's role: what the received message is to the caller.
ROLE_REQUEST, ROLE_RESPONSE = 1, 2
ROLES = {ROLE_REQUEST: "request", ROLE_RESPONSE: "response"}
# The method codes are 0.01-0.31 (RFC 7252 §12.1.1).
METHOD_CLASS_END = 0x20


@dataclass(frozen=True)
class Parsed:
    """One parse's outcome: the index to write, the call's result, the message if whole."""

    record: bytes
    result: int
    message: CoapMessage | None


def _header_only(data: bytes) -> bytes:
    """The index of a message whose options or payload were refused: the header and
    token alone, when those are well formed (else hdr_len 0: nothing to answer)."""
    if len(data) >= HEADER_SIZE:
        token_end = HEADER_SIZE + (data[0] & 0x0F)
        try:
            decode(data[:token_end], LIMITS)
        except CoapError:
            pass
        else:
            return PARSED_HEAD.pack(len(data), token_end, 0, 0, len(data))
    return PARSED_HEAD.pack(len(data), 0, 0, 0, len(data))


def parse(data: bytes) -> Parsed:
    """The codec's verdict on `data` as coap_packet_parse reports it: -EBADMSG for a
    malformed header or token, -EILSEQ for malformed options (or a registered option's
    value out of its range: a Block option with SZX 7), -E2BIG for more options than the
    index holds."""
    try:
        message = decode(data, LIMITS)
        check_option_values(message)
    except CoapError as error:
        header = _header_only(data)
        if header[2] == 0:
            return Parsed(header, -ERRNO["EBADMSG"], None)
        result = "E2BIG" if isinstance(error, CoapLimitError) else "EILSEQ"
        return Parsed(header, -ERRNO[result], None)
    where = layout(message)
    entries = b"".join(PARSED_OPTION.pack(option.number, offset, len(option.value))
                       for option, offset in zip(message.options, where.value_offsets,
                                                 strict=True))
    head = PARSED_HEAD.pack(len(data), where.header_length, len(message.options),
                            where.options_length, where.payload_offset)
    return Parsed(head + entries, 0, message)


def _valid_parse(kernel: Inspect, caller: Caller, data: int, length: int,
                 parsed: int) -> int | Plan:
    length &= 0xFFFF
    index = kernel.memory.buffer(caller, parsed, PARSED_SIZE, AccessKind.WRITE)
    if data == 0 or length == 0:
        return -ERRNO["EINVAL"]
    return index, parse(kernel.memory.read(caller, data, length))


@syscall("z_levante_coap_parse", validate=_valid_parse)
def coap_parse(kernel: Services, caller: Caller, index: UserBuffer, outcome: Parsed) -> int:
    index.write(outcome.record)
    return outcome.result


def _valid_recv(kernel: Inspect, caller: Caller, descriptor: int, buffer: int, length: int,
                address: int, address_length: int, parsed: int,
                role: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    if sock.kind != SOCK_DGRAM or role not in ROLES or address == 0:
        return -ERRNO["EINVAL"]
    length = min(length, LIMITS.max_message_size)
    destination = kernel.memory.buffer(caller, buffer, length, AccessKind.WRITE)
    source = address_out(kernel, caller, address, address_length)
    index = kernel.memory.buffer(caller, parsed, PARSED_SIZE, AccessKind.WRITE)
    return sock, destination, source, index, role


def peer_text(address: SocketAddress | None) -> str:
    if address is None:
        return "unknown"
    host = ipaddress.ip_address(address.address)
    return f"[{host}]:{address.port}" if host.version == 6 else f"{host}:{address.port}"


def _message_for_control(message: CoapMessage, role: int) -> ServiceMessage:
    """The decoded fields the control point sees: a request's method, path and query;
    a response's code; both with type, message ID and token."""
    fields: dict[str, object] = {"type": message.type.name, "message_id": message.message_id,
                                 "token": message.token.hex(), "code": format_code(message.code)}
    if 0 < message.code < METHOD_CLASS_END:
        action = CODE_NAMES.get(message.code, format_code(message.code))
        fields["path"] = "/" + "/".join(message.uri_path)
        fields["query"] = [value.decode("utf-8", "replace")
                           for value in message.option_values(15)]
    else:
        action = "empty" if message.code == 0 else ROLES[role]
    return ServiceMessage("coap", action, fields)


@syscall("z_levante_coap_recv", validate=_valid_recv)
def coap_recv(kernel: Services, caller: Caller, sock: NetSocket, destination: UserBuffer,
              source: AddressOut | None, index: UserBuffer, role: int) -> int:
    """One waiting datagram, never a wait (the service's thread polls first): its length,
    -EAGAIN when none waits, -EMSGSIZE when it did not fit (its header indexed), or the
    parse's or the control point's refusal (-EACCES)."""
    request = ReceiveRequest((destination,), destination.size, MSG_DONTWAIT, source)
    received = receive_now(sock, request)
    if isinstance(received, int):
        return received
    if received is None:
        return -ERRNO["EAGAIN"]
    request.complete(received)
    if received.truncated:
        # Its header still indexed when readable: a server answers 4.13 (RFC 7959 §2.9.3).
        index.write(_header_only(received.data))
        return -ERRNO["EMSGSIZE"]
    outcome = parse(received.data)
    index.write(outcome.record)
    if outcome.message is None:
        kernel.trace("coap_refused", thread=caller.thread.name,
                     peer=peer_text(received.source), errno=-outcome.result)
        return outcome.result
    refusal = judge(kernel, caller.thread.name, peer_text(received.source),
                    _message_for_control(outcome.message, role))
    if refusal is not None:
        return -ERRNO["EACCES"]
    return len(received.data)

