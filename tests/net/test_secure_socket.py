"""The TLS socket adapter (net/sockets/secure.py) over a scripted datagram transport, with
a TLS session as the peer: a DTLS client's connect, readiness that counts plaintext,
data both ways, close_notify, a failed handshake's errno through SO_ERROR, the
handshake timeout on simulated time, a DTLS server's first datagram and its next
client, the option calls, and the contexts' bound."""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from tls_material import (
    Store,
    client_store,
    make_identity,
    psk_store,
    server_store,
    session,
)

from levante.abi import ERRNO
from levante.abi.tls import TLS_OPTIONS, DtlsRole, TlsCredentialType
from levante.kernel.objects.socket_secure import SecureTransport
from levante.kernel.objects.socket_transport import (
    AF_INET,
    Readiness,
    Received,
    SocketAddress,
    TransportSocket,
)
from levante.net.sockets.secure import SecureContexts, SecureProvision, SecureSocket
from levante.net.tls import SessionState, TlsSession
from levante.net.tls.library import LibraryProfile

PEER = SocketAddress(AF_INET, bytes([192, 0, 2, 2]), 4433)
OTHER = SocketAddress(AF_INET, bytes([192, 0, 2, 3]), 4433)
HERE = SocketAddress(AF_INET, bytes([192, 0, 2, 1]), 0)
MTU = 1472


@dataclass
class ScriptedDatagrams:
    """A datagram transport whose network is the test: what the socket sends is kept,
    what `arrive` queues is what it receives."""

    inbox: deque[tuple[bytes, SocketAddress]] = field(default_factory=deque)
    sent: list[tuple[bytes, SocketAddress | None]] = field(default_factory=list)
    peer: SocketAddress | None = None
    closed: bool = False
    listener: Callable[[], None] | None = None

    def arrive(self, data: bytes, source: SocketAddress = PEER) -> None:
        self.inbox.append((data, source))
        if self.listener is not None:
            self.listener()

    def take_sent(self) -> list[bytes]:
        sent = [data for data, _ in self.sent]
        self.sent.clear()
        return sent

    def set_listener(self, listener: Callable[[], None] | None) -> None:
        self.listener = listener

    def readiness(self) -> Readiness:
        return Readiness(readable=bool(self.inbox), writable=True)

    def bind(self, address: SocketAddress, reuse: bool) -> int:
        return 0

    def connect(self, address: SocketAddress) -> int:
        self.peer = address
        return 0

    def listen(self, backlog: int) -> int:
        return -ERRNO["EOPNOTSUPP"]

    def accept(self) -> TransportSocket | int:
        return -ERRNO["EOPNOTSUPP"]

    def send(self, data: bytes, destination: SocketAddress | None) -> int:
        self.sent.append((data, destination or self.peer))
        return len(data)

    def receive(self, limit: int, peek: bool) -> Received | None:
        if not self.inbox:
            return None
        data, source = self.inbox.popleft()
        return Received(data[:limit], len(data), source)

    def shutdown(self, how: int) -> int:
        return 0

    def set_option(self, level: int, name: int, value: int) -> int:
        return -ERRNO["ENOPROTOOPT"]

    def get_option(self, level: int, name: int) -> int:
        return -ERRNO["ENOPROTOOPT"]

    def take_error(self) -> int:
        return 0

    def local_address(self) -> SocketAddress | None:
        return HERE

    def peer_address(self) -> SocketAddress | None:
        return self.peer

    def close(self) -> None:
        self.closed = True


@dataclass
class Device:
    """A DTLS socket on a scripted transport, its clock and what it told the kernel."""

    store: Store
    now: int = 0
    inner: ScriptedDatagrams = field(default_factory=ScriptedDatagrams)
    contexts: SecureContexts = field(default_factory=lambda: SecureContexts(2))
    notified: int = 0
    dtls_timeout_us: int = 0  # CONFIG_NET_SOCKETS_DTLS_TIMEOUT, in microseconds

    def __post_init__(self) -> None:
        provision = SecureProvision(self.store.lookup, LibraryProfile(), True, 2,
                                    self.dtls_timeout_us)
        self.sock = SecureSocket(self.inner, True, provision, lambda: self.now, MTU,
                                 self.contexts)
        self.sock.set_listener(self._changed)

    def _changed(self) -> None:
        self.notified += 1

    def set(self, option: str, value: bytes | tuple[bytes, ...] | None) -> int:
        return self.sock.set_tls_option(TLS_OPTIONS[option], value)


