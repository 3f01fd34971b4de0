"""DHCPv4 messages (RFC 2131) and their options (RFC 2132, long options of RFC 3396).

One `DhcpMessage` serves clients and servers: the fixed BOOTP fields, then the options
both sides use as typed fields (addresses as dotted text, times in seconds); any other
option is kept, in order, in `other_options`. Decoding checks every length before it
reads and refuses what RFC 2131/2132 do not allow (a missing magic cookie, a bad
length for a fixed-size option, an unknown message type, a hardware address that is not
Ethernet's); encoding refuses values its fields cannot hold.
"""

from __future__ import annotations

import dataclasses
import enum
import struct
from dataclasses import dataclass
from typing import Any

from levante.codecs.addresses import ipv4_from_text, ipv4_to_text, mac_from_text, mac_to_text
from levante.codecs.errors import CodecError

SERVER_PORT = 67
CLIENT_PORT = 68
MAGIC_COOKIE = b"\x63\x82\x53\x63"  # RFC 2131 §3: first four octets of the options
BROADCAST_FLAG = 0x8000  # RFC 2131 §2 figure 2: the "B" flag of `flags`
HARDWARE_ETHERNET = 1
# The fixed part (op .. file) is 236 octets, then the cookie (RFC 2131 §2).
FIXED_LENGTH = 236
# RFC 1542 §3.2.1 / RFC 2131 §2: a message is at least 300 octets (BOOTP relays) and a
# client may be sent up to 576 unless it says more (option 57). Decoding accepts up to
# one Ethernet frame's UDP payload, nothing longer.
MIN_MESSAGE_LENGTH = 300
MAX_MESSAGE_LENGTH = 1472
INFINITE_LEASE = 0xFFFF_FFFF  # RFC 2132 §9.2

_FIXED = struct.Struct("!BBBBIHH4s4s4s4s16s64s128s")
_SNAME_OFFSET, _FILE_OFFSET = 44, 108


class DhcpError(CodecError):
    """A malformed or unacceptable DHCPv4 message."""

    protocol = "dhcpv4"


class Operation(enum.IntEnum):
    """`op` (RFC 2131 §2): who sends the message."""

    BOOTREQUEST = 1
    BOOTREPLY = 2


class MessageType(enum.IntEnum):
    """Option 53, DHCP Message Type (RFC 2132 §9.6)."""

    DISCOVER = 1
    OFFER = 2
    REQUEST = 3
    DECLINE = 4
    ACK = 5
    NAK = 6
    RELEASE = 7
    INFORM = 8


class OptionCode(enum.IntEnum):
    """Option codes this codec gives a typed field (RFC 2132), and the framing ones."""

    PAD = 0
    SUBNET_MASK = 1
    ROUTER = 3
    DNS_SERVERS = 6
    HOST_NAME = 12
    DOMAIN_NAME = 15
    BROADCAST_ADDRESS = 28
    REQUESTED_ADDRESS = 50
    LEASE_TIME = 51
    OPTION_OVERLOAD = 52
    MESSAGE_TYPE = 53
    SERVER_IDENTIFIER = 54
    PARAMETER_REQUEST_LIST = 55
    MESSAGE = 56
    MAX_MESSAGE_SIZE = 57
    RENEWAL_TIME = 58
    REBINDING_TIME = 59
    CLIENT_IDENTIFIER = 61
    END = 255


