"""The TCP codec's error hierarchy (its own module so the options parser can share it)."""

from __future__ import annotations

from levante.codecs.errors import CodecError


class TcpError(CodecError):
    """A malformed TCP segment."""

    protocol = "tcp"


class TcpChecksumError(TcpError):
    """The checksum does not match the segment and its pseudo-header."""


class TcpOptionError(TcpError):
    """A malformed option: a length that is not the one defined, or that overruns."""
