"""The IPv6 codec's error hierarchy (its own module so the extension header parser shares it)."""

from __future__ import annotations

from levante.codecs.errors import CodecError

# RFC 4443 §3.4: Parameter Problem codes.
ERRONEOUS_HEADER_FIELD = 0
UNRECOGNIZED_NEXT_HEADER = 1
UNRECOGNIZED_OPTION = 2
# RFC 7112 §5: the first fragment does not hold the whole IPv6 header chain.
INCOMPLETE_HEADER_CHAIN = 3


class Ipv6Error(CodecError):
    """A malformed or unacceptable IPv6 packet (dropped without an answer)."""

    protocol = "ipv6"


class Ipv6ParameterProblem(Ipv6Error):
    """A packet RFC 8200 says to discard with an ICMPv6 Parameter Problem: `code` (RFC 4443
    §3.4) and `pointer`, the offset in the packet (from the IPv6 header's first octet)
    of the octet at fault."""

    def __init__(self, message: str, *, code: int, pointer: int) -> None:
        super().__init__(message)
        self.code = code
        self.pointer = pointer
