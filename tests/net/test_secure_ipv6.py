"""TLS and DTLS sockets over IPv6: two IPv6 stacks on one wire, a TLS server and
client on AF_INET6 (certificates), DTLS with a PSK, and a DTLS handshake whose
datagrams each fit one IPv6 frame even where IPv4 would fragment (the DTLS MTU is the
family's, RFC 6347 §4.1.1.1)."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from test_secure_stack import (
    CA_TAG,
    PORT,
    PSK_TAG,
    SERVER_TAG,
    Wire,
    ints,
    store,
)
from test_tcp_ipv6 import make_stack

from levante.abi import ERRNO
from levante.abi.tls import IPPROTO_DTLS_1_2, IPPROTO_TLS_1_2, TLS_OPTIONS, DtlsRole
from levante.codecs import ethernet, ipv6
from levante.kernel.objects.socket_transport import (
    AF_INET6,
    SOCK_DGRAM,
    SOCK_STREAM,
    SocketAddress,
)
from levante.net.sockets import StackNetwork
from levante.net.sockets.secure import SecureProvision, SecureSocket
from levante.net.stack import NetworkStack
from levante.net.stack.reassembly import FragmentLimits
from levante.net.tls.library import LibraryProfile

SERVER_IP, CLIENT_IP = "2001:db8::1", "2001:db8::2"
PAST_DAD = 2_000_000
ETHERNET_HEADER = 14


def address(text: str, port: int = PORT) -> SocketAddress:
    return SocketAddress(AF_INET6, ipaddress.IPv6Address(text).packed, port)


def ipv6_wire(fragments: bool = False) -> tuple[Wire, list[bytes]]:
    """Two IPv6 stacks (IPv4 fragmentation on when `fragments`), and every frame the
    client and server exchange."""
    server = make_stack(SERVER_IP)
    client = make_stack(CLIENT_IP, mac="00:00:5e:00:53:02", ipv4="192.0.2.2")
    if fragments:
        for stack in (server, client):
            stack.settings = replace(stack.settings, fragments=FragmentLimits())
    holder: list[Wire] = []
    frames: list[bytes] = []
    credentials = store()

    def clock() -> int:
        return holder[0].now if holder else PAST_DAD

    def network(stack: NetworkStack) -> StackNetwork:
        provision = SecureProvision(credentials.lookup, LibraryProfile(), True, 4)
        return StackNetwork(stack, clock, provision)

    for stack in (server, client):
        original = stack.take_outgoing

        def recorded(original: object = original) -> list[bytes]:
            taken = original()  # type: ignore[operator]
            frames.extend(taken)
            return taken  # type: ignore[no-any-return]

        stack.take_outgoing = recorded  # type: ignore[method-assign]
    made = Wire(server, client, network(server), network(client), now=PAST_DAD)
    holder.append(made)
    return made, frames


def secure(net: StackNetwork, kind: int, protocol: int) -> SecureSocket:
    opened = net.open(AF_INET6, kind, protocol)
    assert isinstance(opened, SecureSocket)
    return opened


def test_a_tls_client_and_server_over_ipv6_exchange_data() -> None:
    w, _ = ipv6_wire()
    listener = secure(w.server_net, SOCK_STREAM, IPPROTO_TLS_1_2)
    assert listener.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(SERVER_TAG)) == 0
    assert listener.bind(address("::"), False) == 0
    assert listener.listen(1) == 0
    client = secure(w.client_net, SOCK_STREAM, IPPROTO_TLS_1_2)
    assert client.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(CA_TAG)) == 0
    assert client.set_tls_option(TLS_OPTIONS["TLS_HOSTNAME"], b"server.test\0") == 0
    assert client.connect(address(SERVER_IP)) == -ERRNO["EINPROGRESS"]
    w.run(until=lambda: client.readiness().writable and listener.readiness().readable)
    assert client.take_error() == 0
    accepted = listener.accept()
    assert isinstance(accepted, SecureSocket)
    peer = accepted.peer_address()
    assert peer is not None and peer.family == AF_INET6
    assert peer.address == address(CLIENT_IP).address
    assert client.send(b"hello over TLS and IPv6", None) == 23
    w.run()
    got = accepted.receive(100, peek=False)
    assert not isinstance(got, int) and got is not None
    assert got.data == b"hello over TLS and IPv6"


def dtls_pair(w: Wire, tags: tuple[int, int]) -> tuple[SecureSocket, SecureSocket]:
    server = secure(w.server_net, SOCK_DGRAM, IPPROTO_DTLS_1_2)
    server.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(tags[0]))
    server.set_tls_option(TLS_OPTIONS["TLS_DTLS_ROLE"], ints(DtlsRole.SERVER))
    assert server.bind(address("::"), False) == 0
    client = secure(w.client_net, SOCK_DGRAM, IPPROTO_DTLS_1_2)
    client.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(tags[1]))
    client.set_tls_option(TLS_OPTIONS["TLS_HOSTNAME"], b"server.test\0")
    assert client.connect(address(SERVER_IP)) == -ERRNO["EINPROGRESS"]
    w.run(until=lambda: client.readiness().writable)
    assert client.take_error() == 0
    return server, client


def test_dtls_over_ipv6_with_a_psk() -> None:
    w, _ = ipv6_wire()
    server, client = dtls_pair(w, (PSK_TAG, PSK_TAG))
    assert client.send(b"datagram", None) == 8
    w.run()
    got = server.receive(100, peek=False)
    assert not isinstance(got, int) and got is not None and got.data == b"datagram"
    assert got.source is not None and got.source.address == address(CLIENT_IP).address
    assert server.send(b"answer", None) == 6
    w.run()
    answer = client.receive(100, peek=False)
    assert not isinstance(answer, int) and answer is not None and answer.data == b"answer"


def test_dtls_datagrams_over_ipv6_fit_one_frame_even_where_ipv4_fragments() -> None:
    w, frames = ipv6_wire(fragments=True)
    server, client = dtls_pair(w, (SERVER_TAG, CA_TAG))
    largest = client.session.max_datagram if client.session else 0
    assert client.send(b"x" * largest, None) == largest
    w.run()
    got = server.receive(2000, peek=False)
    assert not isinstance(got, int) and got is not None and len(got.data) == largest
    packets = [ipv6.decode(frame.payload) for frame in map(ethernet.decode, frames)
               if frame.ethertype == ethernet.ETHERTYPE_IPV6]
    assert packets
    assert all(packet.next_header != ipv6.NEXT_FRAGMENT for packet in packets)
    assert max(len(frame) for frame in frames) <= ETHERNET_HEADER + 1500
