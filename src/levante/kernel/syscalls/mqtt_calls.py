"""z_levante_mqtt_*: the kernel's side of Zephyr's MQTT client (<zephyr/net/mqtt.h>).

The runtime opens and connects the socket (TCP or TLS, as Zephyr's transports do) and
then starts a session on it (`z_levante_mqtt_connect`); from then on every packet is
encoded and decoded here.  `z_levante_mqtt_input` hands back one decoded event per call
for the runtime to give the application's evt_cb in the caller's own context; a
PUBLISH's payload stays in the session until `z_levante_mqtt_read_payload` copies it
out.  Every PUBLISH (either way), SUBSCRIBE, UNSUBSCRIBE and the CONNECT pass the
service control point; a refused outgoing one returns the refusal, a refused incoming
PUBLISH is dropped.  A broker that breaks the stream (malformed or oversized packets,
a packet a server may not send) ends the session: the event is a DISCONNECT with the
error, and the kernel stays as it was.  An MQTT 5.0 session (protocol version 5)
carries properties and reason codes both ways, topic aliases each way, and the broker's
own DISCONNECT and AUTH as events.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.codecs.mqtt import (
    MQTT_5,
    Auth,
    ConnAck,
    Connect,
    Disconnect,
    MqttPacket,
    PingReq,
    PingResp,
    PropertyId,
    PubAck,
    PubComp,
    Publish,
    PubRec,
    PubRel,
    SubAck,
    UnsubAck,
)
from levante.kernel.objects.mqtt_session import (
    EVENT_PROPERTIES_MAX,
    TOPIC_ALIASES_MAX,
    MqttSession,
    SessionState,
)
from levante.kernel.objects.socket_transport import SOCK_STREAM
from levante.kernel.service_control import ServiceMessage
from levante.kernel.syscalls.mqtt_events import EventWriter
from levante.kernel.syscalls.mqtt_io import end_session, flush, judged, message_of, next_packet
from levante.kernel.syscalls.mqtt_values import (
    EVENT_DUP,
    EVENT_RECORD,
    EVENT_RETAIN,
    EVENT_SESSION_PRESENT,
    EVENT_V5_PROPERTIES,
    EVENT_V5_RECORD,
    PROPERTY_RECORD,
    read_connect,
    read_message,
)
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.socket_calls import find_socket

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.objects.socket import NetSocket
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer

ENOTCONN = -ERRNO["ENOTCONN"]
# enum mqtt_evt_type
EVT_CONNACK, EVT_DISCONNECT, EVT_PUBLISH, EVT_PUBACK, EVT_PUBREC = 0, 1, 2, 3, 4
EVT_PUBREL, EVT_PUBCOMP, EVT_SUBACK, EVT_UNSUBACK, EVT_PINGRESP = 5, 6, 7, 8, 9
EVT_AUTH = 10
_ACK_EVENTS = {PubAck: EVT_PUBACK, PubRec: EVT_PUBREC, PubRel: EVT_PUBREL,
               PubComp: EVT_PUBCOMP, UnsubAck: EVT_UNSUBACK}
# The largest rx_buf the kernel writes a topic or SUBACK codes into.
RX_BUFFER_MAX = 64 * 1024


def _session_of(kernel: Inspect, caller: Caller, descriptor: int) -> NetSocket | int:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    return sock if sock.mqtt is not None else ENOTCONN


# ---- connect ----------------------------------------------------------------------------


def _valid_connect(kernel: Inspect, caller: Caller, descriptor: int,
                   record: int) -> int | Plan:
    sock = find_socket(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    if sock.kind != SOCK_STREAM:
        return -ERRNO["EPROTOTYPE"]
    if sock.mqtt is not None:
        return -ERRNO["EALREADY"]
    if sock.transport.peer_address() is None:
        return ENOTCONN
    connect = read_connect(kernel, caller, record)
    if isinstance(connect, int):
        return connect
    if _announced_aliases(connect) > TOPIC_ALIASES_MAX:
        return -ERRNO["EINVAL"]
    return sock, connect


def _announced_aliases(connect: Connect) -> int:
    """The Topic Alias Maximum a CONNECT announces (0: the broker may use none)."""
    for item in connect.properties:
        if item.identifier == PropertyId.TOPIC_ALIAS_MAXIMUM:
            return int(item.value)  # type: ignore[arg-type]
    return 0


@syscall("z_levante_mqtt_connect", validate=_valid_connect)
def z_levante_mqtt_connect(kernel: Services, caller: Caller, sock: NetSocket,
                           connect: Connect) -> int:
    refusal = judged(kernel, caller, sock, ServiceMessage("mqtt", "connect", {
        "client_id": connect.client_id, "clean_session": connect.clean_start,
        "keepalive": connect.keep_alive,
        "will_topic": None if connect.will is None else connect.will.topic}))
    if refusal is not None:
        return refusal
    now = kernel.ticks()
    session = MqttSession(kernel.ms_to_ticks(connect.keep_alive * 1000), now,
                          connect.protocol_level, _announced_aliases(connect))
    result = session.queue(connect, now)
    if result:
        return result
    sock.mqtt = session
    return flush(kernel, sock)


# ---- sending ----------------------------------------------------------------------------


def _valid_send(kernel: Inspect, caller: Caller, descriptor: int, record: int) -> int | Plan:
    sock = _session_of(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    assert sock.mqtt is not None
    packet = read_message(kernel, caller, record, sock.mqtt.protocol_level)
    return packet if isinstance(packet, int) else (sock, packet)


@syscall("z_levante_mqtt_send", validate=_valid_send)
def z_levante_mqtt_send(kernel: Services, caller: Caller, sock: NetSocket,
                        packet: MqttPacket) -> int:
    return _send(kernel, caller, sock, packet)


def _send(kernel: Services, caller: Caller, sock: NetSocket, packet: MqttPacket) -> int:
    session = sock.mqtt
    assert session is not None  # validated; only closing the socket removes it
    if session.state is not SessionState.CONNECTED:
        return ENOTCONN
    in_flight = session.in_flight_refusal(packet)
    if in_flight:
        return in_flight
    judged_as = packet
    if isinstance(packet, Publish):
        alias = session.alias_refusal(packet)
        if alias:
            return alias
        # The control point judges the topic an alias stands for.
        judged_as = replace(packet, topic=session.resolve_own_alias(packet))
    refusal = judged(kernel, caller, sock, message_of(judged_as, "out"))
    if refusal is not None:
        return refusal
    result = session.queue(packet, kernel.ticks())
    if result:
        return result
    session.sent(packet)
    if isinstance(packet, PingReq):
        session.unacked_pings += 1
    return flush(kernel, sock)


# ---- receiving --------------------------------------------------------------------------


def _valid_input(kernel: Inspect, caller: Caller, descriptor: int, event: int, rx_buf: int,
                 rx_size: int) -> int | Plan:
    sock = _session_of(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    assert sock.mqtt is not None
    level = sock.mqtt.protocol_level
    rx = kernel.memory.buffer(caller, rx_buf, min(rx_size, RX_BUFFER_MAX), AccessKind.WRITE)
    if level != MQTT_5:
        out = kernel.memory.buffer(caller, event, EVENT_RECORD.size, AccessKind.WRITE)
        return sock, EventWriter(level, out, rx, None)
    out = kernel.memory.buffer(caller, event, EVENT_V5_RECORD.size + EVENT_V5_PROPERTIES.size,
                               AccessKind.WRITE)
    array, capacity = EVENT_V5_PROPERTIES.unpack(
        kernel.memory.read(caller, event + EVENT_V5_RECORD.size, EVENT_V5_PROPERTIES.size))
    capacity = min(capacity, EVENT_PROPERTIES_MAX)
    properties = kernel.memory.buffer(caller, array, capacity * PROPERTY_RECORD.size,
                                      AccessKind.WRITE) if capacity else None
    return sock, EventWriter(level, out, rx, properties)


@syscall("z_levante_mqtt_input", validate=_valid_input)
def z_levante_mqtt_input(kernel: Services, caller: Caller, sock: NetSocket,
                         writer: EventWriter) -> int:
    """1: an event was written (a DISCONNECT with the error once the session ended);
    0: nothing (yet); -ENOTCONN after the end; -EBUSY while a payload is unread."""
    session = sock.mqtt
    assert session is not None
    if session.state is SessionState.ENDED:
        return ENOTCONN
    if session.payload_left:
        return -ERRNO["EBUSY"]
    failure = flush(kernel, sock)
    while not failure:
        packet = next_packet(kernel, sock, session)
        if packet is None:
            return 0
        if isinstance(packet, int):
            failure = packet
            break
        written = _event(kernel, caller, sock, session, packet, writer)
        if written is None:
            continue  # dropped at the control point
        if written < 0:
            failure = written
            break
        if isinstance(packet, Disconnect):
            # MQTT 5.0: the broker said why it ends the session; the event told it.
            end_session(kernel, sock, session, -ERRNO["ECONNRESET"])
        return 1
    end_session(kernel, sock, session, failure)
    writer.write(EVT_DISCONNECT, failure)
    return 1


def _event(kernel: Services, caller: Caller, sock: NetSocket, session: MqttSession,
           packet: MqttPacket, writer: EventWriter) -> int | None:
    """Write the event for `packet`: 0, None when dropped, -errno when the packet
    breaks the protocol (what a server may not send) or does not fit rx_buf."""
    if isinstance(packet, ConnAck):
        if session.state is not SessionState.CONNECTING:
            return -ERRNO["EBADMSG"]
        if packet.reason_code == 0:
            session.state = SessionState.CONNECTED
            session.connected(packet)
        flags = EVENT_SESSION_PRESENT if packet.session_present else 0
        return writer.write(EVT_CONNACK, packet.reason_code, flags=flags,
                            reason=packet.reason_code, properties=packet.properties)
    if isinstance(packet, Disconnect | Auth) and session.protocol_level == MQTT_5:
        # The broker's DISCONNECT may come before CONNACK (a refusal), its AUTH too.
        if isinstance(packet, Disconnect):
            return writer.write(EVT_DISCONNECT, -ERRNO["ECONNRESET"],
                                reason=packet.reason_code, properties=packet.properties)
        return writer.write(EVT_AUTH, reason=packet.reason_code, properties=packet.properties)
    if session.state is not SessionState.CONNECTED:
        return -ERRNO["EBADMSG"]  # nothing but CONNACK comes first (3.1.1 §3.2)
    if isinstance(packet, Publish):
        return _publish_event(kernel, caller, sock, session, packet, writer)
    if isinstance(packet, SubAck):
        return writer.write(EVT_SUBACK, message_id=packet.packet_id,
                            data=bytes(packet.reason_codes), properties=packet.properties)
    if isinstance(packet, PingResp):
        session.unacked_pings = 0
        return writer.write(EVT_PINGRESP)
    kind = _ACK_EVENTS.get(type(packet))
    if kind is None:
        return -ERRNO["EBADMSG"]  # CONNECT, SUBSCRIBE, PINGREQ, ...: a client's packets
    assert isinstance(packet, PubAck | PubRec | PubRel | PubComp | UnsubAck)
    session.arrived(packet)
    if isinstance(packet, UnsubAck):
        return writer.write(kind, message_id=packet.packet_id,
                            data=bytes(packet.reason_codes), properties=packet.properties)
    return writer.write(kind, message_id=packet.packet_id, reason=packet.reason_code,
                        properties=packet.properties)


def _publish_event(kernel: Services, caller: Caller, sock: NetSocket, session: MqttSession,
                   packet: Publish, writer: EventWriter) -> int | None:
    topic_text = session.resolve_alias(packet)
    if isinstance(topic_text, int):
        return topic_text
    resolved = packet if topic_text == packet.topic else replace(packet, topic=topic_text)
    topic = topic_text.encode()
    if len(topic) > writer.rx.size:
        return -ERRNO["ENOMEM"]  # as Zephyr's: the header must fit rx_buf
    if judged(kernel, caller, sock, message_of(resolved, "in")) is not None:
        return None
    flags = (EVENT_RETAIN if packet.retain else 0) | (EVENT_DUP if packet.dup else 0)
    written = writer.write(EVT_PUBLISH, 0, packet.packet_id or 0, packet.qos, flags, topic,
                           len(packet.payload), properties=packet.properties)
    if written == 0:
        session.payload, session.payload_read = packet.payload, 0
    return written


def _valid_read(kernel: Inspect, caller: Caller, descriptor: int, buffer: int,
                length: int) -> int | Plan:
    sock = _session_of(kernel, caller, descriptor)
    if isinstance(sock, int):
        return sock
    session = sock.mqtt
    assert session is not None
    wanted = min(length, session.payload_left)
    return sock, kernel.memory.buffer(caller, buffer, wanted, AccessKind.WRITE)


@syscall("z_levante_mqtt_read_payload", validate=_valid_read)
def z_levante_mqtt_read_payload(kernel: Services, caller: Caller, sock: NetSocket,
                                destination: UserBuffer) -> int:
    """Bytes of the PUBLISH payload copied out (0: all of it has been read)."""
    session = sock.mqtt
    assert session is not None
    start = session.payload_read
    piece = session.payload[start:start + destination.size]
    if piece:
        destination.write(piece)
    session.payload_read += len(piece)
    if not session.payload_left:
        session.payload, session.payload_read = b"", 0
    return len(piece)


# ---- keep-alive -------------------------------------------------------------------------


def _valid_session(kernel: Inspect, caller: Caller, descriptor: int) -> int | Plan:
    sock = _session_of(kernel, caller, descriptor)
    return sock if isinstance(sock, int) else (sock,)


@syscall("z_levante_mqtt_live", validate=_valid_session)
def z_levante_mqtt_live(kernel: Services, caller: Caller, sock: NetSocket) -> int:
    """mqtt_live: a PINGREQ when the keep-alive is due (its result), else -EAGAIN."""
    session = sock.mqtt
    assert session is not None
    left = session.keepalive_left(kernel.ticks())
    if left is None or left > 0:
        return -ERRNO["EAGAIN"]
    return _send(kernel, caller, sock, PingReq())


@syscall("z_levante_mqtt_keepalive_left", validate=_valid_session)
def z_levante_mqtt_keepalive_left(kernel: Services, caller: Caller, sock: NetSocket) -> int:
    """Milliseconds until a PINGREQ is due (0: now), -1 without keep-alive."""
    session = sock.mqtt
    assert session is not None
    left = session.keepalive_left(kernel.ticks())
    if left is None:
        return -1
    ticks_per_second = kernel.config.ticks_per_second
    return -(-left * 1000 // ticks_per_second)
