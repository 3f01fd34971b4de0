"""A TLS or DTLS socket's transport: a `TlsSession` over a plain transport (UDP for DTLS,
a TCP stream for TLS), as Zephyr's sockets_tls.c puts mbedTLS over a socket.

The session is sans-IO; this adapter feeds it what the inner transport received, sends
what it produced, and answers the kernel's socket calls from its state.  A client's
handshake starts on connect (-EINPROGRESS: the kernel waits for writable or error, as
for a TCP connect); a DTLS server's on the first datagram after bind (the cookie
exchange keeps no state until the client's second ClientHello), a TLS server's on
accept.  Readiness counts the plaintext the session holds, not the ciphertext the inner
transport holds.  Close sends close_notify.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from levante.abi import ERRNO
from levante.abi.tls import DtlsRole
from levante.kernel.objects.socket_secure import TLS_ALPN_LIST
from levante.kernel.objects.socket_transport import (
    Readiness,
    Received,
    SocketAddress,
    TransportSocket,
)
from levante.net.tls.credentials import CredentialLookup
from levante.net.tls.errors import TlsError
from levante.net.tls.library import LibraryProfile
from levante.net.tls.options import TlsSocketOptions
from levante.net.tls.session import SessionState, TlsSession

# The most ciphertext taken from the inner transport at once (a UDP datagram's limit).
_RECEIVE_CHUNK = 65535
_IPV4_UDP_HEADERS = 28


@dataclass(frozen=True)
class SecureProvision:
    """What secure sockets need from the board: the kernel's credentials, what the
    build's CONFIG_MBEDTLS_* allow, whether DTLS is built, and how many sessions may
    exist at once (CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS)."""

    lookup: CredentialLookup
    library: LibraryProfile
    dtls: bool
    max_contexts: int


class SecureSocket:
    """A `TransportSocket` and `SecureTransport`: TLS or DTLS over `inner`."""

    def __init__(self, inner: TransportSocket, datagram: bool, provision: SecureProvision,
                 clock: Callable[[], int], mtu: int,
                 release: Callable[[SecureSocket], None]) -> None:
        self.inner = inner
        self.provision = provision
        self.clock = clock
        self.mtu = mtu
        self.options = TlsSocketOptions(datagram=datagram)
        self.session: TlsSession | None = None
        self.peer: SocketAddress | None = None  # a DTLS server's client
        self._pending_error = 0
        self._release = release
        self._listener: Callable[[], None] | None = None
        inner.set_listener(self._inner_changed)

    @property
    def datagram(self) -> bool:
        return self.options.datagram

    @property
    def deadline(self) -> int | None:
        return None if self.session is None else self.session.deadline

    # ---- events ---------------------------------------------------------------------

    def set_listener(self, listener: Callable[[], None] | None) -> None:
        self._listener = listener

    def _notify(self) -> None:
        if self._listener is not None:
            self._listener()

    def _inner_changed(self) -> None:
        """Ciphertext arrived (or the inner transport's state changed)."""
        now = self.clock()
        while (got := self.inner.receive(_RECEIVE_CHUNK, False)) is not None:
            if not got.data and not self.datagram:
                break  # the stream's end: readiness reports it
            session = self._session_for(got.source)
            if session is not None:
                session.receive(got.data, now)
        self._flush()
        self._notify()

    def on_timer(self, now: int) -> None:
        """The session's deadline passed: a DTLS flight again, or the handshake's end."""
        if self.session is None:
            return
        before = self.session.state
        self.session.on_timer(now)
        self._flush()
        if self.session.state is not before:
            self._note_failure()
            self._notify()

    def _session_for(self, source: SocketAddress | None) -> TlsSession | None:
        """The session a datagram from `source` belongs to; a DTLS server's first
        datagram from a client makes one (datagrams of other clients are dropped while
        it lasts)."""
        if self.session is not None and self._server_session_over():
            # A DTLS server whose client closed (or failed) serves the next one, as
            # Zephyr's does; what the last client sent was read.
            self.session, self.peer, self._pending_error = None, None, 0
        if self.session is not None:
            if self.datagram and self.peer is not None and source != self.peer:
                return None
            return self.session
        if not (self.datagram and self.options.dtls_role is DtlsRole.SERVER) \
                or source is None:
            return None
        peer_key = source.address + source.port.to_bytes(2, "big")
        if self._open_session(DtlsRole.SERVER, peer_key) != 0:
            return None
        self.peer = source
        return self.session

    def _server_session_over(self) -> bool:
        session = self.session
        return (self.datagram and self.options.dtls_role is DtlsRole.SERVER
                and session is not None and not session.readable
                and session.state in (SessionState.CLOSED, SessionState.FAILED))

    def _open_session(self, role: DtlsRole, peer_key: bytes = b"") -> int:
        try:
            settings = self.options.session_settings(
                role, self.provision.lookup, self.provision.library, mtu=self.mtu)
            self.session = TlsSession(settings, peer_key)
        except TlsError as error:
            self._pending_error = error.errno
            return -error.errno
        self.session.start(self.clock())
        self._flush()
        return 0

    def _flush(self) -> None:
        if self.session is None:
            return
        for piece in self.session.take_outgoing():
            # What cannot be sent now is as if lost: DTLS retransmits, and TLS's stream
            # transport takes whole pieces or refuses them only once closed.
            self.inner.send(piece, self.peer)
        self._note_failure()

    def _note_failure(self) -> None:
        session = self.session
        if session is not None and session.state is SessionState.FAILED \
                and session.error is not None and not self._pending_error:
            self._pending_error = session.error.errno

    # ---- readiness ------------------------------------------------------------------

    def readiness(self) -> Readiness:
        session = self.session
        if session is None:
            return Readiness(error=bool(self._pending_error))
        if session.state is SessionState.FAILED:
            return Readiness(error=True, hung_up=not self.datagram)
        if session.state is SessionState.HANDSHAKING:
            return Readiness(error=bool(self._pending_error))
        if session.state is SessionState.CLOSED:
            return Readiness(readable=True, hung_up=True)
        inner = self.inner.readiness()
        return Readiness(readable=session.readable > 0, writable=inner.writable,
                         hung_up=inner.hung_up)

    def take_error(self) -> int:
        error, self._pending_error = self._pending_error, 0
        return error

    # ---- connections ----------------------------------------------------------------

    def bind(self, address: SocketAddress, reuse: bool) -> int:
        return self.inner.bind(address, reuse)

    def connect(self, address: SocketAddress) -> int:
        if self.session is not None:
            return -ERRNO["EISCONN"]
        result = self.inner.connect(address)
        if result not in (0, -ERRNO["EINPROGRESS"]):
            return result
        if self.datagram and self.options.dtls_role is DtlsRole.SERVER:
            return result  # a DTLS server's peer: the handshake waits for its datagram
        opened = self._open_session(DtlsRole.CLIENT)
        if opened != 0:
            self._pending_error = 0  # returned now, not again through SO_ERROR
            return opened
        return -ERRNO["EINPROGRESS"]

    def listen(self, backlog: int) -> int:
        return self.inner.listen(backlog)

    def accept(self) -> SecureSocket | int:
        return -ERRNO["EOPNOTSUPP"]

    def shutdown(self, how: int) -> int:
        return self.inner.shutdown(how)

    # ---- data -----------------------------------------------------------------------

    def send(self, data: bytes, destination: SocketAddress | None) -> int:
        session = self.session
        if session is None or session.state is SessionState.HANDSHAKING:
            return -ERRNO["ENOTCONN"] if not self._pending_error else -self.take_error()
        try:
            taken = session.send(data)
        except TlsError as error:
            self._flush()
            self._pending_error = 0
            return -error.errno
        self._flush()
        return taken

    def receive(self, limit: int, peek: bool) -> Received | None:
        session = self.session
        if session is None or not session.readable:
            return None
        data = session.peek(limit) if peek else session.read(limit)
        full = len(data)
        return Received(data, full, self.peer or self.inner.peer_address())

    # ---- options --------------------------------------------------------------------

    def set_tls_option(self, name: int, value: bytes | tuple[bytes, ...] | None) -> int:
        if self.session is not None:
            # Zephyr's settings take effect at the handshake; after it they cannot.
            return -ERRNO["EISCONN"]
        try:
            if name == TLS_ALPN_LIST:
                if not isinstance(value, tuple):
                    return -ERRNO["EINVAL"]
                self.options.set_alpn(list(value))
            elif isinstance(value, tuple):
                return -ERRNO["EINVAL"]
            else:
                self.options.set(name, value)
        except TlsError as error:
            return -error.errno
        return 0

    def get_tls_option(self, name: int, limit: int) -> bytes | int:
        try:
            return self.options.get(name, limit, self.session)
        except TlsError as error:
            return -error.errno

    def set_option(self, level: int, name: int, value: int) -> int:
        return self.inner.set_option(level, name, value)

    def get_option(self, level: int, name: int) -> int:
        return self.inner.get_option(level, name)

    # ---- addresses and the end ------------------------------------------------------

    def local_address(self) -> SocketAddress | None:
        return self.inner.local_address()

    def peer_address(self) -> SocketAddress | None:
        return self.peer or self.inner.peer_address()

    def close(self) -> None:
        if self.session is not None:
            self.session.close(self.clock())
            self._flush()
        self.inner.set_listener(None)
        self.inner.close()
        self._release(self)


def dtls_mtu(max_datagram: int) -> int:
    """The DTLS MTU over a UDP socket: its largest datagram, within what a session
    accepts (a datagram of more than one frame would need IP fragments)."""
    return max(256, min(max_datagram, 1500 - _IPV4_UDP_HEADERS))
