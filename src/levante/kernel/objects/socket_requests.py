"""What a thread blocked on a socket waits with (its `Thread.wait_data`).

A receiver waits with its destinations (`UserBuffer`s, checked again when written), an
acceptor with its address buffers, a sender with its bytes copied in, a connector with
nothing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from levante.kernel.objects.socket_address import encode_address
from levante.kernel.objects.socket_transport import Received, SocketAddress
from levante.kernel.usermem import UserBuffer

MSG_PEEK = 0x02
MSG_TRUNC = 0x20
MSG_DONTWAIT = 0x40
WORD = struct.Struct("<I")


@dataclass(frozen=True)
class AddressOut:
    """Where a call writes an address back: the struct sockaddr (as long as the caller
    said) and its length word, which gets the address's real length (POSIX)."""

    address: UserBuffer
    length: UserBuffer

    def write(self, address: SocketAddress) -> None:
        raw = encode_address(address)
        self.address.write(raw[:self.address.size])
        self.length.write(WORD.pack(len(raw)))


@dataclass(frozen=True)
class ReceiveRequest:
    """recvfrom / recvmsg: the destinations in order (one buffer, or an iovec's), at
    most `limit` bytes, the source's address and recvmsg's msg_flags when asked."""

    buffers: tuple[UserBuffer, ...]
    limit: int
    flags: int
    source: AddressOut | None = None
    message_flags: UserBuffer | None = None

    def complete(self, received: Received) -> int:
        """Write what was received; the call's result (the datagram's whole length
        with MSG_TRUNC, as Linux and Zephyr give it)."""
        data = received.data
        position = 0
        for buffer in self.buffers:
            piece = data[position:position + buffer.size]
            if piece:
                buffer.write(piece)
            position += len(piece)
        if self.source is not None and received.source is not None:
            self.source.write(received.source)
        if self.message_flags is not None:
            self.message_flags.write(WORD.pack(MSG_TRUNC if received.truncated else 0))
        if self.flags & MSG_TRUNC:
            return received.full_length
        return len(data)


@dataclass(frozen=True)
class AcceptRequest:
    """accept: where the peer's address goes, if asked."""

    peer: AddressOut | None


@dataclass(frozen=True)
class SendRequest:
    """A stream send waiting for room: its bytes, copied in at the call."""

    data: bytes
    destination: SocketAddress | None


@dataclass(frozen=True)
class ConnectRequest:
    """A stream connect waiting for its handshake."""


SocketRequest = ReceiveRequest | AcceptRequest | SendRequest | ConnectRequest
