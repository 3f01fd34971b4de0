"""Stream sockets' transport (net/sockets/tcp.py) over the stack's TCP, with a scripted
peer: listen and accept, connect's outcomes, data both ways, end of input, errors
reported once, shutdown, options and what a stream refuses."""

from __future__ import annotations

from netpeer import PEER_IP
from tcppeer import DEVICE_PORT, PEER_PORT, ScriptedPeer, make_tcp_stack, sent_segments

from levante.abi import ERRNO
from levante.kernel.objects.socket_transport import (
    AF_INET,
    IPPROTO_TCP,
    SOCK_STREAM,
    SocketAddress,
)
from levante.net.sockets import StackNetwork
from levante.net.sockets.tcp import SHUT_RD, SHUT_WR, TCP_NODELAY, TcpSocket
from levante.net.stack import NetworkStack
from levante.net.stack.tcp import TcpState

SO_KEEPALIVE = 9
SOL_SOCKET = 1
ANY = SocketAddress(AF_INET, bytes(4), DEVICE_PORT)
PEER = SocketAddress(AF_INET, bytes([192, 0, 2, 2]), PEER_PORT)


def stream(stack: NetworkStack) -> TcpSocket:
    opened = StackNetwork(stack, lambda: 10).open(AF_INET, SOCK_STREAM, 0)
    assert isinstance(opened, TcpSocket)
    return opened


def accepted() -> tuple[ScriptedPeer, TcpSocket, TcpSocket]:
    stack = make_tcp_stack()
    server = stream(stack)
    assert server.bind(ANY, reuse=False) == 0 and server.listen(2) == 0
    peer = ScriptedPeer(stack)
    peer.handshake()
    connection = server.accept()
    assert isinstance(connection, TcpSocket)
    return peer, server, connection


def connecting() -> tuple[ScriptedPeer, TcpSocket, list[int]]:
    stack = make_tcp_stack()
    client = stream(stack)
    told: list[int] = []
    client.set_listener(lambda: told.append(1))
    peer = ScriptedPeer(stack)
    assert client.connect(PEER) == -ERRNO["EINPROGRESS"]
    return peer, client, told


def test_streams_open_only_with_tcp() -> None:
    stack = make_tcp_stack()
    service = StackNetwork(stack, lambda: 0)
    assert isinstance(service.open(AF_INET, SOCK_STREAM, IPPROTO_TCP), TcpSocket)
    assert service.open(AF_INET, SOCK_STREAM, 17) == -ERRNO["EPROTONOSUPPORT"]


def test_a_listener_accepts_a_connection_and_names_both_ends() -> None:
    peer, server, connection = accepted()
    assert server.accept() == -ERRNO["EAGAIN"]
    assert not server.readiness().readable
    assert connection.peer_address() == PEER
    local = connection.local_address()
    assert local is not None and local.port == DEVICE_PORT
    assert local.address == bytes([192, 0, 2, 1])
    assert connection.readiness().writable and not connection.readiness().readable


def test_a_waiting_connection_makes_the_listener_readable_and_tells_it() -> None:
    stack = make_tcp_stack()
    server = stream(stack)
    told: list[int] = []
    server.set_listener(lambda: told.append(1))
    assert server.listen(1) == 0
    assert server.local_address() is not None
    port = server.local_address().port  # type: ignore[union-attr]
    assert port >= 49152  # listening unbound: an ephemeral port
    peer = ScriptedPeer(stack, device_port=port)
    peer.handshake()
    assert told and server.readiness().readable


def test_data_both_ways_peek_and_the_end_of_input() -> None:
    peer, _, connection = accepted()
    assert connection.receive(10, peek=False) is None
    peer.send(("ACK",), b"hello world")
    assert connection.readiness().readable
    peeked = connection.receive(5, peek=True)
    assert isinstance(peeked, tuple) is False and peeked is not None
    assert not isinstance(peeked, int) and peeked.data == b"hello"
    taken = connection.receive(100, peek=False)
    assert not isinstance(taken, int) and taken is not None and taken.data == b"hello world"
    assert connection.send(b"answer", None) == 6
    [segment] = sent_segments(peer.stack)
    assert segment.payload == b"answer"
    peer.send(("ACK", "FIN"))
    end = connection.receive(100, peek=False)
    assert not isinstance(end, int) and end is not None and end.data == b""
    assert connection.readiness().readable


