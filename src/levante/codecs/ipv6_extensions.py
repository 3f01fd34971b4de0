"""The IPv6 extension header chain (RFC 8200 §4), walked as a host that is the packet's
destination, with a bounded number of headers.

Design note: the walk stops at the first header that is not an extension header this
host processes (the upper-layer protocol, or one it does not know: the stack then
answers "unrecognized next header"), at No Next Header, or after a Fragment header of
a fragment other than the first (what follows is fragment data). Hop-by-Hop is only
allowed first (§4.1); options are processed by their type's action bits (§4.2); a
Routing header with segments left is refused (a host forwards nothing; type 0 is
deprecated by RFC 5095); a first fragment must hold the whole chain (RFC 7112 §5).
"""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs import ipv6
from levante.codecs.ipv6_errors import (
    ERRONEOUS_HEADER_FIELD,
    INCOMPLETE_HEADER_CHAIN,
    UNRECOGNIZED_NEXT_HEADER,
    UNRECOGNIZED_OPTION,
    Ipv6Error,
    Ipv6ParameterProblem,
)

# RFC 8200 §4.1 names six extension headers, Destination Options twice: a longer chain
# is no packet a host needs, and walking it costs work an attacker chooses.
MAX_EXTENSION_HEADERS = 8
PAD1 = 0
PADN = 1
ROUTER_ALERT = 5  # RFC 2711: carried by MLD (RFC 3810 §5)
_KNOWN_OPTIONS = frozenset((PAD1, PADN, ROUTER_ALERT))
_OPTION_HEADERS = frozenset((ipv6.NEXT_HOP_BY_HOP, ipv6.NEXT_DESTINATION_OPTIONS))
# Headers this host knows are upper-layer or extension ones: anything else after the
# chain is the stack's to refuse (it knows which protocols are bound).
EXTENSION_HEADERS = frozenset((ipv6.NEXT_HOP_BY_HOP, ipv6.NEXT_ROUTING, ipv6.NEXT_FRAGMENT,
                               ipv6.NEXT_DESTINATION_OPTIONS))


@dataclass(frozen=True)
class FragmentHeader:
    """RFC 8200 §4.5: where the fragment goes (in 8-octet units), whether more follow,
    the datagram's identification, and where the fragment header sat in the payload."""

    offset: int
    more: bool
    identification: int
    header_start: int  # offset of the Fragment header in the IPv6 payload
    next_header: int  # the Next Header value inside the Fragment header
    naming_field: int = 6  # offset, in the packet, of the field that named this header

    @property
    def is_atomic(self) -> bool:
        """RFC 6946: offset 0 and no more fragments: a whole packet."""
        return self.offset == 0 and not self.more


@dataclass(frozen=True)
class HeaderChain:
    """What the walk found: the protocol after the chain, where it starts in the IPv6
    payload, the offset (in the packet) of the field that named it, and the Fragment
    header if one was passed."""

    upper_layer: int
    upper_start: int
    upper_pointer: int
    fragment: FragmentHeader | None = None
    hop_by_hop_options: tuple[int, ...] = ()  # the Hop-by-Hop option types, padding aside

    def upper_data(self, packet: ipv6.Ipv6Packet) -> bytes:
        return packet.payload[self.upper_start:]


def parse_chain(packet: ipv6.Ipv6Packet, *, destination_is_multicast: bool) -> HeaderChain:
    """Walk `packet`'s extension headers; raises `Ipv6ParameterProblem` (answer it) or
    `Ipv6Error` (drop it silently)."""
    payload = packet.payload
    next_header = packet.next_header
    pointer = ipv6.NEXT_HEADER_FIELD  # offset, in the packet, of the current Next Header
    start = 0
    fragment: FragmentHeader | None = None
    hop_by_hop: tuple[int, ...] = ()
    for count in range(MAX_EXTENSION_HEADERS + 1):
        if next_header not in EXTENSION_HEADERS:
            break
        if count == MAX_EXTENSION_HEADERS:
            raise Ipv6Error(f"more than {MAX_EXTENSION_HEADERS} extension headers")
        if next_header == ipv6.NEXT_HOP_BY_HOP and count != 0:
            # RFC 8200 §4.1: Hop-by-Hop only immediately after the IPv6 header.
            raise Ipv6ParameterProblem("Hop-by-Hop Options header not first",
                                       code=UNRECOGNIZED_NEXT_HEADER, pointer=pointer)
        if next_header == ipv6.NEXT_FRAGMENT:
            fragment = _fragment_header(packet, start, pointer)
            header_length = 8
        else:
            if len(payload) < start + 2:
                raise _truncated(fragment, "extension header")
            header_length = (payload[start + 1] + 1) * 8
            if len(payload) < start + header_length:
                raise _truncated(fragment, "extension header")
            if next_header in _OPTION_HEADERS:
                options = _process_options(payload, start, header_length,
                                           destination_is_multicast)
                if next_header == ipv6.NEXT_HOP_BY_HOP:
                    hop_by_hop = options
            else:
                _check_routing(payload, start)
        pointer = ipv6.HEADER_LENGTH + start
        next_header = payload[start]
        start += header_length
        if fragment is not None and fragment.offset != 0:
            break  # the rest is fragment data, not headers
    if fragment is not None and fragment.offset == 0 and fragment.more and \
            next_header in (ipv6.NEXT_TCP, ipv6.NEXT_UDP, ipv6.NEXT_ICMPV6) and \
            len(payload) < start + _UPPER_HEADER_MINIMUM[next_header]:
        # RFC 7112 §5: the first fragment holds the upper-layer header too.
        raise Ipv6ParameterProblem("first fragment without the whole header chain",
                                   code=INCOMPLETE_HEADER_CHAIN, pointer=0)
    return HeaderChain(upper_layer=next_header, upper_start=start, upper_pointer=pointer,
                       fragment=fragment, hop_by_hop_options=hop_by_hop)


