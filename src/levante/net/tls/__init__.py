"""TLS and DTLS sessions on mbedTLS, sans-IO, for Zephyr's TLS sockets."""

from levante.net.tls.credentials import CredentialLookup, ResolvedCredentials, resolve
from levante.net.tls.errors import TlsError
from levante.net.tls.session import SessionState, TlsSession
from levante.net.tls.settings import SessionSettings

__all__ = ["CredentialLookup", "ResolvedCredentials", "SessionSettings", "SessionState",
           "TlsError", "TlsSession", "resolve"]
