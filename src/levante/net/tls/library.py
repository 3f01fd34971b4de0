"""What the build lets mbedTLS use: the CONFIG_MBEDTLS_* symbols Zephyr's TLS samples
set, as the ciphersuites a session may offer or accept and the records it writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mbedtls import tls

from levante.config import Config

# Key exchanges as mbedTLS names them in its suites (TLS-<exchange>-WITH-...), by the
# Kconfig symbol that enables them.
KEY_EXCHANGES: dict[str, str] = {
    "MBEDTLS_KEY_EXCHANGE_PSK_ENABLED": "PSK",
    "MBEDTLS_KEY_EXCHANGE_DHE_PSK_ENABLED": "DHE-PSK",
    "MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED": "ECDHE-PSK",
    "MBEDTLS_KEY_EXCHANGE_RSA_PSK_ENABLED": "RSA-PSK",
    "MBEDTLS_KEY_EXCHANGE_RSA_ENABLED": "RSA",
    "MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED": "DHE-RSA",
    "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED": "ECDHE-RSA",
    "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED": "ECDHE-ECDSA",
    "MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA_ENABLED": "ECDH-ECDSA",
    "MBEDTLS_KEY_EXCHANGE_ECDH_RSA_ENABLED": "ECDH-RSA",
}
# Ciphers and modes, by the word that names them in a suite.
CIPHERS: dict[str, str] = {
    "MBEDTLS_CIPHER_AES_ENABLED": "AES",
    "MBEDTLS_CIPHER_GCM_ENABLED": "GCM",
    "MBEDTLS_CIPHER_CCM_ENABLED": "CCM",
    "MBEDTLS_CIPHER_CHACHA20_ENABLED": "CHACHA20",
}
MAX_CONTENT_LEN = 16384  # RFC 5246 §6.2.1


def key_exchange(suite: str) -> str:
    return suite[len("TLS-"):suite.index("-WITH-")]


@dataclass(frozen=True)
class LibraryProfile:
    """The default profile allows everything the library has."""

    disabled_key_exchanges: frozenset[str] = frozenset()
    disabled_ciphers: frozenset[str] = frozenset()
    max_content_len: int = MAX_CONTENT_LEN

    @classmethod
    def from_config(cls, config: Config) -> LibraryProfile:
        def disabled(table: dict[str, str]) -> frozenset[str]:
            return frozenset(word for symbol, word in table.items()
                             if not config.is_enabled(symbol))
        if not config.is_enabled("MBEDTLS"):
            return cls()
        return cls(disabled(KEY_EXCHANGES), disabled(CIPHERS),
                   config.get_int("MBEDTLS_SSL_MAX_CONTENT_LEN"))

    @property
    def restricted(self) -> bool:
        return bool(self.disabled_key_exchanges or self.disabled_ciphers)

    def allows(self, suite: str) -> bool:
        if key_exchange(suite) in self.disabled_key_exchanges:
            return False
        words = suite.split("-")
        return not any(cipher in words for cipher in self.disabled_ciphers)

    def suites(self, among: Iterable[str] | None = None) -> tuple[str, ...]:
        """The suites of `among` (default: all the library has) this build allows."""
        names = tls.ciphers_available() if among is None else among
        return tuple(name for name in names if self.allows(str(name)))
