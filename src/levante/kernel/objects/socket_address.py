"""struct sockaddr_in / sockaddr_in6 as C code lays them out, to and from `SocketAddress`.

Zephyr's layouts: the family as a host-order `sa_family_t` (16 bits), then the port in
network order; an IPv4 address (sockaddr_in, 8 bytes) or an IPv6 address and a scope
byte (sockaddr_in6, 24 bytes with its padding).  A `struct sockaddr` holds either.
"""

from __future__ import annotations

import struct

from levante.abi import ERRNO
from levante.kernel.objects.socket_transport import AF_INET6, SocketAddress

SOCKADDR_IN_SIZE = 8
SOCKADDR_IN6_SIZE = 24
SOCKADDR_MAX_SIZE = SOCKADDR_IN6_SIZE  # struct sockaddr, sockaddr_storage
_HEAD = struct.Struct("<H")  # sa_family_t
_PORT = struct.Struct(">H")


def address_size(family: int) -> int:
    return SOCKADDR_IN6_SIZE if family == AF_INET6 else SOCKADDR_IN_SIZE


def decode_address(raw: bytes, family: int) -> SocketAddress | int:
    """The address C code passed for a socket of `family`, or -errno: too short for its
    family -EINVAL, another family -EAFNOSUPPORT."""
    if len(raw) < _HEAD.size:
        return -ERRNO["EINVAL"]
    (given,) = _HEAD.unpack_from(raw)
    if given != family:
        return -ERRNO["EAFNOSUPPORT"]
    if len(raw) < address_size(family):
        return -ERRNO["EINVAL"]
    (port,) = _PORT.unpack_from(raw, 2)
    length = 16 if family == AF_INET6 else 4
    return SocketAddress(family, bytes(raw[4:4 + length]), port)


def encode_address(address: SocketAddress) -> bytes:
    """The bytes of the struct sockaddr_in(6) naming `address`."""
    body = _HEAD.pack(address.family) + _PORT.pack(address.port) + address.address
    return body.ljust(address_size(address.family), b"\0")


def unspecified(family: int) -> SocketAddress:
    """INADDR_ANY / in6addr_any, port 0: what an unbound socket's name is."""
    return SocketAddress(family, bytes(16 if family == AF_INET6 else 4), 0)