@dataclass(frozen=True, kw_only=True)
class DhcpMessage:
    """A DHCPv4 message. Addresses are dotted text, `client_mac` is 'aa:bb:..'; option
    fields are None (or empty) when the option is absent."""

    operation: Operation
    transaction_id: int
    client_mac: str
    seconds: int = 0
    flags: int = 0
    hops: int = 0
    client_address: str = "0.0.0.0"   # ciaddr
    your_address: str = "0.0.0.0"     # yiaddr
    server_address: str = "0.0.0.0"   # siaddr (next server, not the DHCP server)
    relay_address: str = "0.0.0.0"    # giaddr
    server_name: bytes = b""          # sname, when not overloaded with options
    boot_file: bytes = b""            # file, when not overloaded with options
    message_type: MessageType | None = None
    subnet_mask: str | None = None
    routers: tuple[str, ...] = ()
    dns_servers: tuple[str, ...] = ()
    host_name: bytes | None = None
    domain_name: bytes | None = None
    broadcast_address: str | None = None
    requested_address: str | None = None
    lease_time: int | None = None
    server_identifier: str | None = None
    parameter_requests: tuple[int, ...] = ()
    message: bytes | None = None
    max_message_size: int | None = None
    renewal_time: int | None = None
    rebinding_time: int | None = None
    client_identifier: bytes | None = None
    other_options: tuple[tuple[int, bytes], ...] = ()

    @property
    def wants_broadcast(self) -> bool:
        return bool(self.flags & BROADCAST_FLAG)


# --- Decoding -----------------------------------------------------------------------


def decode(data: bytes) -> DhcpMessage:
    """Bytes (a UDP payload) → `DhcpMessage`; anything malformed raises `DhcpError`."""
    if len(data) > MAX_MESSAGE_LENGTH:
        raise DhcpError(f"message of {len(data)} octets exceeds {MAX_MESSAGE_LENGTH}")
    if len(data) < FIXED_LENGTH + len(MAGIC_COOKIE):
        raise DhcpError(f"truncated message: {len(data)} octets, need at least "
                        f"{FIXED_LENGTH + len(MAGIC_COOKIE)}")
    (op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr,
     sname, file) = _FIXED.unpack_from(data)
    try:
        operation = Operation(op)
    except ValueError:
        raise DhcpError(f"unknown op {op}") from None
    if htype != HARDWARE_ETHERNET or hlen != 6:
        raise DhcpError(f"hardware type {htype} length {hlen}: only Ethernet (1, 6)")
    if data[FIXED_LENGTH:FIXED_LENGTH + 4] != MAGIC_COOKIE:
        raise DhcpError("no DHCP magic cookie (a BOOTP message)")
    options = _scan(data[FIXED_LENGTH + 4:], "options")
    # RFC 2132 §9.3: option 52 says the file and/or sname fields carry options too,
    # read after the options field, file before sname.
    overload = _single_octet(options, OptionCode.OPTION_OVERLOAD)
    if overload is not None and overload not in (1, 2, 3):
        raise DhcpError(f"option overload value {overload} is not 1, 2 or 3")
    overload = overload or 0
    if overload & 1:
        _merge(options, _scan(file, "file"))
    if overload & 2:
        _merge(options, _scan(sname, "sname"))
    return _message(options, DhcpMessage(
        operation=operation, transaction_id=xid, client_mac=mac_to_text(chaddr[:6]),
        seconds=secs, flags=flags, hops=hops, client_address=ipv4_to_text(ciaddr),
        your_address=ipv4_to_text(yiaddr), server_address=ipv4_to_text(siaddr),
        relay_address=ipv4_to_text(giaddr),
        server_name=b"" if overload & 2 else sname.split(b"\0", 1)[0],
        boot_file=b"" if overload & 1 else file.split(b"\0", 1)[0],
    ))


def _scan(area: bytes, where: str) -> dict[int, bytearray]:
    """The options of one area, in order; RFC 3396 §7: the values of repeated codes are
    concatenated. Stops at END; an option running past the area is an error."""
    options: dict[int, bytearray] = {}
    position = 0
    while position < len(area):
        code = area[position]
        if code == OptionCode.END:
            return options
        if code == OptionCode.PAD:
            position += 1
            continue
        if position + 1 >= len(area):
            raise DhcpError(f"option {code} in {where} has no length octet")
        length = area[position + 1]
        end = position + 2 + length
        if end > len(area):
            raise DhcpError(f"option {code} in {where} runs past the end "
                            f"({length} octets, {len(area) - position - 2} left)")
        options.setdefault(code, bytearray()).extend(area[position + 2:end])
        position = end
    if where == "options":
        raise DhcpError("options end without the END option")
    return options  # RFC 2131 permits an overloaded field filled to its end


