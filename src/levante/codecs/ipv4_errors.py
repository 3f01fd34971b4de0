"""The IPv4 codec's error hierarchy (its own module so the options parser can share it)."""

from __future__ import annotations

from levante.codecs.errors import CodecError


class Ipv4Error(CodecError):
    """A malformed or unacceptable IPv4 packet."""

    protocol = "ipv4"


class Ipv4ChecksumError(Ipv4Error):
    """The header checksum does not match the header."""


class Ipv4OptionError(Ipv4Error):
    """A malformed option: bad length, pointer, flag, or a duplicate."""


class Ipv4IngressError(Ipv4Error):
    """A well-formed packet that must not arrive on this interface (martian addresses)."""
