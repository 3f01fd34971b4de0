"""An MQTT session's socket I/O: encoded packets out as the socket takes them, the
broker's bytes into the session's decoder, and each message past the control point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.codecs.mqtt import MqttPacket, Publish, Subscribe, Unsubscribe
from levante.kernel.objects.mqtt_session import RECEIVE_CHUNK, MqttSession, SessionState
from levante.kernel.objects.socket_transport import SocketAddress
from levante.kernel.service_control import ServiceMessage, judge

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.objects.socket import NetSocket
    from levante.kernel.syscalls.context import Services

# Socket reads one mqtt_input makes at most before it hands back (the socket stays
# readable, so the application's poll brings it back for the rest).
READS_PER_INPUT = 16


def flush(kernel: Services, sock: NetSocket) -> int:
    """Hand the session's waiting bytes to the socket: 0, or the socket's -errno."""
    session = sock.mqtt
    if session is None or not session.outgoing:
        return 0
    taken = sock.transport.send(bytes(session.outgoing), None)
    if taken == -ERRNO["EAGAIN"]:
        return 0  # no room yet: the rest goes when the socket says it is writable
    if taken < 0:
        return taken
    session.take_outgoing(taken)
    kernel.request_stop()  # what was sent goes to the link before the caller runs on
    return 0


def peer_text(sock: NetSocket) -> str:
    peer = sock.transport.peer_address()
    return "" if peer is None else _address_text(peer)


def _address_text(address: SocketAddress) -> str:
    if len(address.address) == 4:
        return ".".join(str(byte) for byte in address.address) + f":{address.port}"
    return f"[{address.address.hex()}]:{address.port}"


def message_of(packet: MqttPacket, direction: str) -> ServiceMessage | None:
    """The control point's view of a PUBLISH, SUBSCRIBE or UNSUBSCRIBE (None for the
    protocol's own packets: acknowledgements, pings)."""
    if isinstance(packet, Publish):
        return ServiceMessage("mqtt", "publish", {
            "direction": direction, "topic": packet.topic, "qos": packet.qos,
            "retain": packet.retain, "payload_length": len(packet.payload)})
    if isinstance(packet, Subscribe):
        return ServiceMessage("mqtt", "subscribe", {
            "topics": [(item.topic_filter, item.qos) for item in packet.subscriptions]})
    if isinstance(packet, Unsubscribe):
        return ServiceMessage("mqtt", "unsubscribe", {"topics": list(packet.topic_filters)})
    return None


def judged(kernel: Services, caller: Caller, sock: NetSocket,
           message: ServiceMessage | None) -> int | None:
    """The control point's refusal of `message` (None: allowed, or nothing to judge)."""
    if message is None:
        return None
    return judge(kernel, caller.thread.name, peer_text(sock), message)


def next_packet(kernel: Services, sock: NetSocket, session: MqttSession) -> MqttPacket | int | None:
    """The broker's next whole packet, None while none is complete, or the -errno that
    ends the session (-ENOTCONN: the broker closed; -EBADMSG, -EMSGSIZE: its bytes
    broke the stream; a socket error)."""
    for _ in range(READS_PER_INPUT):
        if session.received:
            return session.received.popleft()
        received = sock.transport.receive(RECEIVE_CHUNK, False)
        if isinstance(received, int):
            return received
        if received is None:
            readiness = sock.transport.readiness()
            if readiness.error:
                return -(sock.transport.take_error() or ERRNO["ECONNRESET"])
            return -ERRNO["ENOTCONN"] if readiness.readable else None
        if not received.data:
            return -ERRNO["ENOTCONN"]
        failure = session.feed(received.data)
        if failure:
            return failure
    return session.received.popleft() if session.received else None


def end_session(kernel: Services, sock: NetSocket, session: MqttSession, reason: int) -> None:
    session.state = SessionState.ENDED
    session.received.clear()
    kernel.trace("mqtt_session_end", descriptor=sock.descriptor, result=reason,
                 peer=peer_text(sock))
