"""A socket's security tags, resolved against the credential store into mbedTLS objects.

Zephyr's rules (sockets_tls.c): every credential of every listed tag is used; a tag with
no credential at all is -ENOENT, as is a PSK whose tag holds no PSK identity; a
credential mbedTLS cannot parse is -EINVAL. CA certificates of all tags form one chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mbedtls import pk, x509

from levante.abi.tls import TlsCredentialType
from levante.net.tls.errors import TlsError

# The store's answer for one (tag, type): the credential's bytes, or None.
CredentialLookup = Callable[[int, TlsCredentialType], bytes | None]

_PEM_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


@dataclass(frozen=True)
class ResolvedCredentials:
    """What a session is built from: parsed, ready for mbedTLS."""

    ca_certificates: tuple[x509.CRT, ...] = ()
    own_chain: tuple[x509.CRT, ...] = ()  # the device's certificate first
    private_key: pk.CipherBase | None = None
    psk: tuple[str, bytes] | None = None  # (identity, key)


def _certificates(blob: bytes, tag: int) -> list[x509.CRT]:
    """One DER certificate, or one or more PEM ones (C strings may carry their NUL)."""
    blob = blob.rstrip(b"\0")
    try:
        if blob.lstrip().startswith(b"-----BEGIN"):
            found = _PEM_CERTIFICATE.findall(blob)
            if not found:
                raise ValueError("no certificate in PEM text")
            return [x509.CRT.from_PEM(pem.decode("ascii")) for pem in found]
        return [x509.CRT.from_DER(blob)]
    except Exception as error:  # mbedTLS raises its own error type, or ValueError
        raise TlsError("EINVAL", f"security tag {tag}: not a certificate ({error})") from None


def _private_key(blob: bytes, tag: int) -> pk.CipherBase:
    blob = blob.rstrip(b"\0")
    for kind in (pk.ECC, pk.RSA):
        try:
            return kind.from_buffer(blob)
        except Exception:  # the other kind, or not a key at all
            continue
    raise TlsError("EINVAL", f"security tag {tag}: not a private key")


def resolve(tags: Sequence[int], lookup: CredentialLookup) -> ResolvedCredentials:
    ca: list[x509.CRT] = []
    own: list[x509.CRT] = []
    key: pk.CipherBase | None = None
    psk: tuple[str, bytes] | None = None
    for tag in tags:
        found = {kind: lookup(tag, kind) for kind in TlsCredentialType
                 if kind is not TlsCredentialType.NONE}
        if all(value is None for value in found.values()):
            raise TlsError("ENOENT", f"security tag {tag} holds no credential")
        if (blob := found[TlsCredentialType.CA_CERTIFICATE]) is not None:
            ca.extend(_certificates(blob, tag))
        if (blob := found[TlsCredentialType.SERVER_CERTIFICATE]) is not None:
            own.extend(_certificates(blob, tag))
        if (blob := found[TlsCredentialType.PRIVATE_KEY]) is not None:
            key = _private_key(blob, tag)
        if (secret := found[TlsCredentialType.PSK]) is not None:
            identity = found[TlsCredentialType.PSK_ID]
            if identity is None:
                raise TlsError("ENOENT", f"security tag {tag}: a PSK without a PSK identity")
            try:
                psk = (identity.rstrip(b"\0").decode("utf-8"), secret)
            except UnicodeDecodeError:
                raise TlsError("EINVAL", f"security tag {tag}: the PSK identity is not "
                               "text") from None
    if own and key is None:
        raise TlsError("EINVAL", "an own certificate without its private key")
    return ResolvedCredentials(tuple(ca), tuple(own), key if own else None, psk)
