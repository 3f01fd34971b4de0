"""What a TLS or DTLS session is built from: a socket's SOL_TLS options, resolved."""

from __future__ import annotations

from dataclasses import dataclass

from levante.abi.tls import DtlsRole, PeerVerify
from levante.net.tls.credentials import ResolvedCredentials
from levante.net.tls.library import LibraryProfile

# mbedTLS's defaults, which are Zephyr's TLS_DTLS_HANDSHAKE_TIMEOUT_MIN/MAX defaults.
DTLS_TIMEOUT_MIN_MS = 1000
DTLS_TIMEOUT_MAX_MS = 60000
# IPv4's minimum MTU less IP and UDP headers (RFC 6347 §4.1.1.1: fit the PMTU; the
# socket layer passes the path's real one when it knows it).
DTLS_DEFAULT_MTU = 576 - 20 - 8


@dataclass(frozen=True)
class SessionSettings:
    role: DtlsRole
    datagram: bool  # DTLS (IPPROTO_DTLS_1_2) rather than TLS (IPPROTO_TLS_1_2)
    credentials: ResolvedCredentials
    hostname: str | None = None  # TLS_HOSTNAME: SNI and the name the certificate must carry
    # TLS_PEER_VERIFY; None: Zephyr's default (required for clients, none for servers).
    peer_verify: PeerVerify | None = None
    ciphersuites: tuple[int, ...] = ()  # TLS_CIPHERSUITE_LIST, IANA numbers; (): all
    alpn: tuple[bytes, ...] = ()  # TLS_ALPN_LIST
    handshake_timeout_min_ms: int = DTLS_TIMEOUT_MIN_MS
    handshake_timeout_max_ms: int = DTLS_TIMEOUT_MAX_MS
    mtu: int = DTLS_DEFAULT_MTU
    library: LibraryProfile = LibraryProfile()  # what the build's CONFIG_MBEDTLS_* allow

    @property
    def verify(self) -> PeerVerify:
        if self.peer_verify is not None:
            return self.peer_verify
        return PeerVerify.REQUIRED if self.role is DtlsRole.CLIENT else PeerVerify.NONE