def _merge(options: dict[int, bytearray], more: dict[int, bytearray]) -> None:
    for code, value in more.items():
        options.setdefault(code, bytearray()).extend(value)


def _single_octet(options: dict[int, bytearray], code: int) -> int | None:
    value = options.get(code)
    if value is None:
        return None
    if len(value) != 1:
        raise DhcpError(f"option {code} must be 1 octet, not {len(value)}")
    return value[0]


def _message(options: dict[int, bytearray], fixed: DhcpMessage) -> DhcpMessage:
    taken: dict[str, Any] = {}  # field name → typed value, as _TYPED says
    for code, value in options.items():
        field = _TYPED.get(code)
        if field is None:
            continue
        name, kind = field
        taken[name] = _decode_value(code, bytes(value), kind)
    kind_code = taken.pop("message_type", None)
    message_type = None
    if kind_code is not None:
        assert isinstance(kind_code, int)
        try:
            message_type = MessageType(kind_code)
        except ValueError:
            raise DhcpError(f"unknown DHCP message type {kind_code}") from None
    others = tuple((code, bytes(value)) for code, value in options.items()
                   if code not in _TYPED and code != OptionCode.OPTION_OVERLOAD)
    return dataclasses.replace(fixed, message_type=message_type, other_options=others, **taken)


def _decode_value(code: int, value: bytes, kind: str) -> object:
    if kind == "address":
        if len(value) != 4:
            raise DhcpError(f"option {code} must be 4 octets, not {len(value)}")
        return ipv4_to_text(value)
    if kind == "addresses":
        if not value or len(value) % 4:
            raise DhcpError(f"option {code} must be a non-empty multiple of 4 octets, "
                            f"not {len(value)}")
        return tuple(ipv4_to_text(value[i:i + 4]) for i in range(0, len(value), 4))
    if kind == "u32":
        if len(value) != 4:
            raise DhcpError(f"option {code} must be 4 octets, not {len(value)}")
        return int.from_bytes(value, "big")
    if kind == "u16":
        if len(value) != 2:
            raise DhcpError(f"option {code} must be 2 octets, not {len(value)}")
        size = int.from_bytes(value, "big")
        if size < 576:  # RFC 2132 §9.10: the minimum legal value is 576
            raise DhcpError(f"maximum message size {size} is below 576")
        return size
    if kind == "u8":
        if len(value) != 1:
            raise DhcpError(f"option {code} must be 1 octet, not {len(value)}")
        return value[0]
    if kind == "codes":
        if not value:
            raise DhcpError(f"option {code} is empty")
        return tuple(value)
    # "text": RFC 2132 gives these a minimum length of 1 (or 2 for a client identifier)
    minimum = 2 if code == OptionCode.CLIENT_IDENTIFIER else 1
    if len(value) < minimum:
        raise DhcpError(f"option {code} must be at least {minimum} octets")
    return value


# Option code → (field name, value kind).
_TYPED: dict[int, tuple[str, str]] = {
    OptionCode.SUBNET_MASK: ("subnet_mask", "address"),
    OptionCode.ROUTER: ("routers", "addresses"),
    OptionCode.DNS_SERVERS: ("dns_servers", "addresses"),
    OptionCode.HOST_NAME: ("host_name", "text"),
    OptionCode.DOMAIN_NAME: ("domain_name", "text"),
    OptionCode.BROADCAST_ADDRESS: ("broadcast_address", "address"),
    OptionCode.REQUESTED_ADDRESS: ("requested_address", "address"),
    OptionCode.LEASE_TIME: ("lease_time", "u32"),
    OptionCode.MESSAGE_TYPE: ("message_type", "u8"),
    OptionCode.SERVER_IDENTIFIER: ("server_identifier", "address"),
    OptionCode.PARAMETER_REQUEST_LIST: ("parameter_requests", "codes"),
    OptionCode.MESSAGE: ("message", "text"),
    OptionCode.MAX_MESSAGE_SIZE: ("max_message_size", "u16"),
    OptionCode.RENEWAL_TIME: ("renewal_time", "u32"),
    OptionCode.REBINDING_TIME: ("rebinding_time", "u32"),
    OptionCode.CLIENT_IDENTIFIER: ("client_identifier", "text"),
}


