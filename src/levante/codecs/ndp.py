"""Neighbor Discovery messages (RFC 4861 §4) and their options, on an Ethernet link.

Structural checks only (lengths, option lengths): the checks that need the IPv6 header
(hop limit 255, addresses) are the stack's, which counts each drop by its reason.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from levante.codecs import icmpv6
from levante.codecs.addresses import ipv6_from_text, ipv6_to_text, mac_from_text, mac_to_text
from levante.codecs.errors import CodecError
from levante.codecs.icmpv6 import Icmpv6Message

SOURCE_LINK_LAYER = 1
TARGET_LINK_LAYER = 2
PREFIX_INFORMATION = 3
REDIRECTED_HEADER = 4
MTU = 5
# RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1: the least ICMP length of each message.
MINIMUM_LENGTH = {icmpv6.ROUTER_SOLICITATION: 8, icmpv6.ROUTER_ADVERTISEMENT: 16,
                  icmpv6.NEIGHBOR_SOLICITATION: 24, icmpv6.NEIGHBOR_ADVERTISEMENT: 24,
                  icmpv6.REDIRECT: 40}
# Options are at least 8 octets, so a message has few; a bound keeps the list small
# whatever the length.
MAX_OPTIONS = 32
INFINITE_LIFETIME = 0xFFFF_FFFF

_RA = struct.Struct("!BBHII")
_PREFIX = struct.Struct("!BBII4x16s")


class NdpError(CodecError):
    """A malformed Neighbor Discovery message."""

    protocol = "ndp"


class NdpLengthError(NdpError):
    """The message is shorter than its type's fixed part."""


class NdpOptionError(NdpError):
    """An option of length zero, running past the message, or malformed."""


@dataclass(frozen=True)
class LinkLayerAddress:
    """Source (1) or Target (2) Link-Layer Address option (RFC 4861 §4.6.1)."""

    type: int
    mac: str


@dataclass(frozen=True)
class PrefixInformation:
    """RFC 4861 §4.6.2 (lifetimes in seconds, 0xffffffff infinite)."""

    prefix_length: int
    on_link: bool
    autonomous: bool
    valid_lifetime: int
    preferred_lifetime: int
    prefix: str


@dataclass(frozen=True)
class MtuOption:
    mtu: int


@dataclass(frozen=True)
class OtherOption:
    """An option kept whole: unknown ones are skipped (RFC 4861 §4.6), the Redirected
    Header is not used by a host that ignores what it redirects."""

    type: int
    data: bytes


NdpOption = LinkLayerAddress | PrefixInformation | MtuOption | OtherOption


@dataclass(frozen=True)
class RouterSolicitation:
    options: tuple[NdpOption, ...] = ()


@dataclass(frozen=True)
class RouterAdvertisement:
    current_hop_limit: int = 0
    managed: bool = False
    other: bool = False
    router_lifetime: int = 0  # seconds
    reachable_time: int = 0  # milliseconds, 0: unspecified
    retrans_timer: int = 0  # milliseconds, 0: unspecified
    options: tuple[NdpOption, ...] = ()


@dataclass(frozen=True)
class NeighborSolicitation:
    target: str
    options: tuple[NdpOption, ...] = ()


@dataclass(frozen=True)
class NeighborAdvertisement:
    target: str
    router: bool = False
    solicited: bool = False
    override: bool = False
    options: tuple[NdpOption, ...] = ()


@dataclass(frozen=True)
class Redirect:
    target: str
    destination: str
    options: tuple[NdpOption, ...] = field(default_factory=tuple)


NdpMessage = (RouterSolicitation | RouterAdvertisement | NeighborSolicitation
              | NeighborAdvertisement | Redirect)


def decode(message: Icmpv6Message) -> NdpMessage:
    """The body of an ND message → its fields and options; raises `NdpError`."""
    minimum = MINIMUM_LENGTH.get(message.type)
    if minimum is None:
        raise NdpError(f"ICMPv6 type {message.type} is not Neighbor Discovery")
    body = message.body
    if icmpv6.HEADER_LENGTH + len(body) < minimum:
        raise NdpLengthError(f"ICMP length {icmpv6.HEADER_LENGTH + len(body)} is below "
                             f"{minimum}")
    options = decode_options(body[minimum - icmpv6.HEADER_LENGTH:])
    if message.type == icmpv6.ROUTER_SOLICITATION:
        return RouterSolicitation(options)
    if message.type == icmpv6.ROUTER_ADVERTISEMENT:
        hop_limit, flags, lifetime, reachable, retrans = _RA.unpack_from(body)
        return RouterAdvertisement(hop_limit, bool(flags & 0x80), bool(flags & 0x40),
                                   lifetime, reachable, retrans, options)
    target = ipv6_to_text(body[4:20])
    if message.type == icmpv6.NEIGHBOR_SOLICITATION:
        return NeighborSolicitation(target, options)
    if message.type == icmpv6.NEIGHBOR_ADVERTISEMENT:
        flags = body[0]
        return NeighborAdvertisement(target, bool(flags & 0x80), bool(flags & 0x40),
                                     bool(flags & 0x20), options)
    return Redirect(target, ipv6_to_text(body[20:36]), options)


