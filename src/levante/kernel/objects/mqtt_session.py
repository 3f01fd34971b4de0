"""An MQTT client session held by the kernel: the state behind Zephyr's struct mqtt_client.

The session belongs to the socket it runs over (`NetSocket.mqtt`): whoever may use the
socket may use the session, and closing the socket ends it.  The broker's bytes go
through the codec's `StreamDecoder` here, never through application code; what the
application gets are decoded packets turned into events, one at a time, and a received
PUBLISH's payload copied out of the session's bounded buffer.  Packets the client sends
are encoded here from values the caller passed, so nothing unchecked reaches the wire
either.  Everything is bounded: the packet size either way, topic lengths, the topics of
one SUBSCRIBE, the packet identifiers in flight and the bytes waiting to be sent.
An MQTT 5.0 session also keeps the topic aliases each way (the broker's bounded by what
the client announced, the client's by what the broker's CONNACK allows) and the
broker's maximum packet size.

This module is pure: the system calls (`syscalls/mqtt_calls.py`) do the socket I/O and
the control point's judging around it.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field

from levante.abi import ERRNO
from levante.codecs.mqtt import (
    MQTT_3_1_1,
    ConnAck,
    MqttError,
    MqttPacket,
    MqttPacketTooLargeError,
    PropertyId,
    PubAck,
    PubComp,
    Publish,
    PubRec,
    PubRel,
    StreamDecoder,
    encode,
)

# The largest packet the session takes from the broker or sends (a PUBLISH's payload is
# held whole in the kernel until the application has read it).
MAX_PACKET_SIZE = 16 * 1024
# A topic name or filter the application passes (MQTT allows 65535 bytes).
TOPIC_MAX = 256
# Topic filters one SUBSCRIBE or UNSUBSCRIBE may carry.
TOPICS_PER_REQUEST_MAX = 8
# Packet identifiers in flight at once, each direction (QoS 1 and 2).
IN_FLIGHT_MAX = 16
# Bytes of encoded packets waiting for room in the socket.
OUTGOING_MAX = 2 * MAX_PACKET_SIZE
# Bytes taken from the socket per read.
RECEIVE_CHUNK = 2048
# A client id, user name or password the application passes.
CONNECT_FIELD_MAX = 256
# MQTT 5.0: properties one packet from the application may carry, the bytes of one
# string or binary value among them, and properties one event hands back.
PROPERTIES_MAX = 32
PROPERTY_TEXT_MAX = 256
EVENT_PROPERTIES_MAX = 32
# Topic aliases the broker may set up for the client (the Topic Alias Maximum the
# client announces is bounded by this), and the client may set up for the broker.
TOPIC_ALIASES_MAX = 16


class SessionState(enum.Enum):
    CONNECTING = "connecting"  # CONNECT sent, no CONNACK yet
    CONNECTED = "connected"  # CONNACK accepted
    ENDED = "ended"  # the broker closed, or its bytes broke the stream


@dataclass(eq=False)
class MqttSession:
    """One client's session over one socket; times are kernel ticks."""

    keepalive_ticks: int  # 0: no keep-alive
    last_activity: int  # the tick the last packet was sent
    protocol_level: int = MQTT_3_1_1
    # The Topic Alias Maximum the client announced in its CONNECT (MQTT 5.0).
    alias_limit: int = 0
    decoder: StreamDecoder = field(init=False)
    state: SessionState = SessionState.CONNECTING
    outgoing: bytearray = field(default_factory=bytearray)
    received: deque[MqttPacket] = field(default_factory=deque)
    payload: bytes = b""  # the PUBLISH payload the application has not read yet
    payload_read: int = 0
    # Our QoS 1/2 publishes awaiting PUBACK or PUBREC, our QoS 2 awaiting PUBCOMP, and
    # the broker's QoS 2 publishes we acknowledged with PUBREC, awaiting PUBREL.
    awaiting_ack: set[int] = field(default_factory=set)
    awaiting_complete: set[int] = field(default_factory=set)
    awaiting_release: set[int] = field(default_factory=set)
    unacked_pings: int = 0
    # MQTT 5.0: the broker's aliases (alias → topic), the client's aliases set up so far,
    # and the broker's limits from its CONNACK.
    aliases_in: dict[int, str] = field(default_factory=dict)
    aliases_out_topics: dict[int, str] = field(default_factory=dict)
    broker_alias_limit: int = 0
    broker_packet_limit: int = MAX_PACKET_SIZE

    def __post_init__(self) -> None:
        self.decoder = StreamDecoder(MAX_PACKET_SIZE, self.protocol_level)

    @property
    def payload_left(self) -> int:
        return len(self.payload) - self.payload_read

    def queue(self, packet: MqttPacket, now: int) -> int:
        """Encode `packet` for sending: 0, or -errno (-EMSGSIZE: larger than the packet
        limit; -ENOMEM: the bytes waiting to go leave no room; -EINVAL: the codec refused
        a value)."""
        try:
            raw = encode(packet, self.protocol_level)
        except MqttError:
            return -ERRNO["EINVAL"]
        if len(raw) > min(MAX_PACKET_SIZE, self.broker_packet_limit):
            return -ERRNO["EMSGSIZE"]
        if len(self.outgoing) + len(raw) > OUTGOING_MAX:
            return -ERRNO["ENOMEM"]
        self.outgoing += raw
        self.last_activity = now
        return 0

    def in_flight_refusal(self, packet: MqttPacket) -> int:
        """0 when sending `packet` keeps the QoS bookkeeping within its bounds, else
        -errno (-ENOMEM: too many identifiers in flight; -EINVAL: an identifier
        already in flight)."""
        if isinstance(packet, Publish) and packet.qos > 0:
            assert packet.packet_id is not None
            in_flight = self.awaiting_ack | self.awaiting_complete
            if packet.packet_id in in_flight and not packet.dup:
                return -ERRNO["EINVAL"]
            if len(in_flight) >= IN_FLIGHT_MAX and packet.packet_id not in in_flight:
                return -ERRNO["ENOMEM"]
        return 0

    def alias_refusal(self, packet: Publish) -> int:
        """0 when `packet`'s Topic Alias is one the broker allows (and at most
        TOPIC_ALIASES_MAX) and, without a topic name, one this session set up before;
        else -EINVAL."""
        alias = topic_alias(packet)
        if alias is None:
            return 0
        # The kernel keeps the topic of each alias the client sets up: at most
        # TOPIC_ALIASES_MAX of them, however many the broker would take.
        limit = min(self.broker_alias_limit, TOPIC_ALIASES_MAX)
        if alias > limit or (not packet.topic and alias not in self.aliases_out_topics):
            return -ERRNO["EINVAL"]
        return 0

    def resolve_own_alias(self, packet: Publish) -> str:
        """The topic of a PUBLISH this session sends (its alias looked up when the name
        is empty; alias_refusal passed first)."""
        if packet.topic:
            return packet.topic
        return self.aliases_out_topics.get(topic_alias(packet) or 0, "")

    def connected(self, packet: ConnAck) -> None:
        """Note the broker's limits from its CONNACK."""
        for item in packet.properties:
            if item.identifier == PropertyId.TOPIC_ALIAS_MAXIMUM:
                self.broker_alias_limit = int(item.value)  # type: ignore[arg-type]
            elif item.identifier == PropertyId.MAXIMUM_PACKET_SIZE:
                self.broker_packet_limit = int(item.value)  # type: ignore[arg-type]

    def resolve_alias(self, packet: Publish) -> str | int:
        """The topic of a PUBLISH from the broker, its Topic Alias set up or looked up:
        -EBADMSG for an alias over the announced maximum or one never set up, -ENOMEM
        for a topic too long to keep for an alias."""
        alias = topic_alias(packet)
        if alias is None:
            return packet.topic
        if alias > self.alias_limit:
            return -ERRNO["EBADMSG"]
        if not packet.topic:
            known = self.aliases_in.get(alias)
            return -ERRNO["EBADMSG"] if known is None else known
        if len(packet.topic.encode()) > TOPIC_MAX:
            return -ERRNO["ENOMEM"]
        self.aliases_in[alias] = packet.topic
        return packet.topic

    def sent(self, packet: MqttPacket) -> None:
        """Note what a queued packet does to the QoS state."""
        if isinstance(packet, Publish):
            alias = topic_alias(packet)
            if alias is not None and packet.topic:
                self.aliases_out_topics[alias] = packet.topic
        if isinstance(packet, Publish) and packet.qos > 0:
            assert packet.packet_id is not None
            self.awaiting_ack.add(packet.packet_id)
        elif isinstance(packet, PubRel):
            self.awaiting_complete.add(packet.packet_id)
        elif isinstance(packet, PubRec):
            self.awaiting_release.add(packet.packet_id)
        elif isinstance(packet, PubComp):
            self.awaiting_release.discard(packet.packet_id)

    def take_outgoing(self, sent: int) -> None:
        del self.outgoing[:sent]

    def feed(self, data: bytes) -> int:
        """Bytes from the broker: whole packets join `received`.  0, or -errno once the
        stream is broken (-EMSGSIZE: a packet over the limit; -EBADMSG: malformed)."""
        try:
            self.received.extend(self.decoder.feed(data))
        except MqttPacketTooLargeError:
            return -ERRNO["EMSGSIZE"]
        except MqttError:
            return -ERRNO["EBADMSG"]
        return 0

    def arrived(self, packet: MqttPacket) -> None:
        """Note what a packet from the broker does to the QoS state."""
        if isinstance(packet, PubAck):
            self.awaiting_ack.discard(packet.packet_id)
        elif isinstance(packet, PubRec):
            self.awaiting_ack.discard(packet.packet_id)
        elif isinstance(packet, PubComp):
            self.awaiting_complete.discard(packet.packet_id)
        elif isinstance(packet, PubRel):
            self.awaiting_release.discard(packet.packet_id)

    def keepalive_left(self, now: int) -> int | None:
        """Ticks until a PINGREQ is due (0: due now); None without keep-alive."""
        if self.keepalive_ticks == 0:
            return None
        return max(0, self.last_activity + self.keepalive_ticks - now)


def topic_alias(packet: Publish) -> int | None:
    """A PUBLISH's Topic Alias property, if it has one."""
    for item in packet.properties:
        if item.identifier == PropertyId.TOPIC_ALIAS:
            return int(item.value)  # type: ignore[arg-type]
    return None