def ints(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}i", *values)


def pump(device: Device, peer: TlsSession, source: SocketAddress = PEER,
         rounds: int = 20) -> None:
    """Carry datagrams both ways until neither side has more."""
    for _ in range(rounds):
        moved = False
        for data in device.inner.take_sent():
            moved = True
            peer.receive(data, device.now)
        for data in peer.take_outgoing():
            moved = True
            device.inner.arrive(data, source)
        if not moved:
            return


def psk_client() -> tuple[Device, TlsSession]:
    device = Device(psk_store(1))
    assert device.set("TLS_SEC_TAG_LIST", ints(1)) == 0
    server = session(DtlsRole.SERVER, psk_store(1).resolve(1), True, peer=b"device")
    return device, server


def test_a_dtls_client_handshakes_on_connect_and_exchanges_data() -> None:
    device, server = psk_client()
    assert device.sock.connect(PEER) == -ERRNO["EINPROGRESS"]
    assert device.sock.readiness() == Readiness()  # handshaking: neither way yet
    assert device.sock.send(b"early", None) == -ERRNO["ENOTCONN"]
    pump(device, server)
    assert server.state is SessionState.ESTABLISHED
    assert device.sock.readiness().writable
    assert device.sock.take_error() == 0  # the kernel's connect wait ends with 0
    assert device.notified > 0
    assert device.sock.send(b"hello", None) == 5
    pump(device, server)
    assert server.read(100) == b"hello"
    server.send(b"one")
    server.send(b"two")
    pump(device, server)
    # Readiness is the plaintext held, whatever ciphertext the transport holds.
    assert device.sock.readiness().readable
    peeked = device.sock.receive(100, peek=True)
    assert peeked is not None and peeked.data == b"one"
    first = device.sock.receive(2, peek=False)
    assert first is not None and first.data == b"on" and first.source == PEER
    second = device.sock.receive(100, peek=False)
    assert second is not None and second.data == b"two"
    assert not device.sock.readiness().readable
    assert device.sock.receive(100, peek=False) is None
    used = device.sock.get_tls_option(TLS_OPTIONS["TLS_CIPHERSUITE_USED"], 4)
    assert isinstance(used, bytes) and struct.unpack("<i", used)[0] == server.ciphersuite


def test_options_are_refused_once_the_handshake_began() -> None:
    device, _ = psk_client()
    assert device.sock.connect(PEER) == -ERRNO["EINPROGRESS"]
    assert device.set("TLS_HOSTNAME", b"late\0") == -ERRNO["EISCONN"]
    assert device.sock.connect(PEER) == -ERRNO["EISCONN"]


def test_close_sends_close_notify_and_the_peer_sees_it() -> None:
    device, server = psk_client()
    device.sock.connect(PEER)
    pump(device, server)
    assert device.sock in device.contexts.open
    device.sock.close()
    pump(device, server)
    assert server.peer_closed
    assert device.inner.closed and device.contexts.open == []


def test_a_peer_close_notify_is_the_end_of_input() -> None:
    device, server = psk_client()
    device.sock.connect(PEER)
    pump(device, server)
    server.close(0)
    pump(device, server)
    assert device.sock.readiness().readable
    assert device.sock.receive(100, peek=False) is None  # the kernel answers 0 then


def test_an_untrusted_server_fails_the_connect_with_econnaborted() -> None:
    ca, rogue_ca = make_identity("Test CA", ca=True), make_identity("Rogue CA", ca=True)
    server_identity = make_identity("server.test", rogue_ca)
    device = Device(client_store(ca, tag=3))
    assert device.set("TLS_SEC_TAG_LIST", ints(3)) == 0
    assert device.set("TLS_HOSTNAME", b"server.test\0") == 0
    server = session(DtlsRole.SERVER, server_store(rogue_ca, server_identity).resolve(2),
                     True, peer=b"device")
    assert device.sock.connect(PEER) == -ERRNO["EINPROGRESS"]
    pump(device, server)
    assert device.sock.readiness().error
    assert device.sock.take_error() == ERRNO["ECONNABORTED"]
    assert device.sock.send(b"x", None) == -ERRNO["ECONNABORTED"]  # and stays failed