_UPPER_HEADER_MINIMUM = {ipv6.NEXT_TCP: 20, ipv6.NEXT_UDP: 8, ipv6.NEXT_ICMPV6: 4}


def _truncated(fragment: FragmentHeader | None, what: str) -> Ipv6Error:
    if fragment is not None and fragment.more:
        # RFC 7112 §5: a first fragment whose chain goes on past its end.
        return Ipv6ParameterProblem(f"first fragment ends inside an {what}",
                                    code=INCOMPLETE_HEADER_CHAIN, pointer=0)
    return Ipv6Error(f"truncated {what}")


def _fragment_header(packet: ipv6.Ipv6Packet, start: int, naming_field: int) -> FragmentHeader:
    payload = packet.payload
    if len(payload) < start + 8:
        raise Ipv6Error("truncated Fragment header")
    offset_flags = int.from_bytes(payload[start + 2:start + 4], "big")
    fragment = FragmentHeader(offset=offset_flags >> 3, more=bool(offset_flags & 1),
                              identification=int.from_bytes(payload[start + 4:start + 8],
                                                            "big"),
                              header_start=start, next_header=payload[start],
                              naming_field=naming_field)
    data_length = len(payload) - start - 8
    # RFC 8200 §4.5: a fragment that is not the last carries a multiple of 8 octets
    # (pointer: the Payload Length field), and no fragment reaches past 65535 octets
    # (pointer: the Fragment Offset field), the part before the Fragment header included.
    if fragment.more and data_length % 8:
        raise Ipv6ParameterProblem("fragment length is not a multiple of 8",
                                   code=ERRONEOUS_HEADER_FIELD, pointer=4)
    if start + fragment.offset * 8 + data_length > ipv6.MAX_PAYLOAD_LENGTH:
        raise Ipv6ParameterProblem("fragment ends beyond 65535 octets",
                                   code=ERRONEOUS_HEADER_FIELD,
                                   pointer=ipv6.HEADER_LENGTH + start + 2)
    return fragment


def _process_options(payload: bytes, start: int, length: int,
                     destination_is_multicast: bool) -> tuple[int, ...]:
    """RFC 8200 §4.2: each option's type says what to do when it is not recognized."""
    position = start + 2
    end = start + length
    seen: list[int] = []
    while position < end:
        option_type = payload[position]
        if option_type == PAD1:
            position += 1
            continue
        if position + 2 > end or position + 2 + payload[position + 1] > end:
            raise Ipv6ParameterProblem("option runs past its header",
                                       code=ERRONEOUS_HEADER_FIELD,
                                       pointer=ipv6.HEADER_LENGTH + position + 1)
        if option_type not in _KNOWN_OPTIONS:
            action = option_type >> 6
            if action == 1:
                raise Ipv6Error(f"unrecognized option {option_type:#04x} (discard)")
            if action == 3 and destination_is_multicast:
                raise Ipv6Error(f"unrecognized option {option_type:#04x} (to multicast)")
            if action in (2, 3):
                raise Ipv6ParameterProblem(f"unrecognized option {option_type:#04x}",
                                           code=UNRECOGNIZED_OPTION,
                                           pointer=ipv6.HEADER_LENGTH + position)
        if option_type != PADN:
            seen.append(option_type)
        position += 2 + payload[position + 1]
    return tuple(seen)


def _check_routing(payload: bytes, start: int) -> None:
    # RFC 8200 §4.4: with segments left, a node that does not recognize the routing type
    # refuses the packet (pointer: the Routing Type); this host forwards nothing and
    # RFC 5095 deprecates type 0, so no type is processed. Segments left 0: ignored.
    segments_left = payload[start + 3] if len(payload) > start + 3 else 0
    if segments_left:
        raise Ipv6ParameterProblem(f"routing header type {payload[start + 2]} with "
                                   f"{segments_left} segments left",
                                   code=ERRONEOUS_HEADER_FIELD,
                                   pointer=ipv6.HEADER_LENGTH + start + 2)


def find_upper_layer(packet: ipv6.Ipv6Packet) -> tuple[int, int] | None:
    """The upper-layer protocol and where it starts, by lengths alone (no option or
    routing processing), for deciding about a packet already refused; None when the
    chain is cut, too long, or fragmented past its start."""
    payload = packet.payload
    next_header = packet.next_header
    start = 0
    for _ in range(MAX_EXTENSION_HEADERS):
        if next_header not in EXTENSION_HEADERS:
            return next_header, start
        if len(payload) < start + 8:
            return None
        if next_header == ipv6.NEXT_FRAGMENT:
            if int.from_bytes(payload[start + 2:start + 4], "big") >> 3:
                return None
            length = 8
        else:
            length = (payload[start + 1] + 1) * 8
        next_header = payload[start]
        start += length
    return None
