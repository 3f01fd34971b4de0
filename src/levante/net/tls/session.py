"""TlsSession: one TLS or DTLS session on mbedTLS, sans-IO: transport bytes in and out,
application data in and out, and a retransmission deadline on simulated time.

It never touches a socket. The socket layer feeds it what the transport received
(`receive`: any piece of a TCP stream, or one UDP datagram), sends what `take_outgoing`
returns, hands it application data (`send`) and reads what arrived (`read`), and calls
`on_timer` when `deadline` is due. Failures are `TlsError`s carrying the errno Zephyr's
TLS sockets return: a handshake that fails for any reason (an untrusted CA, a wrong
hostname, an expired certificate, a bad PSK, garbage) is -ECONNABORTED, one that times
out is -ETIMEDOUT, a record that fails after the handshake is -EIO on TLS and
-ECONNABORTED on DTLS.
"""

from __future__ import annotations

from collections import deque
from enum import Enum

from mbedtls import exceptions as mbedtls_errors
from mbedtls import tls

from levante.abi.tls import DtlsRole, PeerVerify
from levante.net.tls.ciphersuites import ciphersuite_id, ciphersuite_names, record_expansion
from levante.net.tls.errors import TlsError
from levante.net.tls.records import DTLS_RECORD_HEADER, pack_datagrams
from levante.net.tls.retransmission import FlightTimer
from levante.net.tls.settings import SessionSettings

# mbedTLS's own handshake timer reads the host's clock; its timeouts are set beyond any
# run (mbedTLS takes milliseconds in 32 bits) so only the FlightTimer acts.
_UNREACHABLE_TIMEOUT_S = 2_000_000.0
_PEER_CLOSE_NOTIFY = 0x7880
# The smallest MTU a DTLS handshake can be fragmented to with some room to spare, and
# the largest UDP payload over IPv4.
_MIN_MTU, _MAX_DATAGRAM = 256, 65507
_MAX_PLAINTEXT_RECORD = 16384  # TLS 1.2's record limit (RFC 5246 §6.2.1)
_TLS_RECORD_HEADER = 5  # type, version, length (RFC 5246 §6.2.1)
_TLS_MAX_RECORD_BODY = 16384 + 2048  # RFC 5246 §6.2.3: TLSCiphertext.length's limit
# python-mbedtls's output ring holds 32 KiB; a larger peek returns nothing.
_OUTPUT_CAPACITY = 32768
# (Typed as an object: python-mbedtls's stub declares the enum's members as ints.)
_HANDSHAKE_OVER: object = tls.HandshakeStep.HANDSHAKE_OVER
_MAX_HANDSHAKE_STEPS = 64  # mbedTLS's handshake has about 20 steps


class SessionState(Enum):
    HANDSHAKING = "handshaking"
    ESTABLISHED = "established"
    CLOSED = "closed"  # close_notify sent or received
    FAILED = "failed"


def _configuration(settings: SessionSettings) -> tls.TLSConfiguration | tls.DTLSConfiguration:
    credentials = settings.credentials
    verify = settings.verify
    if verify is PeerVerify.OPTIONAL and settings.role is DtlsRole.SERVER:
        # python-mbedtls offers a server "require a client certificate" or "ask for none";
        # mbedTLS's optional mode (ask, accept none) is not reachable through it.
        raise TlsError("EINVAL", "TLS_PEER_VERIFY_OPTIONAL is not supported for servers")
    validate = verify is PeerVerify.REQUIRED
    common: dict[str, object] = {
        "validate_certificates": validate,
        # Explicit, even empty: never the host's or a bundled trust store.
        "trust_store": tls.TrustStore(list(credentials.ca_certificates)),
    }
    if credentials.own_chain and credentials.private_key is not None:
        common["certificate_chain"] = (credentials.own_chain, credentials.private_key)
    library = settings.library
    if settings.ciphersuites:
        chosen = ciphersuite_names(settings.ciphersuites)
        refused = [name for name in chosen if not library.allows(name)]
        if refused:
            raise TlsError("EINVAL", f"ciphersuite {refused[0]} is disabled in this build")
        common["ciphers"] = chosen
    elif library.restricted:
        common["ciphers"] = library.suites()
    if settings.alpn:
        common["inner_protocols"] = settings.alpn
    if credentials.psk is not None:
        if settings.role is DtlsRole.CLIENT:
            common["pre_shared_key"] = credentials.psk
        else:
            identity, key = credentials.psk
            common["pre_shared_key_store"] = {identity: key}
    if settings.datagram:
        return tls.DTLSConfiguration(
            lowest_supported_version=tls.DTLSVersion.DTLSv1_2,
            highest_supported_version=tls.DTLSVersion.DTLSv1_2,
            handshake_timeout_min=_UNREACHABLE_TIMEOUT_S,
            handshake_timeout_max=_UNREACHABLE_TIMEOUT_S, **common)  # type: ignore[arg-type]
    return tls.TLSConfiguration(
        lowest_supported_version=tls.TLSVersion.TLSv1_2,
        highest_supported_version=tls.TLSVersion.TLSv1_2, **common)  # type: ignore[arg-type]


