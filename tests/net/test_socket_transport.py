"""The sockets' transport over the stack (net/sockets): what a kernel socket is told and
what goes on the link, with a scripted peer: binding, datagrams in and out, the
connected peer's filter, SO_RCVBUF, SHUT_RD, and what UDP refuses."""

from __future__ import annotations

from netpeer import DEVICE_IP, PEER_IP, arp_request, make_stack, sent, udp_frame

from levante.abi import ERRNO
from levante.codecs import icmp, udp
from levante.kernel.objects.socket_transport import (
    AF_INET,
    AF_INET6,
    SOCK_DGRAM,
    SOCK_STREAM,
    SocketAddress,
)
from levante.net.sockets import StackNetwork
from levante.net.sockets.udp import UdpSocket
from levante.net.stack import NetworkStack

PEER = SocketAddress(AF_INET, bytes([192, 0, 2, 2]), 5555)
ANY = SocketAddress(AF_INET, bytes(4), 4242)


def network() -> tuple[NetworkStack, StackNetwork]:
    stack = make_stack()
    stack.receive(arp_request(), 0)  # the peer is a known neighbour
    stack.take_outgoing()
    return stack, StackNetwork(stack, lambda: 10)


def udp_socket(service: StackNetwork) -> UdpSocket:
    opened = service.open(AF_INET, SOCK_DGRAM, 0)
    assert isinstance(opened, UdpSocket)
    return opened


def test_an_interface_without_ipv6_or_tcp_opens_ipv4_datagrams_only() -> None:
    _, service = network()
    assert service.open(AF_INET6, SOCK_DGRAM, 0) == -ERRNO["EAFNOSUPPORT"]
    assert service.open(AF_INET, SOCK_STREAM, 0) == -ERRNO["EPROTONOSUPPORT"]
    assert service.open(AF_INET, SOCK_DGRAM, 6) == -ERRNO["EPROTONOSUPPORT"]
    assert service.open(AF_INET, 9, 0) == -ERRNO["EPROTOTYPE"]
    assert service.max_datagram() == 1472  # one frame: the stack does not fragment


def test_a_datagram_arrives_tells_the_listener_and_is_taken_once() -> None:
    stack, service = network()
    sock = udp_socket(service)
    told: list[int] = []
    sock.set_listener(lambda: told.append(1))
    assert sock.bind(ANY, reuse=False) == 0
    assert not sock.readiness().readable
    stack.receive(udp_frame(4242, b"payload", source_port=5555), 20)
    assert told == [1] and sock.readiness().readable
    peeked = sock.receive(3, peek=True)
    assert peeked is not None and peeked.data == b"pay" and peeked.truncated
    taken = sock.receive(100, peek=False)
    assert taken is not None and taken.data == b"payload" and taken.source == PEER
    assert sock.receive(100, peek=False) is None


def test_sending_binds_an_ephemeral_port_and_puts_the_datagram_on_the_link() -> None:
    stack, service = network()
    sock = udp_socket(service)
    assert sock.send(b"x", None) == -ERRNO["EDESTADDRREQ"]
    assert sock.send(bytes(1473), PEER) == -ERRNO["EMSGSIZE"]
    assert sock.send(b"hi", PEER) == 2
    [frame] = sent(stack)
    assert frame.ip is not None and frame.ip.destination == PEER_IP
    datagram = udp.decode(frame.ip.payload, source=DEVICE_IP, destination=PEER_IP)
    local = sock.local_address()
    assert local is not None and datagram.source_port == local.port >= 49152
    assert (datagram.destination_port, datagram.payload) == (5555, b"hi")


def test_a_connected_socket_hears_only_its_peer() -> None:
    stack, service = network()
    sock = udp_socket(service)
    assert sock.connect(PEER) == 0
    local = sock.local_address()
    assert local is not None
    stack.receive(udp_frame(local.port, b"stranger", source_port=6666), 20)
    assert sock.receive(100, peek=False) is None
    assert stack.stats.get("udp.drop.not-from-peer") == 1
    stack.receive(udp_frame(local.port, b"peer", source_port=5555), 30)
    taken = sock.receive(100, peek=False)
    assert taken is not None and taken.data == b"peer"


def test_the_receive_buffer_bounds_the_bytes_waiting() -> None:
    stack, service = network()
    sock = udp_socket(service)
    assert sock.bind(ANY, reuse=False) == 0
    assert sock.set_option(1, 8, 100) == 0 and sock.get_option(1, 8) == 100
    for _ in range(3):
        stack.receive(udp_frame(4242, bytes(60)), 20)
    assert stack.stats.get("udp.drop.receive-buffer-full") == 2
    assert sock.set_option(6, 1, 1) == -ERRNO["ENOPROTOOPT"]  # TCP_NODELAY: not UDP's


def test_shutting_reading_ends_input_and_closing_frees_the_port() -> None:
    stack, service = network()
    sock = udp_socket(service)
    assert sock.bind(ANY, reuse=False) == 0
    assert udp_socket(service).bind(ANY, reuse=True) == -ERRNO["EADDRINUSE"]
    assert sock.shutdown(1) == -ERRNO["ENOTSUP"]
    assert sock.shutdown(0) == 0
    assert sock.readiness().readable and sock.receive(10, peek=False) is None
    sock.close()
    stack.receive(udp_frame(4242), 20)
    [answer] = sent(stack)
    assert answer.ip is not None
    assert icmp.decode(answer.ip.payload).type == 3  # port unreachable: nobody is bound
    assert udp_socket(service).bind(ANY, reuse=False) == 0
