"""TLS_CIPHERSUITE_LIST's IANA numbers, as the names mbedTLS knows them by."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mbedtls import _tls

from levante.net.tls.errors import TlsError

# The suite tables of python-mbedtls's extension (absent from its type stub).
_mbedtls: Any = _tls


def ciphersuite_name(iana_id: int) -> str | None:
    """mbedTLS's name of the suite with this IANA number, or None if it has none (mbedTLS
    numbers its suites by their IANA values)."""
    if not 0 <= iana_id <= 0xFFFF:
        return None
    name = str(_mbedtls._get_ciphersuite_name(iana_id))
    return None if name == "unknown" else name


def ciphersuite_id(name: str) -> int:
    return int(_mbedtls._get_ciphersuite_id(name))


def ciphersuite_names(iana_ids: Sequence[int]) -> tuple[str, ...]:
    """Every number must name a suite this build has: -EINVAL otherwise, as Zephyr's
    setsockopt refuses a list mbedTLS does not support."""
    names = []
    for iana_id in iana_ids:
        name = ciphersuite_name(iana_id)
        if name is None:
            raise TlsError("EINVAL", f"ciphersuite 0x{iana_id:04x} is not supported")
        names.append(name)
    return tuple(names)


def record_expansion(name: str) -> int:
    """The most a TLS 1.2 record of this suite adds to its plaintext, past the header:
    AEAD suites add an explicit nonce and a tag (RFC 5288 §3, RFC 6655 §3; ChaCha20
    only the tag, RFC 7905 §2), CBC suites an IV, a MAC and up to a block of padding
    (RFC 5246 §6.2.3.2)."""
    if "CHACHA20" in name:
        return 16
    if "CCM-8" in name:
        return 8 + 8
    if "GCM" in name or "CCM" in name:
        return 8 + 16
    mac = 48 if name.endswith("SHA384") else 32 if name.endswith("SHA256") else 20
    return 16 + mac + 16