class TlsSession:
    """One session. `peer` names the client's transport address for a DTLS server: the
    cookie of the HelloVerifyRequest exchange is bound to it (RFC 6347 §4.2.1)."""

    def __init__(self, settings: SessionSettings, peer: bytes = b"") -> None:
        if settings.handshake_timeout_min_ms <= 0 or (
                settings.handshake_timeout_max_ms < settings.handshake_timeout_min_ms):
            raise TlsError("EINVAL", "DTLS handshake timeouts must satisfy 0 < min <= max")
        if settings.datagram and not _MIN_MTU <= settings.mtu <= _MAX_DATAGRAM:
            raise TlsError("EINVAL", f"a DTLS MTU of {settings.mtu} bytes (between "
                           f"{_MIN_MTU} and {_MAX_DATAGRAM})")
        self.settings = settings
        self._peer = peer
        configuration = _configuration(settings)
        try:
            if settings.role is DtlsRole.CLIENT:
                self._engine = tls.ClientContext(configuration).wrap_buffers(settings.hostname)
            else:
                self._engine = tls.ServerContext(configuration).wrap_buffers()
        except (mbedtls_errors.TLSError, ValueError, TypeError) as error:
            raise TlsError("EINVAL", f"mbedTLS refused the settings: {error}") from None
        if settings.datagram:
            self._engine.setmtu(settings.mtu)
            if settings.role is DtlsRole.SERVER:
                self._engine.setcookieparam(peer)
        self.state = SessionState.HANDSHAKING
        self.error: TlsError | None = None
        self.peer_closed = False
        self._stream = bytearray()  # TLS plaintext received
        self._records = bytearray()  # TLS ciphertext received, not yet a whole record
        self._messages: deque[bytes] = deque()  # DTLS plaintext datagrams received
        self._outgoing: list[bytes] = []
        self._timer = FlightTimer(settings.handshake_timeout_min_ms * 1000,
                                  settings.handshake_timeout_max_ms * 1000)

    # What the socket layer asks.

    @property
    def deadline(self) -> int | None:
        """When `on_timer` must be called (simulated µs), or None."""
        return self._timer.deadline if self.settings.datagram else None

    @property
    def readable(self) -> int:
        """Plaintext bytes (TLS) or datagrams (DTLS) waiting to be read."""
        return len(self._messages) if self.settings.datagram else len(self._stream)

    @property
    def ciphersuite(self) -> int | None:
        """TLS_CIPHERSUITE_USED: the IANA number, once established."""
        if self.state is not SessionState.ESTABLISHED:
            return None
        return ciphersuite_id(str(self._engine.cipher()))

    @property
    def max_datagram(self) -> int:
        """The largest DTLS datagram `send` takes: one record within the MTU."""
        if self.state is not SessionState.ESTABLISHED:
            return 0
        expansion = record_expansion(str(self._engine.cipher()))
        within_mtu = self.settings.mtu - DTLS_RECORD_HEADER - expansion
        return max(0, min(within_mtu, self.settings.library.max_content_len))

    @property
    def alpn_protocol(self) -> str | None:
        if self.state is not SessionState.ESTABLISHED:
            return None
        protocol = self._engine.negotiated_protocol()
        return str(protocol) if protocol else None

    def take_outgoing(self) -> list[bytes]:
        """What to send to the peer: stream pieces (TLS) or whole datagrams (DTLS)."""
        outgoing, self._outgoing = self._outgoing, []
        return outgoing

    # Events.

    def start(self, now: int) -> None:
        """A client's first flight (the ClientHello); a server waits for the client."""
        if self.settings.role is DtlsRole.CLIENT:
            self._advance(now)

    def receive(self, data: bytes, now: int) -> None:
        """Bytes the transport received: any piece of the stream, or one datagram."""
        if self.state in (SessionState.FAILED, SessionState.CLOSED) or not data:
            return
        if not self.settings.datagram:
            self._receive_stream(data, now)
            return
        repeat = self._timer.heard(bytes(data), now)
        if repeat is not None:
            self._queue(repeat)  # the peer lost our flight: send it again
            return
        self._engine.receive_from_network(bytes(data))
        self._advance(now)

    def _receive_stream(self, data: bytes, now: int) -> None:
        """Hand mbedTLS the stream one whole record at a time, each read out before the
        next: given a record behind another in one piece, python-mbedtls returns the
        first's plaintext and loses the second's (and its input ring holds only 32 KiB).
        What is held here is at most one record in progress plus the piece given."""
        self._records += data
        while len(self._records) >= _TLS_RECORD_HEADER and self._open():
            length = int.from_bytes(self._records[3:5], "big")
            if length > _TLS_MAX_RECORD_BODY:
                # mbedTLS refuses the header (record_overflow): the session fails
                # with its alert, and what follows is never read.
                end = _TLS_RECORD_HEADER
            else:
                end = _TLS_RECORD_HEADER + length
                if len(self._records) < end:
                    return  # the rest of the record is still on its way
            record = bytes(self._records[:end])
            del self._records[:end]
            self._engine.receive_from_network(record)
            self._advance(now)
            if length > _TLS_MAX_RECORD_BODY and self._open():
                self._fail(self._record_error(ValueError("record over the TLS limit")))
        if not self._open():
            self._records.clear()

    def _open(self) -> bool:
        """Whether the session still reads records (neither failed nor closed)."""
        return self.state in (SessionState.HANDSHAKING, SessionState.ESTABLISHED)

    def on_timer(self, now: int) -> None:
        deadline = self.deadline
        if deadline is None or now < deadline:
            return
        flight = self._timer.expire(now)
        if flight is None:
            self._fail(TlsError("ETIMEDOUT", "the DTLS handshake timed out"))
        else:
            self._queue(flight)

    def send(self, data: bytes) -> int:
        """Encrypt application data; returns how much was taken. A DTLS datagram goes in
        one record, whole, or is refused with -EMSGSIZE when the MTU cannot carry it."""
        self._require_established()
        if self.settings.datagram and len(data) > self.max_datagram:
            # mbedTLS would refuse the record and stay wedged; refuse it before.
            raise TlsError("EMSGSIZE", f"{len(data)} bytes do not fit one DTLS record "
                           f"within the MTU ({self.max_datagram} do)")
        taken = 0
        try:
            # python-mbedtls's write takes a whole record and answers how much ciphertext
            # it made.
            while taken < len(data):
                record = bytes(data[taken:taken + self.settings.library.max_content_len])
                self._engine.write(record)
                taken += len(record)
                self._drain()
        except mbedtls_errors.TLSError as error:
            failure = self._record_error(error)
            self._fail(failure)
            raise failure from None
        return taken

    def read(self, limit: int) -> bytes:
        """Plaintext received: up to `limit` bytes of the stream, or the next datagram
        cut to `limit` (the rest of it is lost, as with UDP). b"" when nothing waits."""
        if self.settings.datagram:
            return self._messages.popleft()[:limit] if self._messages else b""
        piece = bytes(self._stream[:limit])
        del self._stream[:limit]
        return piece

    def peek(self, limit: int) -> bytes:
        """What `read` would return, left in place (MSG_PEEK)."""
        if self.settings.datagram:
            return self._messages[0][:limit] if self._messages else b""
        return bytes(self._stream[:limit])

    def close(self, now: int) -> None:
        """Send close_notify (RFC 5246 §7.2.1); the session takes no more data."""
        if self.state in (SessionState.HANDSHAKING, SessionState.ESTABLISHED):
            try:
                self._engine.shutdown()
            except mbedtls_errors.TLSError:
                pass  # the alert could not be written: the transport closes anyway
            self._timer.stop()
            self._drain()
            self.state = SessionState.CLOSED

    # The engine.

    def _require_established(self) -> None:
        if self.state is SessionState.FAILED and self.error is not None:
            raise self.error
        if self.state is not SessionState.ESTABLISHED:
            raise TlsError("ENOTCONN", f"the session is {self.state.value}")

    def _advance(self, now: int) -> None:
        if self.state is SessionState.HANDSHAKING:
            self._handshake(now)
        if self.state is SessionState.ESTABLISHED:
            self._pull_plaintext()
            self._drain()

    def _handshake(self, now: int) -> None:
        """Step the handshake until it needs the peer (python-mbedtls's do_handshake is
        one mbedTLS step; a step that flushed output answers "want write")."""
        output = bytearray()
        for _ in range(_MAX_HANDSHAKE_STEPS):
            if self._engine._handshake_state is _HANDSHAKE_OVER:
                break
            try:
                self._engine.do_handshake()
            except tls.WantReadError:
                break
            except tls.WantWriteError:
                output += self._take_engine_output()
            except tls.HelloVerifyRequest:
                # The cookie exchange: the HelloVerifyRequest goes out and the server
                # keeps no state until a ClientHello carries the cookie back.
                self._queue(self._packed(bytes(output + self._take_engine_output())))
                self._engine._reset()  # type: ignore[attr-defined]  # not in the stub
                self._engine.setcookieparam(self._peer)
                return
            except (mbedtls_errors.TLSError, ValueError) as error:
                output += self._take_engine_output()  # the fatal alert, if any
                self._queue(self._packed(bytes(output)))
                self._fail(TlsError("ECONNABORTED", f"TLS handshake failed: {error}"))
                return
        output += self._take_engine_output()
        over = self._engine._handshake_state is _HANDSHAKE_OVER
        if over:
            self.state = SessionState.ESTABLISHED
            self._timer.stop()
        datagrams = self._packed(bytes(output))
        if datagrams:
            self._queue(datagrams)
            if self.settings.datagram:
                self._timer.sent(datagrams, now, expects_answer=not over)

    def _pull_plaintext(self) -> None:
        while True:
            try:
                data = self._engine.read(_MAX_PLAINTEXT_RECORD)
            except (tls.WantReadError, tls.WantWriteError):
                return
            except mbedtls_errors.TLSError as error:
                if getattr(error, "err", None) == _PEER_CLOSE_NOTIFY:
                    self.peer_closed = True
                    self.state = SessionState.CLOSED
                else:
                    self._fail(self._record_error(error))
                return
            if not data:
                return
            if self.settings.datagram:
                self._messages.append(bytes(data))
            else:
                self._stream += data

    def _record_error(self, error: Exception) -> TlsError:
        errno_name = "ECONNABORTED" if self.settings.datagram else "EIO"
        return TlsError(errno_name, f"TLS record error: {error}")

    def _take_engine_output(self) -> bytes:
        pending = self._engine.peek_outgoing(_OUTPUT_CAPACITY)
        self._engine.consume_outgoing(len(pending))
        return bytes(pending)

    def _packed(self, stream: bytes) -> list[bytes]:
        if not stream:
            return []
        if self.settings.datagram:
            return pack_datagrams(stream, self.settings.mtu)
        return [stream]

    def _drain(self) -> None:
        """Move mbedTLS's output (records of application data, alerts) to the queue."""
        self._queue(self._packed(self._take_engine_output()))

    def _queue(self, datagrams: list[bytes]) -> None:
        self._outgoing.extend(datagrams)

    def _fail(self, error: TlsError) -> None:
        self.state = SessionState.FAILED
        self.error = error
        self._timer.stop()
