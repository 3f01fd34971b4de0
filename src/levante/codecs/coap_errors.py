"""The CoAP codec's error hierarchy: every malformed input raises one of these."""

from __future__ import annotations

from levante.codecs.errors import CodecError


class CoapError(CodecError):
    """Any CoAP input or message the codec refuses."""

    protocol = "coap"


class CoapFormatError(CoapError):
    """RFC 7252 §3: the bytes are not a well-formed CoAP message ("message format error")."""


class CoapTruncatedError(CoapFormatError):
    """The datagram ends inside the header, the token or an option."""


class CoapVersionError(CoapFormatError):
    """A version other than 1 (RFC 7252 §3: such messages are silently ignored)."""


class CoapLimitError(CoapError):
    """Well-formed, but beyond a configured limit (size, token length, option count)."""


class CoapOptionValueError(CoapError):
    """An option value that its option's format forbids (Block SZX 7, Observe > 3 bytes)."""


class CoapEncodeError(CoapError):
    """A message object that cannot be put on the wire as asked."""
