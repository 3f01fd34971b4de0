"""AF_INET6 sockets' transports over a dual-stack interface: UDP datagrams in and out
with sockaddr_in6 addresses, the IPv6-only rule (an AF_INET6 socket never hears IPv4,
nor an AF_INET one IPv6, though they share the port table), bind's `::` and own
addresses, and a stream accepted over IPv6."""

from __future__ import annotations

from netpeer import udp_frame as udp4_frame
from netpeer6 import DEVICE_GLOBAL, PEER_GLOBAL, sent, solicitation, udp_frame
from test_tcp_ipv6 import NOW, Peer6, make_stack

from levante.abi import ERRNO
from levante.codecs import ipv6, udp
from levante.codecs.addresses import ipv6_from_text
from levante.codecs.errors import CodecError
from levante.kernel.objects.socket_transport import (
    AF_INET,
    AF_INET6,
    SOCK_DGRAM,
    SOCK_STREAM,
    SocketAddress,
)
from levante.net.sockets import StackNetwork
from levante.net.sockets.options import IPPROTO_IPV6, IPV6_V6ONLY
from levante.net.sockets.tcp import TcpSocket
from levante.net.sockets.udp import UdpSocket


def six(text: str) -> bytes:
    return ipv6_from_text(text, CodecError)


ANY6 = SocketAddress(AF_INET6, bytes(16), 4242)
PEER6 = SocketAddress(AF_INET6, six(PEER_GLOBAL), 40000)


def open_socket(service: StackNetwork, family: int, kind: int) -> UdpSocket | TcpSocket:
    opened = service.open(family, kind, 0)
    assert isinstance(opened, UdpSocket | TcpSocket)
    return opened


def test_a_udp6_socket_receives_and_answers_with_ipv6_addresses() -> None:
    stack = make_stack()
    stack.receive(solicitation(), NOW)  # the peer is a known neighbour
    stack.take_outgoing()
    service = StackNetwork(stack, lambda: NOW)
    sock = open_socket(service, AF_INET6, SOCK_DGRAM)
    assert sock.bind(ANY6, reuse=False) == 0
    stack.receive(udp_frame(4242, b"over six"), NOW)
    got = sock.receive(100, peek=False)
    assert not isinstance(got, int) and got is not None
    assert got.data == b"over six" and got.source == PEER6
    assert sock.send(b"back", PEER6) == 4
    [answer] = [item for item in sent(stack) if item.packet.next_header == ipv6.NEXT_UDP]
    assert answer.packet.source == DEVICE_GLOBAL and answer.packet.destination == PEER_GLOBAL
    datagram = udp.decode(answer.upper, source=DEVICE_GLOBAL, destination=PEER_GLOBAL)
    assert (datagram.destination_port, datagram.payload) == (40000, b"back")
    local = sock.local_address()
    assert local is not None and local.family == AF_INET6 and local.port == 4242


def test_ipv6_sockets_are_ipv6_only_and_share_a_port_with_an_ipv4_one() -> None:
    # Zephyr's port check compares the family: echo_server binds UDP 4242 twice.
    stack = make_stack()
    service = StackNetwork(stack, lambda: NOW)
    sock6 = open_socket(service, AF_INET6, SOCK_DGRAM)
    assert sock6.bind(ANY6, reuse=False) == 0
    stack.receive(udp4_frame(4242, b"ipv4"), NOW)
    assert sock6.receive(100, peek=False) is None
    assert stack.stats.get("udp.drop.port-unreachable") == 1
    sock4 = open_socket(service, AF_INET, SOCK_DGRAM)
    assert sock4.bind(SocketAddress(AF_INET, bytes(4), 4242), reuse=False) == 0
    again = open_socket(service, AF_INET6, SOCK_DGRAM)
    assert again.bind(ANY6, reuse=False) == -ERRNO["EADDRINUSE"]
    stack.receive(udp4_frame(4242, b"ipv4"), NOW)
    received = sock4.receive(100, peek=False)
    assert received is not None and not isinstance(received, int)
    assert received.data == b"ipv4"
    assert sock6.receive(100, peek=False) is None


def test_bind_takes_the_interfaces_own_ipv6_address_only() -> None:
    service = StackNetwork(make_stack(), lambda: NOW)
    for kind in (SOCK_DGRAM, SOCK_STREAM):
        mine = open_socket(service, AF_INET6, kind)
        assert mine.bind(SocketAddress(AF_INET6, six(DEVICE_GLOBAL), 5000 + kind),
                         reuse=False) == 0
        other = open_socket(service, AF_INET6, kind)
        assert other.bind(SocketAddress(AF_INET6, six("2001:db8::99"), 6000 + kind),
                          reuse=False) == -ERRNO["EADDRNOTAVAIL"]


def test_a_stream_listens_on_ipv6_beside_an_ipv4_one_on_the_same_port() -> None:
    stack = make_stack()
    service = StackNetwork(stack, lambda: NOW)
    server4 = open_socket(service, AF_INET, SOCK_STREAM)
    assert server4.bind(SocketAddress(AF_INET, bytes(4), 7), reuse=False) == 0
    assert server4.listen(1) == 0
    server6 = open_socket(service, AF_INET6, SOCK_STREAM)
    assert server6.bind(SocketAddress(AF_INET6, bytes(16), 7), reuse=False) == 0
    assert server6.listen(1) == 0
    peer = Peer6(stack)
    [syn_ack] = peer.send(("SYN",))
    peer.ack = syn_ack.sequence_number + 1
    peer.send(("ACK",), b"hi")
    assert server4.accept() == -ERRNO["EAGAIN"]
    accepted = server6.accept()
    assert isinstance(accepted, TcpSocket)
    assert accepted.peer_address() == PEER6
    local = accepted.local_address()
    assert local == SocketAddress(AF_INET6, six(DEVICE_GLOBAL), 7)
    got = accepted.receive(10, peek=False)
    assert not isinstance(got, int) and got is not None and got.data == b"hi"


def test_the_largest_udp6_datagram_is_one_mtu_less_the_headers() -> None:
    stack = make_stack()
    stack.receive(solicitation(), NOW)
    service = StackNetwork(stack, lambda: NOW)
    assert service.max_datagram_ipv6() == 1500 - 48
    sock = open_socket(service, AF_INET6, SOCK_DGRAM)
    assert sock.send(bytes(1453), PEER6) == -ERRNO["EMSGSIZE"]
    assert sock.send(bytes(1452), PEER6) == 1452


def test_ipv6_v6only_is_accepted_but_not_read_back_as_zephyr_does() -> None:
    service = StackNetwork(make_stack(), lambda: NOW)
    for kind in (SOCK_DGRAM, SOCK_STREAM):
        sock = open_socket(service, AF_INET6, kind)
        assert sock.set_option(IPPROTO_IPV6, IPV6_V6ONLY, 1) == 0
        assert sock.get_option(IPPROTO_IPV6, IPV6_V6ONLY) == -ERRNO["ENOPROTOOPT"]
