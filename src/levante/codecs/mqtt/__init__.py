"""Sans-IO MQTT 3.1.1 and 5.0 codec: `decode`, `encode` and an incremental `StreamDecoder`."""

from levante.codecs.mqtt.decoder import DEFAULT_MAX_PACKET_SIZE, MQTT_3_1_1, MQTT_5, decode
from levante.codecs.mqtt.encoder import encode
from levante.codecs.mqtt.errors import (
    MqttEncodeError,
    MqttError,
    MqttMalformedError,
    MqttPacketTooLargeError,
    MqttPropertyError,
    MqttProtocolError,
    MqttTopicError,
    MqttTruncatedError,
    MqttUnsupportedProtocolError,
)
from levante.codecs.mqtt.packets import (
    Auth,
    ConnAck,
    Connect,
    Disconnect,
    MqttPacket,
    PacketType,
    PingReq,
    PingResp,
    Properties,
    Property,
    PropertyId,
    ProtocolLevel,
    PubAck,
    PubComp,
    Publish,
    PubRec,
    PubRel,
    SubAck,
    Subscribe,
    Subscription,
    UnsubAck,
    Unsubscribe,
    Will,
)
from levante.codecs.mqtt.stream import StreamDecoder
from levante.codecs.mqtt.topics import validate_topic_filter, validate_topic_name

__all__ = [
    "DEFAULT_MAX_PACKET_SIZE", "MQTT_3_1_1", "MQTT_5", "Auth", "ConnAck", "Connect",
    "Disconnect", "MqttEncodeError", "MqttError", "MqttMalformedError", "MqttPacket",
    "MqttPacketTooLargeError", "MqttPropertyError", "MqttProtocolError", "MqttTopicError",
    "MqttTruncatedError", "MqttUnsupportedProtocolError", "PacketType", "PingReq", "PingResp",
    "Properties", "Property", "PropertyId", "ProtocolLevel", "PubAck", "PubComp", "PubRec",
    "PubRel", "Publish", "StreamDecoder", "SubAck", "Subscribe", "Subscription", "UnsubAck",
    "Unsubscribe", "Will", "decode", "encode", "validate_topic_filter", "validate_topic_name",
]
