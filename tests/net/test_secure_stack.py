"""TLS and DTLS sockets through the network stack: two stacks on one wire, each with its
`StackNetwork`, a TLS server (listen, accept after the handshake) and client (connect
over TCP) with certificates, a wrong hostname and an untrusted CA refused with
ECONNABORTED, a refused TCP connection reported as such, DTLS over UDP, a DTLS
handshake retransmitted on the interface's deadlines, and the contexts' bound."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from tcppeer import make_tcp_stack
from tls_material import PSK, PSK_ID, Store, TlsCredentialType, make_identity

from levante.abi import ERRNO
from levante.abi.tls import IPPROTO_DTLS_1_2, IPPROTO_TLS_1_2, TLS_OPTIONS, DtlsRole
from levante.kernel.objects.socket_transport import (
    AF_INET,
    SOCK_DGRAM,
    SOCK_STREAM,
    SocketAddress,
)
from levante.net.sockets import StackNetwork
from levante.net.sockets.secure import SecureProvision, SecureSocket
from levante.net.stack import NetworkStack
from levante.net.tls.library import LibraryProfile

SERVER_IP, CLIENT_IP = "192.0.2.1", "192.0.2.2"
PORT = 4433
CA_TAG, SERVER_TAG, PSK_TAG = 10, 20, 30


@dataclass
class Wire:
    """Two stacks whose frames reach each other, on one simulated clock (µs)."""

    server: NetworkStack
    client: NetworkStack
    server_net: StackNetwork
    client_net: StackNetwork
    now: int = 0

    def run(self, until: object = None, limit_us: int = 120_000_000) -> None:
        """Carry frames and fire deadlines until nothing moves (or `until()` holds), for
        at most `limit_us` more of simulated time."""
        end = self.now + limit_us
        while self.now < end:
            moved = True
            while moved:
                moved = False
                for source, target in ((self.server, self.client),
                                       (self.client, self.server)):
                    for frame in source.take_outgoing():
                        moved = True
                        target.receive(frame, self.now)
            if until is not None and until():  # type: ignore[operator]
                return
            deadlines = [d for d in (self.server.next_deadline(), self.client.next_deadline(),
                                     self.server_net.next_deadline(),
                                     self.client_net.next_deadline()) if d is not None]
            if not deadlines:
                return
            self.now = max(self.now, min(deadlines))
            for stack in (self.server, self.client):
                stack.advance(self.now)
            for net in (self.server_net, self.client_net):
                net.advance(self.now)


def store() -> Store:
    ca = make_identity("Levante Test CA", ca=True)
    server = make_identity("server.test", ca)
    return (Store().add(CA_TAG, TlsCredentialType.CA_CERTIFICATE, ca.certificate_pem)
            .add(SERVER_TAG, TlsCredentialType.SERVER_CERTIFICATE, server.certificate_pem)
            .add(SERVER_TAG, TlsCredentialType.PRIVATE_KEY, server.key_pem)
            .add(PSK_TAG, TlsCredentialType.PSK, PSK)
            .add(PSK_TAG, TlsCredentialType.PSK_ID, PSK_ID))


def wire(credentials: Store, client_credentials: Store | None = None,
         max_contexts: int = 4) -> Wire:
    server = make_tcp_stack(address=SERVER_IP)
    client = make_tcp_stack(mac="00:00:5e:00:53:02", address=CLIENT_IP)
    holder: list[Wire] = []

    def clock() -> int:
        return holder[0].now if holder else 0

    def network(stack: NetworkStack, given: Store) -> StackNetwork:
        provision = SecureProvision(given.lookup, LibraryProfile(), True, max_contexts)
        return StackNetwork(stack, clock, provision)

    made = Wire(server, client, network(server, credentials),
                network(client, client_credentials or credentials))
    holder.append(made)
    return made


def secure(net: StackNetwork, kind: int, protocol: int) -> SecureSocket:
    opened = net.open(AF_INET, kind, protocol)
    assert isinstance(opened, SecureSocket)
    return opened


def ints(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}i", *values)


def address(text: str, port: int = PORT) -> SocketAddress:
    return SocketAddress(AF_INET, bytes(int(part) for part in text.split(".")), port)


def tls_pair(w: Wire, hostname: bytes = b"server.test\0",
             client_tags: tuple[int, ...] = (CA_TAG,)) -> tuple[SecureSocket, SecureSocket]:
    listener = secure(w.server_net, SOCK_STREAM, IPPROTO_TLS_1_2)
    assert listener.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(SERVER_TAG)) == 0
    assert listener.bind(address("0.0.0.0"), False) == 0
    assert listener.listen(2) == 0
    client = secure(w.client_net, SOCK_STREAM, IPPROTO_TLS_1_2)
    assert client.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(*client_tags)) == 0
    assert client.set_tls_option(TLS_OPTIONS["TLS_HOSTNAME"], hostname) == 0
    assert client.connect(address(SERVER_IP)) == -ERRNO["EINPROGRESS"]
    return listener, client


def test_a_tls_client_and_server_over_tcp_exchange_data_and_close() -> None:
    w = wire(store())
    listener, client = tls_pair(w)
    assert listener.accept() == -ERRNO["EAGAIN"]  # the handshake is not over yet
    w.run(until=lambda: client.readiness().writable and listener.readiness().readable)
    assert client.take_error() == 0
    assert listener.readiness().readable
    accepted = listener.accept()
    assert isinstance(accepted, SecureSocket)
    assert accepted.peer_address() == address(CLIENT_IP, accepted.peer_address().port)  # type: ignore[union-attr]
    assert client.send(b"hello over TLS", None) == 14
    w.run()
    got = accepted.receive(100, peek=False)
    assert not isinstance(got, int) and got is not None and got.data == b"hello over TLS"
    big = bytes(range(256)) * 200  # 51 200 bytes: several records, several segments
    sent = accepted.send(big, None)
    assert sent == len(big)  # taken whole: the records wait for TCP's window
    assert accepted.send(b"more", None) == -ERRNO["EAGAIN"]  # until they are sent
    assert not accepted.readiness().writable
    w.run()
    assert accepted.readiness().writable
    received = b""
    for _ in range(10_000):
        if len(received) == len(big):
            break
        piece = client.receive(4096, peek=False)
        if piece is None:
            w.run()  # the rest waits in TCP until the session has room
            continue
        assert not isinstance(piece, int) and piece.data
        received += piece.data
    assert received == big
    used = client.get_tls_option(TLS_OPTIONS["TLS_CIPHERSUITE_USED"], 4)
    assert isinstance(used, bytes) and struct.unpack("<i", used)[0] > 0
    accepted.close()
    w.run()
    # close_notify, then TCP's FIN: the client reads the end of input.
    assert client.readiness().readable
    end = client.receive(100, peek=False)
    assert not isinstance(end, int) and end is not None and end.data == b""


def test_a_wrong_hostname_fails_connect_and_the_server_never_accepts_it() -> None:
    w = wire(store())
    listener, client = tls_pair(w, hostname=b"other.test\0")
    w.run()
    assert client.readiness().error
    assert client.take_error() == ERRNO["ECONNABORTED"]
    assert listener.accept() == -ERRNO["EAGAIN"]
    assert len(w.server_net.contexts.open) == 1  # the failed connection's context is back


def test_an_untrusted_ca_fails_connect_with_econnaborted() -> None:
    other_ca = make_identity("Someone Else's CA", ca=True)
    client_store = Store().add(CA_TAG, TlsCredentialType.CA_CERTIFICATE,
                               other_ca.certificate_pem)
    w = wire(store(), client_store)
    _, client = tls_pair(w)
    w.run()
    assert client.take_error() == ERRNO["ECONNABORTED"]


def test_a_refused_tcp_connection_is_econnrefused() -> None:
    w = wire(store())
    client = secure(w.client_net, SOCK_STREAM, IPPROTO_TLS_1_2)
    client.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(CA_TAG))
    assert client.connect(address(SERVER_IP, 9)) == -ERRNO["EINPROGRESS"]
    w.run()
    assert client.readiness().error
    assert client.take_error() == ERRNO["ECONNREFUSED"]


def test_dtls_over_udp_with_a_psk() -> None:
    w = wire(store())
    server = secure(w.server_net, SOCK_DGRAM, IPPROTO_DTLS_1_2)
    server.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(PSK_TAG))
    server.set_tls_option(TLS_OPTIONS["TLS_DTLS_ROLE"], ints(DtlsRole.SERVER))
    assert server.bind(address("0.0.0.0"), False) == 0
    client = secure(w.client_net, SOCK_DGRAM, IPPROTO_DTLS_1_2)
    client.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(PSK_TAG))
    assert client.connect(address(SERVER_IP)) == -ERRNO["EINPROGRESS"]
    w.run(until=lambda: client.readiness().writable)
    assert client.send(b"datagram", None) == 8
    w.run()
    got = server.receive(100, peek=False)
    assert not isinstance(got, int) and got is not None and got.data == b"datagram"
    assert got.source is not None and got.source.address == address(CLIENT_IP).address
    assert server.send(b"answer", None) == 6
    w.run()
    answer = client.receive(100, peek=False)
    assert not isinstance(answer, int) and answer is not None and answer.data == b"answer"


def test_a_dtls_handshake_without_a_server_times_out_on_the_deadlines() -> None:
    w = wire(store())
    client = secure(w.client_net, SOCK_DGRAM, IPPROTO_DTLS_1_2)
    client.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(PSK_TAG))
    client.set_tls_option(TLS_OPTIONS["TLS_DTLS_HANDSHAKE_TIMEOUT_MAX"],
                          struct.pack("<I", 4000))
    client.connect(address(SERVER_IP))
    w.run()
    # 1 s, 2 s, then the 4 s maximum: 7 s of simulated time.
    assert client.take_error() == ERRNO["ETIMEDOUT"]
    assert w.now == 7_000_000


def test_the_contexts_are_bounded_and_come_back_on_close() -> None:
    w = wire(store(), max_contexts=2)
    first = secure(w.client_net, SOCK_DGRAM, IPPROTO_DTLS_1_2)
    secure(w.client_net, SOCK_STREAM, IPPROTO_TLS_1_2)
    assert w.client_net.open(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_2) == -ERRNO["ENOMEM"]
    first.close()
    assert isinstance(w.client_net.open(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_2),
                      SecureSocket)


def test_without_secure_sockets_the_protocols_are_refused() -> None:
    plain = StackNetwork(make_tcp_stack(), lambda: 0)
    assert plain.open(AF_INET, SOCK_DGRAM, IPPROTO_DTLS_1_2) == -ERRNO["EPROTONOSUPPORT"]
    assert plain.open(AF_INET, SOCK_STREAM, IPPROTO_TLS_1_2) == -ERRNO["EPROTONOSUPPORT"]


def test_the_mbedtls_heap_bounds_the_sessions_at_once() -> None:
    # Records of 2048 bytes: each session is charged 2 × (2048 + 285) + 8192 = 12 858
    # bytes; 30 000 bytes hold two sessions, not three.
    library = LibraryProfile(max_content_len=2048, heap_size=30_000)
    assert library.session_charge == 12_858
    w = wire(store())
    net = StackNetwork(w.client, lambda: w.now,
                       SecureProvision(store().lookup, library, True, 4))
    clients = [secure(net, SOCK_DGRAM, IPPROTO_DTLS_1_2) for _ in range(3)]
    for client in clients:
        client.set_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], ints(PSK_TAG))
    assert clients[0].connect(address(SERVER_IP)) == -ERRNO["EINPROGRESS"]
    assert clients[1].connect(address(SERVER_IP)) == -ERRNO["EINPROGRESS"]
    assert clients[2].connect(address(SERVER_IP)) == -ERRNO["ENOMEM"]
    clients[0].close()  # its charge comes back
    assert clients[2].connect(address(SERVER_IP, PORT + 1)) == -ERRNO["EINPROGRESS"]


def test_unread_plaintext_is_bounded_and_the_rest_waits_in_tcp() -> None:
    w = wire(store())
    listener, client = tls_pair(w)
    w.run(until=lambda: listener.readiness().readable)
    accepted = listener.accept()
    assert isinstance(accepted, SecureSocket)
    w.run()
    sent = 0
    for _ in range(20):  # the client sends while the device reads nothing
        taken = client.send(b"z" * 16_000, None)
        sent += max(taken, 0)
        w.run()
    held = accepted.session.readable if accepted.session else 0
    assert 32 * 1024 <= held < 32 * 1024 + 65_535
    assert sent > held  # the rest waits in TCP's buffers and the client's records
    total = 0
    for _ in range(10_000):
        if total == sent:
            break
        piece = accepted.receive(65_536, peek=False)
        if piece is None:
            w.run()
            continue
        assert not isinstance(piece, int)
        total += len(piece.data)
    assert total == sent  # nothing was lost
