"""The TLS contract shared by C and Python: credential types, SOL_TLS options and values.

The numbers are Zephyr's (<zephyr/net/tls_credentials.h>, <zephyr/net/socket.h>,
<zephyr/net/net_ip.h>); `levante/socket_tls.h` and `zephyr/net/tls_credentials.h` say
the same in C, and a test checks that they agree.
"""

from __future__ import annotations

from enum import IntEnum


class TlsCredentialType(IntEnum):
    """enum tls_credential_type."""

    NONE = 0
    CA_CERTIFICATE = 1
    SERVER_CERTIFICATE = 2  # the device's own certificate, client or server
    PRIVATE_KEY = 3
    PSK = 4
    PSK_ID = 5


# Credentials that are secrets: the store never hands them back to a user thread.
SECRET_CREDENTIALS = frozenset({TlsCredentialType.PRIVATE_KEY, TlsCredentialType.PSK})


class PeerVerify(IntEnum):
    """TLS_PEER_VERIFY's values."""

    NONE = 0
    OPTIONAL = 1
    REQUIRED = 2


class DtlsRole(IntEnum):
    """TLS_DTLS_ROLE's values (a TLS socket's role follows connect or listen)."""

    CLIENT = 0
    SERVER = 1


SOL_TLS = 282

# SOL_TLS option names.
TLS_OPTIONS: dict[str, int] = {
    "TLS_SEC_TAG_LIST": 1,
    "TLS_HOSTNAME": 2,
    "TLS_CIPHERSUITE_LIST": 3,
    "TLS_CIPHERSUITE_USED": 4,
    "TLS_PEER_VERIFY": 5,
    "TLS_DTLS_ROLE": 6,
    "TLS_ALPN_LIST": 7,
    "TLS_DTLS_HANDSHAKE_TIMEOUT_MIN": 8,
    "TLS_DTLS_HANDSHAKE_TIMEOUT_MAX": 9,
}

# Socket protocols (enum net_ip_protocol_secure).
IPPROTO_TLS_1_2 = 258
IPPROTO_DTLS_1_2 = 273
