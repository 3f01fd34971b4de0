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
from dataclasses import dataclass, field, replace

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
# The most of a TLS stream fed to the session at once: it holds what it was given until
# its records are whole, so this bounds what waits there beside one partial record.
_STREAM_CHUNK = 8192
# Plaintext a session may hold unread (TLS bytes, DTLS datagrams) before the socket stops
# taking ciphertext from its transport: the rest waits there, where TCP's window closes
# and UDP's receive buffer drops, so a peer cannot grow the kernel's memory.
PLAINTEXT_LIMIT = 32 * 1024
DATAGRAM_LIMIT = 16
# TLS records made but not yet taken by the stream: sends wait (EAGAIN, not writable)
# while this much is held, so a sender cannot grow the kernel's memory without bound.
UNSENT_LIMIT = 32 * 1024


@dataclass(frozen=True)
class SecureProvision:
    """What secure sockets need from the board: the kernel's credentials, what the
    build's CONFIG_MBEDTLS_* allow, whether DTLS is built, and how many sessions may
    exist at once (CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS)."""

    lookup: CredentialLookup
    library: LibraryProfile
    dtls: bool
    max_contexts: int
    # CONFIG_NET_SOCKETS_DTLS_TIMEOUT in microseconds (0: none): a DTLS server whose
    # client sent nothing for this long sends close_notify and serves the next client.
    dtls_timeout_us: int = 0


@dataclass
class SecureContexts:
    """The secure sockets open (each holds a session, or will): at most `limit`."""

    limit: int
    open: list[SecureSocket] = field(default_factory=list)

    heap_size: int | None = None  # CONFIG_MBEDTLS_HEAP_SIZE, when set
    session_charge: int = 0  # what one session takes of it

    @property
    def full(self) -> bool:
        return len(self.open) >= self.limit

    def heap_allows_another(self) -> bool:
        if self.heap_size is None:
            return True
        sessions = sum(1 for sock in self.open if sock.session is not None)
        return (sessions + 1) * self.session_charge <= self.heap_size


