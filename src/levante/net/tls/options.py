"""A TLS socket's SOL_TLS options: set and read as Zephyr's sockets_tls.c does, and made
into the settings of a session once the socket connects or accepts.

The socket layer hands over the bytes of `optval` (copied in from the caller) and returns
what `get` answers; each refusal is a TlsError with Zephyr's errno: -EINVAL for a value
of the wrong size or out of range, -ENOPROTOOPT for an option this socket does not have
(DTLS options on a TLS socket, read-only or unknown ones). TLS_ALPN_LIST is an array of
C string pointers in Zephyr, so the socket layer reads the strings and calls `set_alpn`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from levante.abi.tls import TLS_OPTIONS, DtlsRole, PeerVerify
from levante.net.tls.credentials import CredentialLookup, resolve
from levante.net.tls.errors import TlsError
from levante.net.tls.library import LibraryProfile
from levante.net.tls.session import SessionState, TlsSession
from levante.net.tls.settings import (
    DTLS_DEFAULT_MTU,
    DTLS_TIMEOUT_MAX_MS,
    DTLS_TIMEOUT_MIN_MS,
    SessionSettings,
)

_INT = struct.Struct("<i")
_UINT = struct.Struct("<I")
# Zephyr's defaults of CONFIG_NET_SOCKETS_TLS_MAX_CREDENTIALS, _MAX_CIPHERSUITES and
# _MAX_APP_PROTOCOLS: how long each list may be.
MAX_SEC_TAGS = 4
MAX_CIPHERSUITES = 4
MAX_APP_PROTOCOLS = 2
MAX_HOSTNAME = 255  # a DNS name's limit (RFC 1035 §2.3.4)

SEC_TAG_LIST = TLS_OPTIONS["TLS_SEC_TAG_LIST"]
HOSTNAME = TLS_OPTIONS["TLS_HOSTNAME"]
CIPHERSUITE_LIST = TLS_OPTIONS["TLS_CIPHERSUITE_LIST"]
CIPHERSUITE_USED = TLS_OPTIONS["TLS_CIPHERSUITE_USED"]
PEER_VERIFY = TLS_OPTIONS["TLS_PEER_VERIFY"]
DTLS_ROLE = TLS_OPTIONS["TLS_DTLS_ROLE"]
ALPN_LIST = TLS_OPTIONS["TLS_ALPN_LIST"]
TIMEOUT_MIN = TLS_OPTIONS["TLS_DTLS_HANDSHAKE_TIMEOUT_MIN"]
TIMEOUT_MAX = TLS_OPTIONS["TLS_DTLS_HANDSHAKE_TIMEOUT_MAX"]
_DTLS_ONLY = frozenset({DTLS_ROLE, TIMEOUT_MIN, TIMEOUT_MAX})
ALL_OF_THE_LIBRARY = LibraryProfile()


def _ints(value: bytes, limit: int, what: str) -> tuple[int, ...]:
    if not value or len(value) % _INT.size:
        raise TlsError("EINVAL", f"{what}: not a whole number of ints")
    count = len(value) // _INT.size
    if count > limit:
        raise TlsError("EINVAL", f"{what}: {count} entries, at most {limit}")
    return struct.unpack(f"<{count}i", value)


def _one_int(value: bytes, what: str) -> int:
    if len(value) != _INT.size:
        raise TlsError("EINVAL", f"{what}: optlen must be sizeof(int)")
    return int(_INT.unpack(value)[0])


@dataclass
class TlsSocketOptions:
    datagram: bool  # a DTLS socket: the DTLS options exist
    sec_tags: tuple[int, ...] = ()
    hostname: str | None = None
    ciphersuites: tuple[int, ...] = ()
    peer_verify: PeerVerify | None = None
    dtls_role: DtlsRole = DtlsRole.CLIENT
    alpn: tuple[bytes, ...] = field(default_factory=tuple)
    handshake_timeout_min_ms: int = DTLS_TIMEOUT_MIN_MS
    handshake_timeout_max_ms: int = DTLS_TIMEOUT_MAX_MS

    def set(self, option: int, value: bytes | None) -> None:
        """setsockopt(SOL_TLS, option, value); None is a NULL optval."""
        if option in _DTLS_ONLY and not self.datagram:
            raise TlsError("ENOPROTOOPT", f"SOL_TLS option {option} is for DTLS sockets")
        if option == HOSTNAME:
            self._set_hostname(value)
            return
        if value is None:
            raise TlsError("EINVAL", f"SOL_TLS option {option}: optval is NULL")
        if option == SEC_TAG_LIST:
            self.sec_tags = _ints(value, MAX_SEC_TAGS, "TLS_SEC_TAG_LIST")
        elif option == CIPHERSUITE_LIST:
            self.ciphersuites = _ints(value, MAX_CIPHERSUITES, "TLS_CIPHERSUITE_LIST")
        elif option == PEER_VERIFY:
            number = _one_int(value, "TLS_PEER_VERIFY")
            if number not in PeerVerify.__members__.values():
                raise TlsError("EINVAL", f"TLS_PEER_VERIFY: {number} is not a level")
            self.peer_verify = PeerVerify(number)
        elif option == DTLS_ROLE:
            number = _one_int(value, "TLS_DTLS_ROLE")
            if number not in DtlsRole.__members__.values():
                raise TlsError("EINVAL", f"TLS_DTLS_ROLE: {number} is not a role")
            self.dtls_role = DtlsRole(number)
        elif option in (TIMEOUT_MIN, TIMEOUT_MAX):
            if len(value) != _UINT.size:
                raise TlsError("EINVAL", "DTLS handshake timeout: optlen must be 4")
            milliseconds = int(_UINT.unpack(value)[0])
            if option == TIMEOUT_MIN:
                self.handshake_timeout_min_ms = milliseconds
            else:
                self.handshake_timeout_max_ms = milliseconds
        else:
            raise TlsError("ENOPROTOOPT", f"SOL_TLS option {option} cannot be set")

    def set_alpn(self, protocols: list[bytes]) -> None:
        if len(protocols) > MAX_APP_PROTOCOLS:
            raise TlsError("EINVAL", f"TLS_ALPN_LIST: at most {MAX_APP_PROTOCOLS} protocols")
        if any(not 0 < len(name) < 256 for name in protocols):
            raise TlsError("EINVAL", "TLS_ALPN_LIST: a name of 1 to 255 bytes each")
        if any(not name.isascii() or b"\0" in name for name in protocols):
            # RFC 7301 §3.1 allows any octets, but python-mbedtls gives the chosen name
            # back as ASCII text (and mbedTLS takes C strings): refused when set.
            raise TlsError("EINVAL", "TLS_ALPN_LIST: names of ASCII characters but NUL")
        self.alpn = tuple(protocols)

    def get(self, option: int, limit: int, session: TlsSession | None) -> bytes:
        """getsockopt(SOL_TLS, option): at most `limit` (*optlen) bytes."""
        if option in _DTLS_ONLY and not self.datagram:
            raise TlsError("ENOPROTOOPT", f"SOL_TLS option {option} is for DTLS sockets")
        if option in (SEC_TAG_LIST, CIPHERSUITE_LIST):
            if limit == 0 or limit % _INT.size:
                raise TlsError("EINVAL", "optlen must be a non-zero multiple of sizeof(int)")
            values = self.sec_tags if option == SEC_TAG_LIST else self.ciphersuites
            return struct.pack(f"<{len(values)}i", *values)[:limit]
        if option == CIPHERSUITE_USED:
            if limit != _INT.size:
                raise TlsError("EINVAL", "optlen must be sizeof(int)")
            if session is None or session.state is not SessionState.ESTABLISHED:
                raise TlsError("ENOTCONN", "no ciphersuite before the handshake")
            return _INT.pack(session.ciphersuite or 0)
        if option in (TIMEOUT_MIN, TIMEOUT_MAX):
            if limit != _UINT.size:
                raise TlsError("EINVAL", "optlen must be 4")
            return _UINT.pack(self.handshake_timeout_min_ms if option == TIMEOUT_MIN
                              else self.handshake_timeout_max_ms)
        raise TlsError("ENOPROTOOPT", f"SOL_TLS option {option} cannot be read")

    def session_settings(self, role: DtlsRole, lookup: CredentialLookup,
                         library: LibraryProfile = ALL_OF_THE_LIBRARY,
                         mtu: int = DTLS_DEFAULT_MTU) -> SessionSettings:
        """The settings of a session for this socket; a TLS socket's role follows
        connect (client) or accept (server), a DTLS socket's is TLS_DTLS_ROLE."""
        return SessionSettings(
            role=role, datagram=self.datagram, credentials=resolve(self.sec_tags, lookup),
            hostname=self.hostname, peer_verify=self.peer_verify,
            ciphersuites=self.ciphersuites, alpn=self.alpn,
            handshake_timeout_min_ms=self.handshake_timeout_min_ms,
            handshake_timeout_max_ms=self.handshake_timeout_max_ms, mtu=mtu, library=library)

    def _set_hostname(self, value: bytes | None) -> None:
        if value is None:  # NULL: no name to check (Zephyr: mbedtls_ssl_set_hostname(NULL))
            self.hostname = None
            return
        name = value.split(b"\0", 1)[0]
        if len(name) > MAX_HOSTNAME:
            raise TlsError("EINVAL", f"TLS_HOSTNAME: longer than {MAX_HOSTNAME} bytes")
        try:
            self.hostname = name.decode("ascii")
        except UnicodeDecodeError:
            raise TlsError("EINVAL", "TLS_HOSTNAME: not an ASCII name") from None