def test_a_wrong_hostname_fails_the_connect_with_econnaborted() -> None:
    ca = make_identity("Test CA", ca=True)
    server_identity = make_identity("server.test", ca)
    device = Device(client_store(ca, tag=3))
    device.set("TLS_SEC_TAG_LIST", ints(3))
    device.set("TLS_HOSTNAME", b"other.test\0")
    server = session(DtlsRole.SERVER, server_store(ca, server_identity).resolve(2), True,
                     peer=b"device")
    device.sock.connect(PEER)
    pump(device, server)
    assert device.sock.take_error() == ERRNO["ECONNABORTED"]


def test_a_tag_without_credentials_fails_connect_at_once() -> None:
    device = Device(Store())
    device.set("TLS_SEC_TAG_LIST", ints(9))
    assert device.sock.connect(PEER) == -ERRNO["ENOENT"]
    assert device.sock.take_error() == 0


def test_a_silent_peer_times_the_handshake_out_on_simulated_time() -> None:
    device, _ = psk_client()
    device.set("TLS_DTLS_HANDSHAKE_TIMEOUT_MIN", struct.pack("<I", 100))
    device.set("TLS_DTLS_HANDSHAKE_TIMEOUT_MAX", struct.pack("<I", 400))
    device.sock.connect(PEER)
    hellos = len(device.inner.take_sent())
    instants = []
    while device.sock.deadline is not None:
        device.now = device.sock.deadline
        instants.append(device.now)
        device.sock.on_timer(device.now)
    # 100 ms, then 200, then 400 (the maximum), whose expiry ends it.
    assert instants == [100_000, 300_000, 700_000]
    assert hellos == 1 and len(device.inner.take_sent()) == 2
    assert device.sock.take_error() == ERRNO["ETIMEDOUT"]


def test_a_dtls_server_serves_its_first_client_then_the_next() -> None:
    device = Device(psk_store(1))
    device.set("TLS_SEC_TAG_LIST", ints(1))
    device.set("TLS_DTLS_ROLE", ints(DtlsRole.SERVER))
    assert device.sock.bind(HERE, False) == 0
    client = session(DtlsRole.CLIENT, psk_store(1).resolve(1), True)
    client.start(0)
    pump(device, client)
    assert client.state is SessionState.ESTABLISHED
    assert device.sock.peer_address() == PEER
    # Another client's datagrams are not this session's.
    intruder = session(DtlsRole.CLIENT, psk_store(1).resolve(1), True)
    intruder.start(0)
    for data in intruder.take_outgoing():
        device.inner.arrive(data, OTHER)
    assert device.inner.take_sent() == []
    client.send(b"ping")
    pump(device, client)
    got = device.sock.receive(100, peek=False)
    assert got is not None and got.data == b"ping" and got.source == PEER
    assert device.sock.send(b"pong", None) == 4
    assert device.inner.sent[-1][1] == PEER
    pump(device, client)
    assert client.read(100) == b"pong"
    client.close(0)
    pump(device, client)
    # The next client is served once the first one closed.
    second = session(DtlsRole.CLIENT, psk_store(1).resolve(1), True, peer=b"x")
    second.start(0)
    pump(device, second, source=OTHER)
    assert second.state is SessionState.ESTABLISHED
    assert device.sock.peer_address() == OTHER


def test_a_dtls_server_gives_a_silent_client_up_after_its_timeout() -> None:
    # CONFIG_NET_SOCKETS_DTLS_TIMEOUT=5000: five silent seconds and the server sends
    # close_notify and serves the next client; a datagram in time starts the count again.
    second = 1_000_000
    device = Device(psk_store(1), dtls_timeout_us=5 * second)
    device.set("TLS_SEC_TAG_LIST", ints(1))
    device.set("TLS_DTLS_ROLE", ints(DtlsRole.SERVER))
    assert device.sock.bind(HERE, False) == 0
    client = session(DtlsRole.CLIENT, psk_store(1).resolve(1), True)
    client.start(0)
    pump(device, client)
    assert client.state is SessionState.ESTABLISHED
    device.now = 4 * second
    client.send(b"still here")
    pump(device, client)
    assert device.sock.receive(100, peek=False).data == b"still here"  # type: ignore[union-attr]
    assert device.sock.deadline == 9 * second
    device.now = 9 * second - 1
    device.sock.on_timer(device.now)
    assert device.sock.peer_address() == PEER  # not yet
    device.now = 9 * second
    device.sock.on_timer(device.now)
    assert device.sock.peer_address() is None and device.sock.deadline is None
    pump(device, client)
    assert client.state is SessionState.CLOSED  # the close_notify reached it
    nxt = session(DtlsRole.CLIENT, psk_store(1).resolve(1), True, peer=b"x")
    nxt.start(device.now)
    pump(device, nxt, source=OTHER)
    assert nxt.state is SessionState.ESTABLISHED
    assert device.sock.peer_address() == OTHER