# --- Encoding -----------------------------------------------------------------------


def encode(message: DhcpMessage) -> bytes:
    """`DhcpMessage` → bytes: the message type first, then the typed options in code
    order, then `other_options`, END, padded to 300 octets (RFC 1542)."""
    for name, value, limit in (("transaction id", message.transaction_id, 0xFFFF_FFFF),
                               ("seconds", message.seconds, 0xFFFF),
                               ("flags", message.flags, 0xFFFF), ("hops", message.hops, 0xFF)):
        if not 0 <= value <= limit:
            raise DhcpError(f"{name} {value} outside 0..{limit}")
    if len(message.server_name) > 63 or len(message.boot_file) > 127:
        raise DhcpError("server name over 63 octets or boot file over 127")
    fixed = _FIXED.pack(
        message.operation, HARDWARE_ETHERNET, 6, message.hops, message.transaction_id,
        message.seconds, message.flags, _address(message.client_address),
        _address(message.your_address), _address(message.server_address),
        _address(message.relay_address), mac_from_text(message.client_mac, DhcpError),
        message.server_name, message.boot_file,
    )
    options = bytearray(MAGIC_COOKIE)
    if message.message_type is not None:
        options += _option(OptionCode.MESSAGE_TYPE, bytes([message.message_type]))
    for code, (name, kind) in sorted(_TYPED.items()):
        if code == OptionCode.MESSAGE_TYPE:
            continue
        value = getattr(message, name)
        if value is None or value == ():
            continue
        options += _option(code, _encode_value(code, value, kind))
    for code, raw in message.other_options:
        if not 1 <= code <= 254 or code in _TYPED or code == OptionCode.OPTION_OVERLOAD:
            raise DhcpError(f"option {code} cannot be an other option")
        options += _option(code, raw)
    options.append(OptionCode.END)
    encoded = fixed + bytes(options)
    if len(encoded) > MAX_MESSAGE_LENGTH:
        raise DhcpError(f"message of {len(encoded)} octets exceeds {MAX_MESSAGE_LENGTH}")
    return encoded.ljust(MIN_MESSAGE_LENGTH, b"\0")


def _address(text: str) -> bytes:
    return ipv4_from_text(text, DhcpError)


def _option(code: int, value: bytes) -> bytes:
    """One option; RFC 3396 §5: a value over 255 octets is split into several."""
    if not value:
        raise DhcpError(f"option {code} has an empty value")
    pieces = bytearray()
    for start in range(0, len(value), 255):
        piece = value[start:start + 255]
        pieces += bytes([code, len(piece)]) + piece
    return bytes(pieces)


def _encode_value(code: int, value: object, kind: str) -> bytes:
    if kind == "address":
        assert isinstance(value, str)
        return _address(value)
    if kind == "addresses":
        assert isinstance(value, tuple)
        return b"".join(_address(item) for item in value)
    if kind in ("u32", "u16"):
        assert isinstance(value, int)
        size = 4 if kind == "u32" else 2
        if not 0 <= value < 1 << (8 * size):
            raise DhcpError(f"option {code} value {value} does not fit {size} octets")
        if kind == "u16" and value < 576:
            raise DhcpError(f"maximum message size {value} is below 576")
        return value.to_bytes(size, "big")
    if kind == "codes":
        assert isinstance(value, tuple)
        if not all(0 <= item <= 255 for item in value):
            raise DhcpError(f"option {code}: a code outside 0..255")
        return bytes(value)
    assert isinstance(value, bytes)
    return value
