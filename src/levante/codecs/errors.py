"""The root of every codec's error hierarchy."""

from __future__ import annotations


class CodecError(Exception):
    """Malformed or unacceptable input for a protocol codec.

    Each codec subclasses this once (`Ipv4Error`, `MqttError`, ...) and may refine it
    further; callers that handle any codec catch `CodecError` alone.
    """

    protocol = "codec"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
