"""The MQTT codec's error hierarchy: every malformed input raises one of these."""

from __future__ import annotations

from levante.codecs.errors import CodecError


class MqttError(CodecError):
    """Any MQTT input or packet the codec refuses."""

    protocol = "mqtt"


class MqttMalformedError(MqttError):
    """The bytes break the wire format (MQTT 5.0 reason 0x81, Malformed Packet)."""


class MqttTruncatedError(MqttMalformedError):
    """The input ended before the packet its fixed header announced was complete."""


class MqttProtocolError(MqttError):
    """Well-formed bytes whose contents break a rule (MQTT 5.0 reason 0x82)."""


class MqttTopicError(MqttProtocolError):
    """A topic name or topic filter breaks the rules of MQTT section 4.7."""


class MqttPropertyError(MqttProtocolError):
    """An MQTT 5.0 property that is unknown, misplaced, repeated or out of range."""


class MqttPacketTooLargeError(MqttError):
    """A packet larger than the configured maximum (MQTT 5.0 reason 0x95)."""


class MqttUnsupportedProtocolError(MqttError):
    """A CONNECT for a protocol name or level this codec does not speak."""


class MqttEncodeError(MqttError):
    """A packet object that cannot be put on the wire as asked."""