def test_a_full_send_buffer_says_eagain_and_the_ack_makes_room() -> None:
    peer, _, connection = accepted()
    told: list[int] = []
    connection.set_listener(lambda: told.append(1))
    taken = connection.send(bytes(100_000), None)
    assert 0 < taken < 100_000  # a partial send
    assert connection.send(b"more", None) == -ERRNO["EAGAIN"]
    assert not connection.readiness().writable
    sent = sent_segments(peer.stack)
    peer.ack = (sent[-1].sequence_number + len(sent[-1].payload)) % (1 << 32)
    peer.send(("ACK",))
    assert told and connection.readiness().writable


def test_connect_completes_on_the_syn_ack() -> None:
    peer, client, told = connecting()
    assert not client.readiness().writable
    assert client.connect(PEER) == -ERRNO["EALREADY"]
    assert client.send(b"x", None) == -ERRNO["EAGAIN"]
    [syn] = sent_segments(peer.stack)
    peer.accept_syn(syn)
    assert told and client.readiness().writable
    assert client.take_error() == 0
    assert client.connect(PEER) == -ERRNO["EISCONN"]
    assert client.peer_address() == PEER


def test_a_refused_connect_is_reported_once() -> None:
    peer, client, told = connecting()
    [syn] = sent_segments(peer.stack)
    peer.device_port = syn.source_port
    peer.send(("ACK", "RST"), seq=0, ack=(syn.sequence_number + 1) % (1 << 32))
    readiness = client.readiness()
    assert told and readiness.error and readiness.writable and readiness.hung_up
    assert client.take_error() == ERRNO["ECONNREFUSED"]
    assert client.take_error() == 0
    assert client.send(b"x", None) == -ERRNO["EPIPE"]


def test_a_reset_is_the_next_reads_error_then_the_end_of_input() -> None:
    peer, _, connection = accepted()
    peer.send(("RST",))
    assert connection.readiness().error
    assert connection.receive(10, peek=False) == -ERRNO["ECONNRESET"]
    end = connection.receive(10, peek=False)
    assert not isinstance(end, int) and end is not None and end.data == b""


def test_shutdown_write_sends_fin_and_then_sends_are_epipe() -> None:
    peer, _, connection = accepted()
    assert connection.shutdown(SHUT_WR) == 0
    [fin] = sent_segments(peer.stack)
    assert "FIN" in fin.flags
    assert connection.send(b"late", None) == -ERRNO["EPIPE"]
    assert connection.shutdown(SHUT_RD) == 0
    end = connection.receive(10, peek=False)
    assert not isinstance(end, int) and end is not None and end.data == b""


def test_calls_a_stream_refuses() -> None:
    stack = make_tcp_stack()
    sock = stream(stack)
    assert sock.send(b"x", None) == -ERRNO["ENOTCONN"]
    assert sock.receive(1, peek=False) == -ERRNO["ENOTCONN"]
    assert sock.accept() == -ERRNO["EINVAL"]
    assert sock.shutdown(SHUT_WR) == -ERRNO["ENOTCONN"]
    assert sock.connect(SocketAddress(AF_INET, bytes(4), 80)) == -ERRNO["EINVAL"]
    assert sock.bind(SocketAddress(AF_INET, bytes([192, 0, 2, 9]), 1), reuse=False) == \
        -ERRNO["EADDRNOTAVAIL"]
    assert sock.set_option(SOL_SOCKET, SO_KEEPALIVE, 1) == -ERRNO["ENOPROTOOPT"]
    assert sock.set_option(IPPROTO_TCP, TCP_NODELAY, 1) == 0
    assert sock.get_option(IPPROTO_TCP, TCP_NODELAY) == 1
    other = stream(stack)
    assert sock.bind(ANY, reuse=False) == 0 and sock.listen(1) == 0
    assert other.bind(ANY, reuse=True) == -ERRNO["EADDRINUSE"]
    assert sock.connect(PEER) == -ERRNO["EISCONN"]


def test_closing_with_unread_data_resets_and_a_clean_close_sends_fin() -> None:
    peer, _, connection = accepted()
    peer.send(("ACK",), b"unread")
    connection.close()
    [reset] = sent_segments(peer.stack)
    assert "RST" in reset.flags
    peer2, _, clean = accepted()
    clean.close()
    [fin] = sent_segments(peer2.stack)
    assert "FIN" in fin.flags
    assert clean.connection is not None and clean.connection.state is TcpState.FIN_WAIT_1
    assert PEER_IP == "192.0.2.2"