class SecureSocket:
    """A `TransportSocket` and `SecureTransport`: TLS or DTLS over `inner`."""

    def __init__(self, inner: TransportSocket, datagram: bool, provision: SecureProvision,
                 clock: Callable[[], int], mtu: int, contexts: SecureContexts) -> None:
        self.inner = inner
        self.provision = provision
        self.clock = clock
        self.mtu = mtu
        self.options = TlsSocketOptions(datagram=datagram)
        self.session: TlsSession | None = None
        self.peer: SocketAddress | None = None  # a DTLS server's client
        self._pending_error = 0
        self._contexts = contexts
        self._listener: Callable[[], None] | None = None
        self._unsent = bytearray()  # TLS records the stream has no room for yet
        self._end_of_input = False  # the stream ended without close_notify
        self._handshaking: list[SecureSocket] = []  # a TLS listener's connections
        self._listening = False
        self._last_input = 0  # when a DTLS server's client last sent (microseconds)
        contexts.open.append(self)
        inner.set_listener(self._inner_changed)

    @property
    def datagram(self) -> bool:
        return self.options.datagram

    @property
    def deadline(self) -> int | None:
        if self.session is None:
            return None
        idle = self._idle_deadline()
        deadlines = [when for when in (self.session.deadline, idle) if when is not None]
        return min(deadlines) if deadlines else None

    def _idle_deadline(self) -> int | None:
        """When a DTLS server gives its silent client up (Zephyr's mbedTLS read timeout,
        CONFIG_NET_SOCKETS_DTLS_TIMEOUT), or None."""
        timeout = self.provision.dtls_timeout_us
        if not timeout or self.session is None or self.peer is None \
                or self.options.dtls_role is not DtlsRole.SERVER or not self.datagram:
            return None
        return self._last_input + timeout

    # ---- events ---------------------------------------------------------------------

    def set_listener(self, listener: Callable[[], None] | None) -> None:
        self._listener = listener

    def _notify(self) -> None:
        if self._listener is not None:
            self._listener()

    def _inner_changed(self) -> None:
        """Ciphertext arrived (or the inner transport's state changed)."""
        if self._listening:
            self._take_connections()
        self._pull_ciphertext()
        if not self.datagram and self.session is not None and self.inner.readiness().error:
            self._transport_failed(self.inner.take_error())
        self._flush()
        self._notify()

    def _has_room(self) -> bool:
        session = self.session
        if session is None:
            return True
        return session.readable < (DATAGRAM_LIMIT if self.datagram else PLAINTEXT_LIMIT)

    def _pull_ciphertext(self) -> None:
        """Feed the session what the transport holds, while it has room for more."""
        now = self.clock()
        while not self._end_of_input and self._reads_ciphertext() and self._has_room():
            got = self.inner.receive(_RECEIVE_CHUNK if self.datagram else _STREAM_CHUNK,
                                     False)
            if got is None:
                break
            if isinstance(got, int):
                self._transport_failed(-got)
                break
            if not got.data and not self.datagram:
                self._end_of_input = True  # the stream's end without close_notify
                break
            session = self._session_for(got.source)
            if session is None:
                continue
            if self.datagram:
                self._last_input = now
            session.receive(got.data, now)  # the session frames a stream's records

    def _reads_ciphertext(self) -> bool:
        """A TLS socket reads its stream once its session exists (a listener never)."""
        return self.datagram or self.session is not None

    def _transport_failed(self, errno: int) -> None:
        """The stream under a TLS session broke (ECONNREFUSED, ECONNRESET...)."""
        if errno and not self._pending_error and (
                self.session is None or self.session.state is SessionState.HANDSHAKING):
            self._pending_error = errno
        self._end_of_input = True

    def _take_connections(self) -> None:
        """A TLS listener: each connection the stream accepted starts its server
        handshake; accept hands out the ones that finished it."""
        while True:
            accepted = self.inner.accept()
            if isinstance(accepted, int):
                return
            if self._contexts.full:
                accepted.close()  # no TLS context for it: Zephyr's accept fails too
                continue
            child = SecureSocket(accepted, False, self.provision, self.clock, self.mtu,
                                 self._contexts)
            child.options = replace(self.options)
            child.set_listener(self._notify)
            if child._open_session(DtlsRole.SERVER) != 0:
                child.close()
                continue
            self._handshaking.append(child)

    def on_timer(self, now: int) -> None:
        """The session's deadline passed: a DTLS flight again, or the handshake's end."""
        if self.session is None:
            return
        idle = self._idle_deadline()
        if idle is not None and idle <= now:
            # The client is taken for gone: close_notify, then the next client's first
            # datagram starts a new session (what it sent before was read or is lost).
            self.session.close(now)
            self._flush()
            self.session, self.peer, self._pending_error = None, None, 0
            self._notify()
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
        if not self._contexts.heap_allows_another():
            # mbedTLS's allocation would fail in CONFIG_MBEDTLS_HEAP_SIZE.
            self._pending_error = ERRNO["ENOMEM"]
            return -ERRNO["ENOMEM"]
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
            if self.datagram:
                # A datagram that cannot go now is as if lost: DTLS retransmits.
                self.inner.send(piece, self.peer)
            else:
                self._unsent += piece
        while self._unsent:
            sent = self.inner.send(bytes(self._unsent), None)
            if sent <= 0:
                break  # the stream has no room yet (or broke): its change calls us again
            del self._unsent[:sent]
        self._note_failure()

    def _note_failure(self) -> None:
        session = self.session
        if session is not None and session.state is SessionState.FAILED \
                and session.error is not None and not self._pending_error:
            self._pending_error = session.error.errno

    # ---- readiness ------------------------------------------------------------------

    def readiness(self) -> Readiness:
        session = self.session
        if self._listening:
            return self._listener_readiness()
        if session is None:
            return Readiness(error=bool(self._pending_error))
        if session.state is SessionState.FAILED:
            return Readiness(error=True, hung_up=not self.datagram)
        if session.state is SessionState.HANDSHAKING:
            return Readiness(error=bool(self._pending_error))
        if session.state is SessionState.CLOSED or self._end_of_input:
            return Readiness(readable=True, hung_up=True)
        inner = self.inner.readiness()
        return Readiness(readable=session.readable > 0,
                         writable=inner.writable and len(self._unsent) < UNSENT_LIMIT,
                         hung_up=inner.hung_up)

    def _listener_readiness(self) -> Readiness:
        return Readiness(readable=any(child.established for child in self._handshaking))

    @property
    def established(self) -> bool:
        return self.session is not None and self.session.state is SessionState.ESTABLISHED

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
        result = self.inner.listen(backlog)
        if result == 0:
            self._listening = True
        return result

    def accept(self) -> TransportSocket | int:
        if not self._listening:
            return self.inner.accept()  # the transport's refusal (EINVAL, EOPNOTSUPP)
        for child in list(self._handshaking):
            if child.session is None or child.session.state in (SessionState.FAILED,
                                                                 SessionState.CLOSED):
                # A handshake that failed never reaches accept (Zephyr's accept drops
                # it and waits for the next).
                self._handshaking.remove(child)
                child.close()
        for child in self._handshaking:
            if child.established:
                self._handshaking.remove(child)
                child.set_listener(None)
                return child
        return -ERRNO["EAGAIN"]

    def shutdown(self, how: int) -> int:
        return self.inner.shutdown(how)

    # ---- data -----------------------------------------------------------------------

    def send(self, data: bytes, destination: SocketAddress | None) -> int:
        session = self.session
        if session is None or session.state is SessionState.HANDSHAKING:
            return -ERRNO["ENOTCONN"] if not self._pending_error else -self.take_error()
        if len(self._unsent) >= UNSENT_LIMIT:
            return -ERRNO["EAGAIN"]
        try:
            taken = session.send(data)
        except TlsError as error:
            self._flush()
            self._pending_error = 0
            return -error.errno
        self._flush()
        return taken

    def receive(self, limit: int, peek: bool) -> Received | int | None:
        session = self.session
        if session is None:
            return -ERRNO["ENOTCONN"] if not self.datagram else None
        if self._server_session_over():
            # A DTLS server's client is gone: this read says so (0, or why), and the
            # next client's first datagram starts a new session.
            error = self.take_error()
            self.session, self.peer = None, None
            return -error if error else Received(b"", 0, None)
        if not session.readable and session.state is SessionState.ESTABLISHED:
            self._pull_ciphertext()  # what waited in the transport while the session was full
            self._flush()
        if session.state is SessionState.FAILED and not session.readable:
            error = self.take_error()
            return -error if error else Received(b"", 0, self.peer_address())
        if not session.readable:
            if not self.datagram and (session.state is SessionState.CLOSED
                                      or self._end_of_input):
                return Received(b"", 0, self.peer_address())  # the end of input
            return None
        data = session.peek(limit) if peek else session.read(limit)
        if not peek:
            # Room again: what waited in the transport comes in (and a TCP window opens).
            self._pull_ciphertext()
            self._flush()
        return Received(data, len(data), self.peer_address())

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
            self._flush()  # close_notify, as far as the transport takes it now
        for child in self._handshaking:
            child.close()
        self._handshaking.clear()
        self.inner.set_listener(None)
        self.inner.close()
        if self in self._contexts.open:
            self._contexts.open.remove(self)


def dtls_mtu(max_datagram: int, one_frame: int) -> int:
    """The DTLS MTU over a UDP socket: its largest datagram, no more than one frame of
    its family carries (IPv4's or IPv6's headers; more would need IP fragments, RFC 6347
    §4.1.1.1), within what a session accepts."""
    return max(256, min(max_datagram, one_frame))