def test_without_a_dtls_timeout_a_silent_client_keeps_the_server() -> None:
    device = Device(psk_store(1))
    device.set("TLS_SEC_TAG_LIST", ints(1))
    device.set("TLS_DTLS_ROLE", ints(DtlsRole.SERVER))
    assert device.sock.bind(HERE, False) == 0
    client = session(DtlsRole.CLIENT, psk_store(1).resolve(1), True)
    client.start(0)
    pump(device, client)
    assert device.sock.deadline is None
    device.now = 3600 * 1_000_000
    device.sock.on_timer(device.now)
    assert device.sock.peer_address() == PEER


@pytest.mark.parametrize(("option", "value", "errno"), [
    ("TLS_SEC_TAG_LIST", b"", "EINVAL"),
    ("TLS_SEC_TAG_LIST", b"\x01\x00\x00", "EINVAL"),
    ("TLS_SEC_TAG_LIST", ints(1, 2, 3, 4, 5), "EINVAL"),
    ("TLS_SEC_TAG_LIST", None, "EINVAL"),
    ("TLS_HOSTNAME", b"x" * 256, "EINVAL"),
    ("TLS_HOSTNAME", b"\xff\0", "EINVAL"),
    ("TLS_PEER_VERIFY", ints(3), "EINVAL"),
    ("TLS_PEER_VERIFY", b"\x01", "EINVAL"),
    ("TLS_DTLS_ROLE", ints(2), "EINVAL"),
    ("TLS_CIPHERSUITE_USED", ints(1), "ENOPROTOOPT"),
    ("TLS_DTLS_HANDSHAKE_TIMEOUT_MIN", b"\x01\x00", "EINVAL"),
    ("TLS_ALPN_LIST", b"h2\0", "EINVAL"),
    ("TLS_ALPN_LIST", (b"a", b"b", b"c"), "EINVAL"),
    ("TLS_ALPN_LIST", (b"",), "EINVAL"),
    ("TLS_ALPN_LIST", (b"x" * 256,), "EINVAL"),
    ("TLS_ALPN_LIST", (b"\xff\xfe",), "EINVAL"),
    ("TLS_ALPN_LIST", (b"coap", b"h\x802"), "EINVAL"),
    ("TLS_ALPN_LIST", (b"h\x002",), "EINVAL"),
    ("TLS_HOSTNAME", (b"name",), "EINVAL"),
])
def test_hostile_option_values_are_refused(option: str, value: bytes | tuple[bytes, ...]
                                           | None, errno: str) -> None:
    device = Device(Store())
    assert device.set(option, value) == -ERRNO[errno]


def test_options_read_back_and_the_socket_is_a_secure_transport() -> None:
    device = Device(Store())
    assert isinstance(device.sock, SecureTransport)
    assert device.set("TLS_SEC_TAG_LIST", ints(7, 8)) == 0
    assert device.sock.get_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], 8) == ints(7, 8)
    assert device.sock.get_tls_option(TLS_OPTIONS["TLS_SEC_TAG_LIST"], 3) == \
        -ERRNO["EINVAL"]
    assert device.sock.get_tls_option(TLS_OPTIONS["TLS_CIPHERSUITE_USED"], 4) == \
        -ERRNO["ENOTCONN"]
    assert device.set("TLS_ALPN_LIST", (b"coap",)) == 0
    assert device.sock.options.alpn == (b"coap",)
    assert device.set("TLS_HOSTNAME", None) == 0


def test_a_credential_type_of_the_store_is_used() -> None:
    # The device's credentials come from the store it was given (the kernel's).
    store = Store().add(4, TlsCredentialType.PSK, b"k" * 16)
    device = Device(store)
    device.set("TLS_SEC_TAG_LIST", ints(4))
    assert device.sock.connect(PEER) == -ERRNO["ENOENT"]  # a PSK without its identity