def decode_options(data: bytes) -> tuple[NdpOption, ...]:
    options: list[NdpOption] = []
    position = 0
    while position < len(data):
        if len(options) == MAX_OPTIONS:
            raise NdpOptionError(f"more than {MAX_OPTIONS} options")
        if position + 2 > len(data):
            raise NdpOptionError("truncated option")
        option_type, units = data[position], data[position + 1]
        # RFC 4861 §4.6: a length of zero is invalid (and would never advance).
        if units == 0:
            raise NdpOptionError(f"option {option_type} has length 0")
        end = position + units * 8
        if end > len(data):
            raise NdpOptionError(f"option {option_type} runs past the message")
        options.append(_decode_option(option_type, data[position + 2:end]))
        position = end
    return tuple(options)


def _decode_option(option_type: int, value: bytes) -> NdpOption:
    if option_type in (SOURCE_LINK_LAYER, TARGET_LINK_LAYER):
        # RFC 4861 §4.6.1 on Ethernet (RFC 2464 §8): length 1, a 6-octet MAC.
        if len(value) != 6:
            raise NdpOptionError(f"link-layer address option of {len(value) + 2} octets")
        return LinkLayerAddress(option_type, mac_to_text(value))
    if option_type == PREFIX_INFORMATION:
        if len(value) != _PREFIX.size:
            raise NdpOptionError("prefix information option is not 32 octets")
        length, flags, valid, preferred, prefix = _PREFIX.unpack(value)
        return PrefixInformation(length, bool(flags & 0x80), bool(flags & 0x40), valid,
                                 preferred, ipv6_to_text(prefix))
    if option_type == MTU:
        if len(value) != 6:
            raise NdpOptionError("MTU option is not 8 octets")
        return MtuOption(int.from_bytes(value[2:6], "big"))
    return OtherOption(option_type, bytes(value))


def encode(message: NdpMessage) -> Icmpv6Message:
    """An ND message → the ICMPv6 message that carries it."""
    options = encode_options(message.options)
    if isinstance(message, RouterSolicitation):
        return Icmpv6Message(type=icmpv6.ROUTER_SOLICITATION, body=bytes(4) + options)
    if isinstance(message, RouterAdvertisement):
        try:
            fixed = _RA.pack(message.current_hop_limit,
                             (0x80 if message.managed else 0) | (0x40 if message.other else 0),
                             message.router_lifetime, message.reachable_time,
                             message.retrans_timer)
        except struct.error as error:
            raise NdpError(f"cannot encode the advertisement: {error}") from None
        return Icmpv6Message(type=icmpv6.ROUTER_ADVERTISEMENT, body=fixed + options)
    target = ipv6_from_text(message.target, NdpError)
    if isinstance(message, NeighborSolicitation):
        return Icmpv6Message(type=icmpv6.NEIGHBOR_SOLICITATION,
                             body=bytes(4) + target + options)
    if isinstance(message, NeighborAdvertisement):
        flags = ((0x80 if message.router else 0) | (0x40 if message.solicited else 0)
                 | (0x20 if message.override else 0))
        return Icmpv6Message(type=icmpv6.NEIGHBOR_ADVERTISEMENT,
                             body=bytes((flags, 0, 0, 0)) + target + options)
    return Icmpv6Message(type=icmpv6.REDIRECT,
                         body=bytes(4) + target
                         + ipv6_from_text(message.destination, NdpError) + options)


def encode_options(options: tuple[NdpOption, ...]) -> bytes:
    encoded = b""
    for option in options:
        if isinstance(option, LinkLayerAddress):
            encoded += bytes((option.type, 1)) + mac_from_text(option.mac, NdpError)
        elif isinstance(option, PrefixInformation):
            try:
                encoded += bytes((PREFIX_INFORMATION, 4)) + _PREFIX.pack(
                    option.prefix_length,
                    (0x80 if option.on_link else 0) | (0x40 if option.autonomous else 0),
                    option.valid_lifetime, option.preferred_lifetime,
                    ipv6_from_text(option.prefix, NdpError))
            except struct.error as error:
                raise NdpError(f"cannot encode a prefix option: {error}") from None
        elif isinstance(option, MtuOption):
            encoded += bytes((MTU, 1, 0, 0)) + option.mtu.to_bytes(4, "big")
        else:
            if (len(option.data) + 2) % 8 or not option.data or len(option.data) > 2038:
                raise NdpError("an option's data must make it a multiple of 8 octets")
            encoded += bytes((option.type, (len(option.data) + 2) // 8)) + option.data
    return encoded
